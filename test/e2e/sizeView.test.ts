// The size view in a real VS Code: "Show Program Size" on examples/hello.asm builds it (as F5 does) and
// opens the report beside it: the file size, the ELF headers and every section, .text among them with
// the size binutils' `size -A` gives for the same code assembled and linked here. Rebuilt after an
// edit, it says what changed since the previous build. "Compare Program Size With…" puts hello.c and
// hello.asm side by side: bytes and the syscall counts of their last traces in the trace panel.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EXAMPLES, REPO_ROOT, hover, notifications, openFile, runCommand, screenshot, startVSCode, type VSCodeSession } from './harness';

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

/** Syscalls strace sees when the program runs on its own (one line per call; the exit line is not a call). */
function syscallsByStrace(program: string, folder: string): number {
  const log = path.join(folder, `${path.basename(program)}.strace`);
  const result = spawnSync('strace', ['-f', '-qq', '-o', log, program], { cwd: folder, encoding: 'utf8', timeout: 30_000, shell: false });
  if (result.status !== 0) throw new Error(`strace failed: ${result.stderr}`);
  return readFileSync(log, 'utf8').split('\n').filter((line) => line.trim() && !/^(\d+ +)?(\+\+\+|---)/.test(line)).length;
}

/** Traces the active file from the Command Palette and waits until the trace panel says it exited. */
async function traceToEnd(page: Page, name: string): Promise<void> {
  await runCommand(page, 'Syscall Lens: Trace Program with strace');
  const status = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator('.status', { hasText: `${name} — exited with 0` });
  await status.waitFor({ timeout: 90_000 });
}

/** The lines the focused editor group shows (the report opens beside the source, in the second group). */
async function activeEditorLines(page: Page): Promise<string[]> {
  return page.locator('.editor-group-container.active .monaco-editor .view-lines').first().evaluate((element) =>
    Array.from(element.querySelectorAll<HTMLElement>('.view-line'))
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' ')));
}

