// The language server in a real VS Code: hovering `mov rax, 60` in hello.asm explains exit, and the
// decoded call appears as an inlay hint after each syscall (in a NASM .s file too) — also in Restricted
// Mode, where nasm never runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  editorLines, EXAMPLES, openFile, runCommand, screenshot, startVSCode, waitForTokens, type VSCodeSession,
} from './harness';

/** Puts the cursor at a 1-based position with Go to Line/Column, keeping the ':' that selects that mode. */
async function moveCursor(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Shows the hover at a position and waits until it contains `text`; leaves it open. */
async function showHover(page: Page, line: number, column: number, text: string): Promise<string> {
  await moveCursor(page, line, column);
  await runCommand(page, 'Show or Focus Hover');
  const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden)', { hasText: text }).first();
  await hover.waitFor({ timeout: 30_000 });
  return hover.innerText();
}

async function waitForLine(vscode: VSCodeSession, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lines: string[] = [];
  while (Date.now() < deadline) {
    lines = await editorLines(vscode.page);
    const found = lines.find((l) => pattern.test(l));
    if (found) return found;
    await vscode.page.waitForTimeout(250);
  }
  throw new Error(`No editor line matches ${pattern}:\n${lines.join('\n')}`);
}

const PROJECT = path.resolve(__dirname, '../fixtures/server/project');

async function errorSquiggles(page: Page): Promise<number> {
  return page.locator('.editor-instance .monaco-editor .squiggly-error').count();
}

for (const trusted of [true, false]) {
  describe(trusted ? 'in a trusted folder' : 'in Restricted Mode', () => {
    let vscode: VSCodeSession;
    let folder: string;
    beforeAll(async () => {
      // hello.asm from the examples, plus a file with nasm errors (one inside an included file).
      folder = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-e2e-lsp-'));
      cpSync(path.join(EXAMPLES, 'hello.asm'), path.join(folder, 'hello.asm'));
      // A NASM source named .s, as course projects name them: it opens as NASM.
      cpSync(path.join(EXAMPLES, 'hello.asm'), path.join(folder, 'hello.s'));
      for (const name of ['broken.asm', 'bad.inc']) cpSync(path.join(PROJECT, name), path.join(folder, name));
      vscode = await startVSCode({ folder, trusted });
    });
    afterAll(async () => {
      await vscode?.close();
      rmSync(folder, { recursive: true, force: true });
    });

    it('hovering `mov rax, 60` in hello.asm shows exit', async () => {
      await openFile(vscode.page, 'hello.asm');
      await waitForTokens(vscode.page);
      const text = await showHover(vscode.page, 22, 9, 'syscall 60');
      expect(text).toContain('exit');
      expect(text).toContain('man 2 exit');
      await screenshot(vscode.page, `lsp-hover-exit-${trusted ? 'trusted' : 'restricted'}`);
      await vscode.page.keyboard.press('Escape');
    });

    it('shows the decoded call as an inlay hint after each syscall', async () => {
      const write = await waitForLine(vscode, /^\s*syscall\s*write\(1, msg, 14\)/);
      expect(write).toContain('write(1, msg, 14)');
      await waitForLine(vscode, /^\s*syscall\s*exit\(0\)/);
      expect(await waitForLine(vscode, /mov\s+rdi, fd:\s*1/)).toContain('fd:');
      await screenshot(vscode.page, `lsp-inlay-hints-${trusted ? 'trusted' : 'restricted'}`);
    });

    it('opens a NASM .s file as NASM: its syscalls get their inlay hints', async () => {
      await openFile(vscode.page, 'hello.s');
      await waitForLine(vscode, /^\s*syscall\s*write\(1, msg, 14\)/);
      await screenshot(vscode.page, `lsp-dot-s-${trusted ? 'trusted' : 'restricted'}`);
    });

    it(trusted ? 'underlines nasm errors, the include line included' : 'never runs nasm, so no nasm errors appear', async () => {
      await openFile(vscode.page, 'broken.asm');
      await waitForTokens(vscode.page);
      if (trusted) {
        await vscode.page.waitForFunction(() => document.querySelectorAll('.editor-instance .monaco-editor .squiggly-error').length >= 2, undefined, { timeout: 60_000 });
        await screenshot(vscode.page, 'lsp-nasm-diagnostics-trusted');
        // The error inside the included file is shown in that file too.
        await openFile(vscode.page, 'bad.inc');
        await vscode.page.waitForFunction(() => document.querySelectorAll('.editor-instance .monaco-editor .squiggly-error').length >= 1, undefined, { timeout: 30_000 });
      } else {
        await vscode.page.waitForTimeout(5_000);
        expect(await errorSquiggles(vscode.page)).toBe(0);
      }
      await screenshot(vscode.page, trusted ? 'lsp-nasm-diagnostics-included-file' : 'lsp-nasm-diagnostics-restricted');
    });
  });
}
