// The binary lens in a real VS Code: the bytes of each line as inlay hints, shellcode warnings on the
// lines with a NUL byte, a quick fix proven by re-assembly, the shellcode length in the status bar and
// Copy Shellcode as C Array. Real nasm behind the language server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import {
  editorLines, goToPosition, hover, openFile, REPO_ROOT, runCommand, screenshot, startVSCode, waitForTokens, type VSCodeSession,
} from './harness';

const LISTINGS = path.join(REPO_ROOT, 'test/fixtures/nasm/listing');
const SHELLCODE = path.join(REPO_ROOT, 'test/fixtures/nasm/shellcode');
/** The 1-based line of write-nul.asm that holds `needle` (parameter-name hints change the rendered text). */
const lineOf = (needle: string) => readFileSync(path.join(LISTINGS, 'write-nul.asm'), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

/**
 * Opens the quick fixes at the cursor until `title` is among them. A fix is offered once re-assembly
 * has proven it, and the list shown is the one computed when Ctrl+. was pressed, so ask again.
 */
async function quickFix(page: Page, title: string): Promise<Locator> {
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+.');
    try {
      await fix.waitFor({ timeout: 10_000 });
      return fix;
    } catch (error) {
      if (attempt >= 6) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

describe('the binary lens', () => {
  let vscode: VSCodeSession;
  let folder: string;
  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-e2e-bytes-'));
    for (const name of ['write-nul.asm', 'exit-clean.asm']) cpSync(path.join(LISTINGS, name), path.join(folder, name));
    cpSync(SHELLCODE, folder, { recursive: true });
    vscode = await startVSCode({ folder, settings: { 'syscallLens.inlayHints.bytes': true } });
    await vscode.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(vscode.url).origin });
  });
  afterAll(async () => {
    await vscode?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function waitForLines(predicate: (lines: string[]) => boolean, what: string, timeoutMs = 60_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let lines: string[] = [];
    while (Date.now() < deadline) {
      lines = await editorLines(vscode.page);
      if (predicate(lines)) return lines;
      await vscode.page.waitForTimeout(250);
    }
    throw new Error(`${what} never showed:\n${lines.join('\n')}`);
  }

  it('shows each line\'s bytes at its end and warns on the lines with NUL bytes', async () => {
    await openFile(vscode.page, 'write-nul.asm');
    await waitForTokens(vscode.page);
    // Rendered with the syscall hints too: `mov     rdi, error_code:0bf 00 00 00 00`.
    const lines = await waitForLines((l) => l.some((t) => /mov\s+rdi, \D*0\s*bf 00 00 00 00/.test(t)), 'the bytes of mov rdi, 0');
    expect(lines.find((t) => /^\s*syscall/.test(t))).toMatch(/0f 05/);
    expect(lines.find((t) => /mov\s+rax, 60/.test(t))).toMatch(/b8 3c 00 00 00/);
    await vscode.page.waitForFunction(() => document.querySelectorAll('.editor-instance .monaco-editor .squiggly-warning').length >= 6, undefined, { timeout: 60_000 });
    const length = vscode.page.locator('.statusbar-item', { hasText: /^\s*\d+ bytes\s*$/ }).first();
    await length.waitFor({ timeout: 30_000 });
    expect((await length.innerText()).trim()).toMatch(/^\d+ bytes$/);
    await screenshot(vscode.page, 'binary-lens-bytes-and-shellcode-warnings');

    // The warning's part of the hover shows at once, the language server's part (the bytes) when its
    // answer comes: wait for both (a run that waited for the warning alone read the hover too early).
    const text = await hover(vscode.page, lineOf('mov     rdi, 0'), 9, /Shellcode: NUL 0x00[\s\S]*5 bytes|5 bytes[\s\S]*Shellcode: NUL 0x00/);
    expect(text).toContain('a string copy would cut the code here');
    expect(text).toContain('5 bytes');
  });

  it('offers a quick fix proven by re-assembly, which removes the warning', async () => {
    const line = lineOf('mov     rdi, 0');
    const before = await vscode.page.locator('.editor-instance .monaco-editor .squiggly-warning').count();
    await goToPosition(vscode.page, line, 9);
    const fix = await quickFix(vscode.page, 'Shellcode: xor edi, edi');
    await screenshot(vscode.page, 'binary-lens-shellcode-quick-fix');
    await fix.click();
    await waitForLines((l) => l.some((t) => /^ {8}xor {5}\D*edi, edi\s*31 ff/.test(t)), 'the rewritten line with its bytes');
    await vscode.page.waitForFunction((n) => document.querySelectorAll('.editor-instance .monaco-editor .squiggly-warning').length < n, before, { timeout: 60_000 });
    await screenshot(vscode.page, 'binary-lens-after-quick-fix');
  });

  it('shows a clean file\'s length and copies it as a C array', async () => {
    await openFile(vscode.page, 'exit-clean.asm');
    await vscode.page.locator('.statusbar-item', { hasText: /^\s*7 bytes\s*$/ }).first().waitFor({ timeout: 60_000 });
    await runCommand(vscode.page, 'Syscall Lens: Copy Shellcode as C Array');
    const expected = 'unsigned char shellcode[7] = {\n    0x6a, 0x3c, 0x58, 0x31, 0xff, 0x0f, 0x05,\n};';
    let copied = '';
    for (let i = 0; i < 40 && copied !== expected; i++) {
      copied = await vscode.page.evaluate(() => navigator.clipboard.readText()).catch(() => '');
      if (copied !== expected) await vscode.page.waitForTimeout(250);
    }
    expect(copied).toBe(expected);
    await screenshot(vscode.page, 'binary-lens-clean-length');
  });

  it('offers test for cmp with zero when a conditional jump reads the flags next, and rewrites the line', async () => {
    await openFile(vscode.page, 'fixes.asm');
    const lines = readFileSync(path.join(SHELLCODE, 'fixes.asm'), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('cmp     r12, 0')) + 1;
    await waitForLines((l) => l.some((t) => /cmp\s+r12, 0\s*49 83 fc 00/.test(t)), 'the bytes of cmp r12, 0');
    await goToPosition(vscode.page, line, 9);
    const fix = await quickFix(vscode.page, 'Shellcode: test r12, r12');
    await screenshot(vscode.page, 'binary-lens-test-quick-fix');
    await fix.click();
    // test r12, r12 is 4d 85 e4: no NUL.
    await waitForLines((l) => l.some((t) => /^ {8}test {4}r12, r12\s*4d 85 e4/.test(t)), 'the rewritten line with its bytes');
  });

  it('warns on a relative reference from .text to .data, naming the label and its section', async () => {
    await openFile(vscode.page, 'cross-section.asm');
    const lines = readFileSync(path.join(SHELLCODE, 'cross-section.asm'), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('[rel msg]')) + 1;
    const text = await hover(vscode.page, line, 9, 'relative reference');
    expect(text).toContain('relative reference at .text+0x3 to msg in .data');
    await screenshot(vscode.page, 'binary-lens-cross-section');
  });
});
