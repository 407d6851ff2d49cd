// The debug adapter in a real VS Code: F5 on examples/hello.asm builds it, stops at _start, and after
// stepping over the write the Registers view shows rax = 14 (the bytes written).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EXAMPLES, goToPosition, notifications, openFile, runCommand, screenshot, startVSCode, type VSCodeSession } from './harness';

/** examples/hello.asm: the write's `syscall` and the `mov rax, 60` after it. */
const LINE_AFTER_WRITE = 22;

const variablesRow = (page: Page, text: string | RegExp) =>
  page.locator('.debug-variables .monaco-list-row', { hasText: text }).first();

/** Expands a row of the Variables view (a scope or a variable with children) unless it is open. */
async function expand(page: Page, text: string | RegExp): Promise<void> {
  const row = variablesRow(page, text);
  await row.waitFor({ timeout: 30_000 });
  // The view may redraw the row (a refresh after a stop) as it is clicked: click again until it is open.
  await expect.poll(async () => {
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    await page.waitForTimeout(300);
    return row.getAttribute('aria-expanded');
  }, { timeout: 30_000 }).toBe('true');
}

/** Clicks the checkbox of a row of the Breakpoints view (an exception filter or a source breakpoint). */
async function toggleBreakpoint(page: Page, text: string | RegExp): Promise<void> {
  await page.locator('.debug-breakpoints .monaco-list-row', { hasText: text }).locator('.monaco-checkbox').click();
}

/** The source line of the top stack frame, from the Call Stack view. */
async function stoppedLine(page: Page): Promise<string> {
  const frame = page.locator('.debug-call-stack .monaco-list-row .stack-frame').first();
  await frame.waitFor({ timeout: 60_000 });
  return frame.innerText();
}

/** The editor line numbers VS Code highlights as the top stack frame (the yellow line), read from the editor's DOM. */
async function highlightedLines(page: Page): Promise<number[]> {
  return page.locator('.editor-instance .monaco-editor').first().evaluate((editor) => {
    // Whole-line decorations and line numbers are rendered in separate layers, matched by their `top`.
    const tops = Array.from(editor.querySelectorAll<HTMLElement>('.view-overlays > div'))
      .filter((row) => row.querySelector('.debug-top-stack-frame-line') !== null)
      .map((row) => row.style.top);
    return Array.from(editor.querySelectorAll<HTMLElement>('.margin-view-overlays > div'))
      .filter((row) => tops.includes(row.style.top))
      .map((row) => Number((row.querySelector('.line-numbers')?.textContent ?? '').trim()));
  });
}