/** The report's visible lines once `ready` holds for them (the document fills in after the build). */
async function waitForLines(page: Page, ready: (lines: string[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + 60_000;
  let lines: string[] = [];
  while (Date.now() < deadline) {
    lines = await activeEditorLines(page).catch(() => []);
    if (ready(lines)) return lines;
    await page.waitForTimeout(250);
  }
  throw new Error(`The report never showed what was expected. It shows:\n${lines.join('\n')}`);
}

describe('the size view', () => {
  let vscode: VSCodeSession;
  let folder: string;
  let work: string;
  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-e2e-size-'));
    work = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-e2e-size-check-'));
    cpSync(path.join(EXAMPLES, 'hello.asm'), path.join(folder, 'hello.asm'));
    cpSync(path.join(EXAMPLES, 'hello.c'), path.join(folder, 'hello.c'));
    cpSync(path.join(REPO_ROOT, 'test/fixtures/dap/rust-hello'), path.join(folder, 'rust-hello'), { recursive: true });
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

  it('says what changed since the previous build when shown again after an edit', async () => {
    const file = path.join(folder, 'hello.asm');
    writeFileSync(file, readFileSync(file, 'utf8').replace('_start:\n', '_start:\n        nop\n'));
    await openFile(vscode.page, 'hello.asm');
    await runCommand(vscode.page, 'Syscall Lens: Show Program Size');
    const lines = await waitForLines(vscode.page, (l) => l.some((line) => line.startsWith('since the previous build')));
    expect(lines.find((l) => /^ {2}\.text\s/.test(l)), lines.join('\n')).toMatch(/^ {2}\.text\s+(\d+) → +(\d+) {2}\+1$/);
    const [, before, after] = /(\d+) → +(\d+)/.exec(lines.find((l) => /^ {2}\.text\s/.test(l))!)!;
    expect(Number(after)).toBe(Number(before) + 1);
    await screenshot(vscode.page, 'size-view-since-previous-build');
  });

  it('gives a label its address in the program just built, in the hover', async () => {
    // The same edit, assembled and linked here without the extension: nm's address of msg.
    const copy = path.join(work, 'hello.asm');
    writeFileSync(copy, readFileSync(path.join(folder, 'hello.asm'), 'utf8'));
    textSizeByBinutils(work);
    const nm = spawnSync('nm', [path.join(work, 'check')], { encoding: 'utf8' }).stdout;
    const address = /^([0-9a-f]+) \w msg$/m.exec(nm)![1]!.replace(/^0+/, '');
    // The reports above opened beside the source, in groups of their own: start from one editor.
    await runCommand(vscode.page, 'View: Close All Editors');
    await openFile(vscode.page, 'hello.asm');
    const lines = readFileSync(path.join(folder, 'hello.asm'), 'utf8').split('\n');
    const line = lines.findIndex((l) => /mov\s+rsi, msg/.test(l));
    const text = await hover(vscode.page, line + 1, lines[line]!.indexOf('msg') + 2, 'in the built program');
    expect(text).toContain(`msg: .data+0x0 (address 0x${address} in the built program)`);
    // Shown again for the screenshot (the harness closes it after reading).
    await runCommand(vscode.page, 'Show or Focus Hover');
    await vscode.page.locator('.monaco-editor .monaco-hover:not(.hidden)', { hasText: 'in the built program' }).first().waitFor({ timeout: 30_000 });
    await screenshot(vscode.page, 'hover-label-address');
    await vscode.page.keyboard.press('Escape');
  });

  it('compares hello.c with hello.asm: bytes and the syscalls of their last traces in one view', async () => {
    await openFile(vscode.page, 'hello.asm');
    await traceToEnd(vscode.page, 'hello.asm');
    await openFile(vscode.page, 'hello.c');
    await traceToEnd(vscode.page, 'hello.c');
    await openFile(vscode.page, 'hello.c');
    await runCommand(vscode.page, 'Syscall Lens: Compare Program Size With…');
    const offered = vscode.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'hello.asm' }).first();
    await offered.waitFor({ timeout: 30_000 });
    await offered.click();
    await vscode.page.locator('.tab', { hasText: 'hello.c vs hello.asm size' }).first().waitFor({ timeout: 90_000 }).catch(async () => {
      throw new Error(`The comparison never opened. Notifications: ${(await notifications(vscode.page)).join(' | ')}`);
    });
    const top = await waitForLines(vscode.page, (l) => /^hello\.c → hello\.asm/.test(l[0] ?? ''));
    const journey = /^hello\.c → hello\.asm: (\d+) syscalls \/ (\d+) bytes → (\d+) syscalls \/ (\d+) bytes$/.exec(top[0]!);
    expect(journey, top.join('\n')).not.toBeNull();
    const [, cCalls, cBytes, asmCalls, asmBytes] = journey!.map(Number);
    expect(top.find((l) => l.startsWith('syscalls'))).toMatch(new RegExp(`^syscalls\\s+${cCalls}\\s+${asmCalls}\\s+-\\d+ \\(-\\d+%\\)$`));
    expect(top.find((l) => l.startsWith('.interp'))).toMatch(/^\.interp\s+28\s+-$/);
    await screenshot(vscode.page, 'size-view-compare');
    // The programs measured are named at the end: their sizes on disk and strace's own count agree.
    await vscode.page.keyboard.press('Control+End');
    const bottom = await waitForLines(vscode.page, (l) => l.some((line) => line.startsWith('hello.asm: /')));
    const programOf = (name: string) => bottom.find((l) => l.startsWith(`${name}: /`))!.slice(name.length + 2);
    expect(statSync(programOf('hello.c')).size).toBe(cBytes);
    expect(statSync(programOf('hello.asm')).size).toBe(asmBytes);
    expect(asmCalls).toBe(syscallsByStrace(programOf('hello.asm'), work));
    expect(cCalls).toBe(syscallsByStrace(programOf('hello.c'), work));
  });

  it('compares a file with its previous build', async () => {
    // Back to the text without the nop: this build is a byte of .text shorter than the previous one.
    cpSync(path.join(EXAMPLES, 'hello.asm'), path.join(folder, 'hello.asm'));
    await runCommand(vscode.page, 'View: Close All Editors');
    await openFile(vscode.page, 'hello.asm');
    await runCommand(vscode.page, 'Syscall Lens: Compare Program Size With…');
    const previous = vscode.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Previous build of hello.asm' }).first();
    await previous.waitFor({ timeout: 30_000 });
    await previous.click();
    const lines = await waitForLines(vscode.page, (l) => /^hello\.asm \(.+\) → hello\.asm: /.test(l[0] ?? ''));
    expect(lines.find((l) => l.startsWith('.text')), lines.join('\n')).toMatch(/^\.text\s+38\s+37\s+-1 \(-3%\)$/);
    await screenshot(vscode.page, 'size-view-previous-build');
  });

  it('builds a Cargo project from its main.rs and lists its largest functions by their Rust names', async () => {
    // One editor group again: openFile focuses the first group's editor.
    await runCommand(vscode.page, 'View: Close All Editors');
    await openFile(vscode.page, 'rust-hello/src/main.rs');
    await runCommand(vscode.page, 'Syscall Lens: Show Program Size');
    await vscode.page.locator('.tab', { hasText: 'main.rs size' }).first().waitFor({ timeout: 180_000 }).catch(async () => {
      await screenshot(vscode.page, 'size-view-rust-failed');
      throw new Error(`The Rust size report never opened. Notifications: ${(await notifications(vscode.page)).join(' | ')}`);
    });
    const top = await waitForLines(vscode.page, (l) => /^main\.rs: ELF64/.test(l[0] ?? ''));
    expect(top[0]).toMatch(/^main\.rs: ELF64, \d+ bytes in the file, \d+ loaded/);
    expect(top.some((l) => /^\.text\s+PROGBITS/.test(l))).toBe(true);
    // Find the labels: the editor's find widget scrolls the report to them.
    await vscode.page.keyboard.press('Control+F');
    await vscode.page.keyboard.type('largest labels');
    await vscode.page.keyboard.press('Enter');
    await vscode.page.keyboard.press('Escape');
    const lines = await waitForLines(vscode.page, (l) => l.includes('largest labels'));
    const labels = lines.slice(lines.indexOf('largest labels') + 1).filter((l) => /^ +\d+ {2}\.text/.test(l));
    expect(labels.length, lines.join('\n')).toBeGreaterThan(3);
    for (const label of labels) expect(label).toMatch(/^ +\d+ {2}\.text +\S.*::/);
    expect(labels.join('\n')).not.toMatch(/ _R|_ZN|\[[0-9a-f]{16}\]/);
    await screenshot(vscode.page, 'size-view-rust');
  });
});
