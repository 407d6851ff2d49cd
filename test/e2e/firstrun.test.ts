// A new user's first minutes, in a real VS Code: the status bar says which tools were found and
// offers fixes, the walkthrough is there, Debug and Trace sit above _start, every command that ran
// is in the "Syscall Lens" log, and the syscall table filters, explains, shows the local man page
// and inserts a call at the cursor.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, editorLines, goToPosition, openFile, runCommand, screenshot, startVSCode, type VSCodeSession } from './harness';

/** The table's own document inside VS Code's two webview iframes (the tests open no other webview before it). */
function table(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** The tool status item; its accessible label says what it found. */
const statusItem = (page: Page) => page.locator('.statusbar-item[aria-label^="Syscall Lens"]').first();

/** The text of the "Syscall Lens" log so far, from its file in the user-data dir. */
function syscallLensLog(vscode: VSCodeSession): string {
  return Object.entries(vscode.extensionHostLogs()).filter(([file]) => /Syscall Lens\.log$/.test(file)).map(([, text]) => text).join('\n');
}

describe('a first run', () => {
  let vscode: VSCodeSession;
  let folder: string;
  beforeAll(async () => {
    // A copy: the table's Insert edits the file.
    folder = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-firstrun-'));
    copyFileSync(path.join(EXAMPLES, 'hello.asm'), path.join(folder, 'hello.asm'));
    // A program that waits in read(0, …) until it gets a line: a trace that lasts.
    writeFileSync(path.join(folder, 'wait.asm'), [
      '        global _start', '        section .bss', 'line    resb 64', '        section .text', '_start:',
      '        xor     eax, eax', '        xor     edi, edi', '        mov     rsi, line', '        mov     edx, 64', '        syscall',
      '        mov     eax, 60', '        xor     edi, edi', '        syscall', '',
    ].join('\n'));
    vscode = await startVSCode({ folder });
  });
  afterAll(async () => {
    await vscode?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('the status bar says every tool was found, and lists them with versions on click', async () => {
    const page = vscode.page;
    await openFile(page, 'hello.asm');
    const item = statusItem(page);
    await expect.poll(async () => (await item.getAttribute('aria-label')) ?? '', { timeout: 60_000 }).toBe('Syscall Lens: all tools found');
    await item.click();
    const picks = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await picks.first().waitFor({ timeout: 15_000 });
    const text = (await picks.allInnerTexts()).join('\n');
    expect(text).toMatch(/nasm\s*2\.\d+(\.\d+)* · \/\S+\/nasm/);
    expect(text).toMatch(/gdb\s*\d+\.\d+/);
    expect(text).toMatch(/strace\s*\d+\.\d+/);
    expect(text).toMatch(/ptrace\s*strace may trace programs here/);
    await screenshot(page, 'firstrun-tool-status');
    await page.keyboard.press('Escape');
  });

  it('logs the tools it found in the Syscall Lens output channel', async () => {
    await expect.poll(() => syscallLensLog(vscode), { timeout: 30_000 }).toMatch(/nasm 2\.\d+(\.\d+)* at \/\S+\/nasm/);
    expect(syscallLensLog(vscode)).toMatch(/strace \d+\.\d+ at /);
  });

  it('shows Debug and Trace above _start', async () => {
    const page = vscode.page;
    await openFile(page, 'hello.asm');
    const lenses = page.locator('.editor-instance .contentWidgets .codelens-decoration, .editor-instance .codelens-decoration');
    await expect.poll(() => lenses.first().innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/Debug/);
    const text = await lenses.first().innerText();
    expect(text).toMatch(/Debug\s*\|\s*.*Trace/);
    await screenshot(page, 'firstrun-codelens');
  });

  it('Debug runs nasm and ld, logged as commands a user can paste into a shell', async () => {
    const page = vscode.page;
    await page.locator('.codelens-decoration a', { hasText: 'Debug' }).first().click();
    await page.locator('.debug-toolbar').waitFor({ timeout: 60_000 });
    await expect.poll(() => syscallLensLog(vscode), { timeout: 30_000 }).toMatch(/nasm -f elf64 .*hello\.asm/);
    const log = syscallLensLog(vscode);
    expect(log).toMatch(/\bld\b.* -o \S+hello/);
    expect(log).toMatch(/debug "Debug hello\.asm": \S*gdb runs \S+hello/);
    await runCommand(page, 'Syscall Lens: Show Log');
    await page.locator('.output-view, .panel .monaco-editor').first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'firstrun-output-channel');
    await runCommand(page, 'Debug: Stop');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
  });

  it('the walkthrough lists the five steps', async () => {
    const page = vscode.page;
    await runCommand(page, 'Syscall Lens: Get Started');
    const steps = page.locator('.getting-started-step .step-title');
    await expect.poll(() => steps.allInnerTexts(), { timeout: 30_000 }).toEqual([
      'Check your tools', 'Hover a syscall', 'Debug it with F5', 'Trace it with strace', 'Look it up in the syscall table',
    ]);
    await screenshot(page, 'firstrun-walkthrough');
    await page.keyboard.press('Control+W');
  });

  it('the syscall table filters by name and shows registers, errors and the local man page', async () => {
    const page = vscode.page;
    await openFile(page, 'hello.asm');
    await runCommand(page, 'Syscall Lens: Syscall Table');
    const frame = table(page);
    await frame.locator('.count').waitFor({ timeout: 30_000 });
    expect(await frame.locator('.count').innerText()).toMatch(/^\d{3} syscalls$/);
    await frame.locator('input.search').fill('write');
    const first = frame.locator('tbody tr.row').first();
    expect(await first.locator('td.name').innerText()).toBe('write');
    await first.click();
    const detail = frame.locator('.detail');
    await expect.poll(() => detail.innerText(), { timeout: 15_000 }).toContain('Errors (from man 2 write)');
    const text = await detail.innerText();
    expect(text).toContain('long write(unsigned int fd, const char *buf, size_t count);');
    expect(text).toMatch(/rdi\s+unsigned int fd/);
    expect(text).toMatch(/EBADF\s+Bad file descriptor/);
    expect(await frame.locator('pre.man').innerText()).toMatch(/^NAME\n\s+write - write to a file descriptor/m);
    await screenshot(page, 'firstrun-syscall-table');
  });

  it('filters by number, category and parameter, and switches to the i386 table', async () => {
    const frame = table(vscode.page);
    const names = () => frame.locator('tbody tr.row td.name').allInnerTexts();
    await frame.locator('input.search').fill('0x3c');
    expect(await names()).toEqual(['exit']);
    await frame.locator('input.search').fill('cat:memory arg:len');
    const memory = await names();
    expect(memory).toEqual(expect.arrayContaining(['mmap', 'munmap', 'mprotect']));
    expect(memory).not.toContain('write');
    await frame.locator('select.abi').selectOption('i386');
    await frame.locator('input.search').fill('4');
    expect(await names()).toEqual(['write']);
    expect(await frame.locator('thead th.nr, thead th.arg').allTextContents()).toEqual(['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp']);
    await screenshot(vscode.page, 'firstrun-syscall-table-i386');
    await frame.locator('select.abi').selectOption('x86_64');
  });

  it('inserts the call at the cursor of the editor used last', async () => {
    const page = vscode.page;
    // Line 21 of hello.asm is the blank line between the write and the exit.
    await runCommand(page, 'View: Close All Editor Groups');
    await openFile(page, 'hello.asm');
    await goToPosition(page, 21, 1);
    await runCommand(page, 'Syscall Lens: Syscall Table');
    const frame = table(page);
    await frame.locator('input.search').fill('getpid');
    await frame.locator('tbody tr.row', { hasText: 'getpid' }).first().click();
    const insert = frame.locator('.detail button', { hasText: 'Insert' });
    await expect.poll(() => insert.isEnabled(), { timeout: 15_000 }).toBe(true);
    await insert.click();
    // In place of the blank line, indented like the code around it.
    await expect.poll(async () => (await editorLines(page)).join('\n'), { timeout: 15_000 })
      .toMatch(/\n {8}syscall[^\n]*\n {8}mov eax, 39 +; getpid\n {8}syscall[^\n]*\n {8}mov +rax, 60/);
    await screenshot(page, 'firstrun-inserted-call');
  });

  it('the status bar says what is being traced while a trace runs', async () => {
    const page = vscode.page;
    await runCommand(page, 'View: Close All Editor Groups');
    await openFile(page, 'wait.asm');
    await runCommand(page, 'Syscall Lens: Trace Program with strace');
    const item = page.locator('.statusbar-item', { hasText: 'tracing wait' }).first();
    await item.waitFor({ timeout: 60_000 });
    await screenshot(page, 'firstrun-tracing-status');
    await runCommand(page, 'Syscall Lens: Stop Trace');
    await item.waitFor({ state: 'detached', timeout: 30_000 });
    expect(await statusItem(page).innerText()).not.toMatch(/tracing/);
  });
});

describe('a machine without strace', () => {
  let vscode: VSCodeSession;
  let folder: string;
  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-nostrace-'));
    copyFileSync(path.join(EXAMPLES, 'hello.asm'), path.join(folder, 'hello.asm'));
    // A real absence: the setting points where no strace is.
    vscode = await startVSCode({ folder, settings: { 'syscallLens.stracePath': '/nonexistent/strace' } });
  });
  afterAll(async () => {
    await vscode?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('the status bar names the missing tool and the fix', async () => {
    const page = vscode.page;
    await openFile(page, 'hello.asm');
    const item = statusItem(page);
    await expect.poll(async () => (await item.getAttribute('aria-label')) ?? '', { timeout: 60_000 })
      .toBe('Syscall Lens: strace was not found at /nonexistent/strace. Install it (sudo apt-get install strace) or set syscallLens.stracePath to its location. Needed for tracing.');
    expect(await item.innerText()).toMatch(/Syscall Lens: strace missing/);
    await item.click();
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'strace' }).first();
    await row.waitFor({ timeout: 15_000 });
    expect(await row.innerText()).toMatch(/sudo apt-get install strace/);
    await screenshot(page, 'firstrun-strace-missing');
    await page.keyboard.press('Escape');
  });

  it('tracing fails with the same actionable message', async () => {
    const page = vscode.page;
    await openFile(page, 'hello.asm');
    await runCommand(page, 'Syscall Lens: Trace Program with strace');
    const toast = page.locator('.notification-toast .notification-list-item-message', { hasText: 'strace was not found' }).first();
    await toast.waitFor({ timeout: 60_000 });
    expect(await toast.innerText()).toMatch(/strace was not found at .*\/nonexistent\/strace.*sudo apt-get install strace/);
  });
});