/** Every process's command line (arguments joined by spaces). */
function commandLines(): Array<{ pid: number; command: string }> {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((pid) => {
    try {
      return [{ pid: Number(pid), command: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ') }];
    } catch {
      return [];
    }
  });
}

/** The command lines of this window's extension's processes (they run files of its install folder) that match. */
let processesOfThisWindow: (pattern: RegExp) => Array<{ pid: number; command: string }>;

/** Whether a row's checkbox in the Breakpoints view is ticked. */
async function isTicked(page: Page, text: string | RegExp): Promise<boolean> {
  const box = page.locator('.debug-breakpoints .monaco-list-row', { hasText: text }).locator('.monaco-checkbox');
  return (await box.getAttribute('aria-checked')) === 'true' || /\bchecked\b/.test((await box.getAttribute('class')) ?? '');
}

describe('debugging hello.asm', () => {
  let vscode: VSCodeSession;
  // The DOM renderer, so the program's terminal can be read as text.
  beforeAll(async () => {
    vscode = await startVSCode({ folder: EXAMPLES, settings: { 'terminal.integrated.gpuAcceleration': 'off' } });
    processesOfThisWindow = (pattern) => commandLines().filter((p) => p.command.includes(vscode.extensionsDir) && pattern.test(p.command));
  });
  afterAll(async () => { await vscode?.close(); });

  it('F5 builds the program and stops at _start', async () => {
    const page = vscode.page;
    await openFile(page, 'hello.asm');
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ timeout: 60_000 });
    // The Call Stack and Variables views live in the Run and Debug side bar.
    await page.keyboard.press('Control+Shift+D');
    await expect.poll(() => stoppedLine(page), { timeout: 60_000 }).toMatch(/_start/);
    expect(await stoppedLine(page)).toMatch(/hello\.asm\s*16/);
    await screenshot(page, 'debug-stopped-at-start');
    // The adapter runs inside the extension host: gdb's keeper belongs to it, and no adapter process runs.
    const ours = processesOfThisWindow(/./);
    const keepers = ours.filter((p) => /keeper\.py --parent \d+ -- \S*gdb --interpreter=mi3/.test(p.command));
    expect(keepers).toHaveLength(1);
    const host = Number(/--parent (\d+)/.exec(keepers[0]!.command)![1]);
    expect(commandLines().find((p) => p.pid === host)?.command).not.toMatch(/debug-adapter/);
    expect(ours.filter((p) => /debug-adapter[\w-]*\.js/.test(p.command))).toEqual([]);
  });

  it('the Disassembly view shows the program in Intel syntax', async () => {
    const page = vscode.page;
    await runCommand(page, 'Open Disassembly View');
    const view = page.locator('.disassembly-view');
    await expect.poll(() => view.innerText(), { timeout: 30_000 }).toMatch(/mov\s+eax,0x1/);
    expect(await view.innerText()).toMatch(/syscall/);
    await screenshot(page, 'debug-disassembly-view');
    await page.keyboard.press('Control+W'); // back to hello.asm
  });

  it('stepping over the write shows rax = 14 in the Registers view', async () => {
    const page = vscode.page;
    // The program's terminal may have taken the focus; F9 needs the editor.
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await goToPosition(page, LINE_AFTER_WRITE);
    await page.keyboard.press('F9');
    await page.locator('.debug-breakpoints .monaco-list-row', { hasText: new RegExp(`hello\\.asm\\s*${LINE_AFTER_WRITE}`) }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('F5');
    await expect.poll(() => stoppedLine(page), { timeout: 60_000 }).toMatch(new RegExp(`hello\\.asm\\s*${LINE_AFTER_WRITE}`));
    await expand(page, /^Registers/);
    await expand(page, /^General purpose/);
    const rax = variablesRow(page, /^rax/);
    await expect.poll(() => rax.innerText(), { timeout: 30_000 }).toMatch(/^rax\s*[:=]?\s*0xe \(14\)$/);
    await screenshot(page, 'debug-registers-rax-14');
    await variablesRow(page, /^Registers/).click(); // collapse, so the Data scope scrolls into view
    await expand(page, /^Data/);
    await expect.poll(() => variablesRow(page, /^msg/).innerText(), { timeout: 30_000 }).toContain('"Hello, world!", 10');
    await screenshot(page, 'debug-data-msg');
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
  });

  it('Step Back from the line after the write shows the syscall line and rax as before the call', async () => {
    const page = vscode.page;
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('F5');
    await expect.poll(() => stoppedLine(page), { timeout: 60_000 }).toMatch(/hello\.asm\s*16/);
    await page.keyboard.press('F5'); // to the breakpoint on line 22, after the write
    await expect.poll(() => stoppedLine(page), { timeout: 60_000 }).toMatch(new RegExp(`hello\\.asm\\s*${LINE_AFTER_WRITE}`));
    await expand(page, /^Registers/);
    await expand(page, /^General purpose/);
    const rax = variablesRow(page, /^rax/);
    await expect.poll(() => rax.innerText(), { timeout: 30_000 }).toMatch(/\(14\)$/);
    // The adapter offers Step Back: VS Code puts its button in the debug toolbar.
    await page.locator('.debug-toolbar .codicon-debug-step-back').waitFor({ timeout: 30_000 });
    await page.locator('.debug-toolbar .codicon-debug-step-back').click();
    await expect.poll(() => stoppedLine(page), { timeout: 60_000 }).toMatch(/hello\.asm\s*20/);
    await expect.poll(() => highlightedLines(page), { timeout: 30_000 }).toEqual([20]);
    const paused = page.locator('.pane-header', { hasText: 'Call Stack' }).first();
    await expect.poll(() => paused.innerText(), { timeout: 30_000 }).toMatch(/Showing the past \(Step Back\)/);
    // Before the call: rax holds the syscall number again (gdb 13 alone would still show 14).
    await expect.poll(() => variablesRow(page, /^rax/).innerText(), { timeout: 30_000 }).toMatch(/^rax\s*[:=]?\s*0x1 \(1\)$/);
    await page.mouse.move(700, 880);
    await screenshot(page, 'debug-step-back');
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
  });

  it('the "Syscall entry" filter stops at the write with its decoded call, on the syscall line', async () => {
    const page = vscode.page;
    const terminalText = () => page.locator('.terminal-wrapper.active .xterm-rows').first().innerText();
    // The program's terminal is taken up again by the next session once the last one has ended in it;
    // until then a new session would open a second one.
    await page.locator('.panel .composite-bar .action-item', { hasText: /^Terminal$/ }).click().catch(() => undefined);
    await expect.poll(terminalText, { timeout: 30_000 }).toMatch(/\[hello \(Syscall Lens\): the debug session ended\]/);
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('F5');
    await expect.poll(() => stoppedLine(page), { timeout: 60_000 }).toMatch(/hello\.asm\s*16/);
    // The filters are the adapter's: they show in the Breakpoints view while its session runs.
    await toggleBreakpoint(page, 'Syscall entry');
    await toggleBreakpoint(page, /hello\.asm/);
    await page.keyboard.press('F5'); // from the entry to the write
    await expect.poll(() => stoppedLine(page), { timeout: 60_000 }).toMatch(/hello\.asm\s*20/);
    // The Call Stack header shows the stop's description.
    const paused = page.locator('.pane-header', { hasText: 'Call Stack' }).first();
    await expect.poll(() => paused.innerText(), { timeout: 30_000 }).toMatch(/write\(fd=1 \(stdout\), buf=0x[0-9a-f]+ \("Hello, world!", 10\), count=14\)/i);
    await expand(page, /^Syscall/);
    // The program's own terminal (not gdb's pipes) shows what it wrote in the first session.
    await page.locator('.panel .composite-bar .action-item', { hasText: /^Terminal$/ }).click().catch(() => undefined);
    // It shows the program and nothing of how it was started: no relay command line typed into a shell.
    await expect.poll(terminalText, { timeout: 30_000 }).toMatch(/Hello, world!\s+\[hello \(Syscall Lens\): the debug session ended\]/);
    const shown = await terminalText();
    expect(shown).not.toMatch(/user_terminal|SYSCALL_LENS|gdb -q/);
    await screenshot(page, 'debug-syscall-entry-write');
    await page.keyboard.press('Shift+F5');
  });
  it('with "Syscall entry" on, Step Over from the write stops on the next line and the exit stop keeps its source', async () => {
    const page = vscode.page;
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 }); // the last session ended
    // The program's terminal may have taken the focus; F5 needs the editor.
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('F5');
    await expect.poll(() => stoppedLine(page), { timeout: 60_000 }).toMatch(/hello\.asm\s*16/);
    // VS Code keeps the filter ticked (and the line-22 breakpoint unticked) from the test above; make sure.
    if (!(await isTicked(page, 'Syscall entry'))) await toggleBreakpoint(page, 'Syscall entry');
    if (await isTicked(page, /hello\.asm/)) await toggleBreakpoint(page, /hello\.asm/);
    const paused = page.locator('.pane-header', { hasText: 'Call Stack' }).first();
    await page.keyboard.press('F5'); // to the write's syscall stop
    await expect.poll(() => paused.innerText(), { timeout: 60_000 }).toMatch(/write\(fd=1/);
    await expect.poll(() => stoppedLine(page), { timeout: 30_000 }).toMatch(/hello\.asm\s*20/);
    await expect.poll(() => highlightedLines(page), { timeout: 30_000 }).toEqual([20]);
    // At a syscall-entry stop rip is already past the `syscall`: the address line 22 starts at.
    await expand(page, /^Registers/);
    const rip = async () => /^rip\s*=\s*(0x[0-9a-f]+)/.exec(await variablesRow(page, /^rip\b/).innerText())?.[1] ?? '';
    // The view holds the write stop's registers once orig_rax is the write's number (it is -1 at the entry stop).
    await expect.poll(() => variablesRow(page, /^orig_rax/).innerText(), { timeout: 30_000 }).toMatch(/\(1\)$/);
    const afterWrite = await rip();
    expect(afterWrite).toMatch(/^0x/);

    // Step Over completes the call and stops at the start of the following line: 22, not 23.
    await page.keyboard.press('F10');
    await expect.poll(() => stoppedLine(page), { timeout: 60_000 }).toMatch(/hello\.asm\s*22/);
    await expect.poll(() => highlightedLines(page), { timeout: 30_000 }).toEqual([22]);
    expect(await paused.innerText()).not.toMatch(/write\(/); // no stale syscall header
    // …with the write done (rax = 14 bytes written) and at line 22's first instruction: nothing of it ran.
    await expand(page, /^General purpose/);
    await expect.poll(() => variablesRow(page, /^rax/).innerText(), { timeout: 30_000 }).toMatch(/\(14\)$/);
    await variablesRow(page, /^General purpose/).click(); // collapse: the list shows only rows in view
    expect(await rip()).toBe(afterWrite);
    await screenshot(page, 'debug-next-from-syscall-stop');

    // The exit `syscall` is the last instruction of .text: its stop still has its line and decoded call.
    await page.keyboard.press('F5');
    await expect.poll(() => paused.innerText(), { timeout: 60_000 }).toMatch(/exit\(error_code=0\)/);
    await expect.poll(() => stoppedLine(page), { timeout: 30_000 }).toMatch(/hello\.asm\s*24/); // rows may lag the header
    expect(await stoppedLine(page)).toMatch(/^_start\b/); // named after its label, not 0x401023 (pc is past .text)
    await expect.poll(() => highlightedLines(page), { timeout: 30_000 }).toEqual([24]);
    await expand(page, /^Syscall/);
    await expect.poll(() => variablesRow(page, /^call/).innerText(), { timeout: 30_000 }).toMatch(/exit\(error_code=0\)/);
    await page.mouse.move(700, 880); // away from the Variables rows, whose hover hides the scope
    await screenshot(page, 'debug-exit-syscall-stop');
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
    // The session ran inside the extension host, which lives on; its keeper did not, and a keeper ends
    // only after gdb, the program and all they started (debug-adapter/keeper.py).
    await expect.poll(() => processesOfThisWindow(/keeper\.py/), { timeout: 10_000 }).toEqual([]);
  });

  it('Run Without Debugging (Ctrl+F5) runs the program to its end without gdb, and leaves nothing running', async () => {
    const page = vscode.page;
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    // The browser keeps Ctrl+F5 for itself; the command is what the key runs in the desktop editor.
    await runCommand(page, 'Debug: Start Without Debugging');
    // The program's terminal takes the panel when it shows: go back to the Debug Console each time.
    const consoleText = async () => {
      await page.locator('.panel .composite-bar .action-item', { hasText: /^Debug Console$/ }).click().catch(() => undefined);
      return (await page.locator('.repl .monaco-list-row').allInnerTexts()).join('\n');
    };
    await expect.poll(consoleText, { timeout: 60_000 }).toMatch(/Program exited with code 0\./);
    // No stop, no request refused (the editor asks where breakpoints may go while the program runs).
    expect((await notifications(page)).filter((n) => /program|gdb|debug/i.test(n))).toEqual([]);
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
    await screenshot(page, 'debug-run-without-debugging');
    await expect.poll(() => processesOfThisWindow(/keeper\.py/), { timeout: 10_000 }).toEqual([]);
  });
});

/** A folder holding one .asm file that assembles but does not link: line 5 calls an undefined label. */
function brokenFolder(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-e2e-broken-'));
  writeFileSync(path.join(folder, 'broken.asm'), 'section .text\nglobal _start\nextern missing\n_start:\n    call missing\n');
  return folder;
}

async function waitForNotification(page: Page, pattern: RegExp): Promise<string> {
  let found = '';
  await expect.poll(async () => {
    found = (await notifications(page)).find((n) => pattern.test(n)) ?? '';
    return found;
  }, { timeout: 60_000 }).toMatch(pattern);
  return found;
}

describe('F5 on a file that does not build', () => {
  let vscode: VSCodeSession;
  beforeAll(async () => { vscode = await startVSCode({ folder: brokenFolder() }); });
  afterAll(async () => { await vscode?.close(); });

  it('shows the link error as a diagnostic and starts nothing', async () => {
    const page = vscode.page;
    await openFile(page, 'broken.asm');
    await page.keyboard.press('F5');
    expect(await waitForNotification(page, /Build failed: broken\.asm:5: undefined reference to `missing'/)).toMatch(/the program was not started/);
    await page.keyboard.press('Control+Shift+M'); // the Problems panel
    await expect.poll(() => page.locator('.markers-panel .monaco-list-row').allInnerTexts(), { timeout: 30_000 })
      .toEqual(expect.arrayContaining([expect.stringMatching(/undefined reference to `missing'\s*build\s*\[Ln 5/)]));
    expect(await page.locator('.debug-toolbar').isVisible()).toBe(false);
    await screenshot(page, 'debug-build-error');
  });
});

describe('F5 in Restricted Mode', () => {
  let vscode: VSCodeSession;
  beforeAll(async () => { vscode = await startVSCode({ folder: EXAMPLES, trusted: false }); });
  afterAll(async () => { await vscode?.close(); });

  it('asks for trust first, and on Cancel builds and runs nothing', async () => {
    const page = vscode.page;
    await openFile(page, 'hello.asm');
    await page.keyboard.press('F5');
    // VS Code guards debugging itself; ensureTrusted in the provider is the second line of defence.
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors' });
    await dialog.waitFor({ timeout: 60_000 });
    await screenshot(page, 'debug-restricted-mode');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForTimeout(2000);
    expect(await page.locator('.debug-toolbar').isVisible()).toBe(false);
  });
});
