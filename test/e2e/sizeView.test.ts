// The size view in a real VS Code: "Show Program Size" on examples/hello.asm builds it (as F5 does) and
// opens the report beside it: the file size, the ELF headers and every section, .text among them with
// the size binutils' `size -A` gives for the same code assembled and linked here.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EXAMPLES, notifications, openFile, runCommand, screenshot, startVSCode, type VSCodeSession } from './harness';

/** `.text`'s size per binutils, for hello.asm assembled and linked without the extension. */
function textSizeByBinutils(folder: string): number {
  const run = (tool: string, args: string[]) => {
    const result = spawnSync(tool, args, { cwd: folder, encoding: 'utf8', timeout: 30_000, shell: false });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr}`);
    return result.stdout;
  };
  run('nasm', ['-f', 'elf64', '-o', 'check.o', 'hello.asm']);
  run('ld', ['-o', 'check', 'check.o']);
  const row = run('size', ['-A', 'check']).split('\n').find((line) => /^\.text\s/.test(line));
  return Number(row!.split(/\s+/)[1]);
}

/** The lines the focused editor group shows (the report opens beside the source, in the second group). */
async function activeEditorLines(page: Page): Promise<string[]> {
  return page.locator('.editor-group-container.active .monaco-editor .view-lines').first().evaluate((element) =>
    Array.from(element.querySelectorAll<HTMLElement>('.view-line'))
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' ')));
}

describe('the size view', () => {
  let vscode: VSCodeSession;
  let folder: string;
  let work: string;
  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-e2e-size-'));
    work = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-e2e-size-check-'));
    cpSync(path.join(EXAMPLES, 'hello.asm'), path.join(folder, 'hello.asm'));
    cpSync(path.join(EXAMPLES, 'hello.asm'), path.join(work, 'hello.asm'));
    vscode = await startVSCode({ folder, viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await vscode?.close();
    rmSync(folder, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('builds hello.asm and shows its file size and sections beside it', async () => {
    await openFile(vscode.page, 'hello.asm');
    await runCommand(vscode.page, 'Syscall Lens: Show Program Size');
    const tab = vscode.page.locator('.tab', { hasText: 'hello.asm size' }).first();
    await tab.waitFor({ timeout: 60_000 }).catch(async () => {
      throw new Error(`The size report never opened. Notifications: ${(await notifications(vscode.page)).join(' | ')}`);
    });
    const deadline = Date.now() + 30_000;
    let lines: string[] = [];
    while (Date.now() < deadline && !lines.some((l) => /^\.text\s/.test(l))) {
      lines = await activeEditorLines(vscode.page).catch(() => []);
      await vscode.page.waitForTimeout(250);
    }
    expect(lines[0]).toMatch(/^hello\.asm: ELF64, \d+ bytes in the file, \d+ loaded$/);
    expect(lines.some((l) => /^headers: 64 ELF header, \d+ program headers, \d+ section headers;/.test(l))).toBe(true);
    const text = lines.find((l) => /^\.text\s/.test(l));
    expect(text, lines.join('\n')).toBeDefined();
    const cells = text!.trim().split(/\s+/);
    expect(cells[1]).toBe('PROGBITS');
    expect(Number(cells.at(-1))).toBe(textSizeByBinutils(work));
    await screenshot(vscode.page, 'size-view-hello');
  });
});
