// The trace panel in a real VS Code: "Trace" on examples/hello.asm lists write at its exact line and
// the exit; clicking the write row moves the cursor to that line; the inline annotation shows.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameLocator, Page } from 'playwright-core';
import { EXAMPLES, REPO_ROOT, hover, openFile, openFileTab, runCommand, screenshot, startVSCode, statusBarText, type VSCodeSession } from './harness';
import { panel, panelWidth, rowOf, setPanelWidth } from './tracePanel';

/** Text the editor shows after each line through `after` decorations (rendered as CSS ::after content). */
async function annotations(page: Page): Promise<string[]> {
  return page.locator('.editor-instance .monaco-editor .view-lines').first().evaluate((element) => {
    const texts: string[] = [];
    for (const span of Array.from(element.querySelectorAll<HTMLElement>('span'))) {
      const content = getComputedStyle(span, '::after').content;
      if (content && content !== 'none' && content !== 'normal') texts.push(content.replace(/^"|"$/g, ''));
      if (span.className.includes('ced-') && span.textContent) texts.push(span.textContent);
    }
    return texts;
  });
}

interface RowFit {
  syscall: string;
  /** A cell that is cut (ellipsized) or reaches past the panel's right edge, with its sizes. */
  cut: string[];
  /** The arguments start below the syscall: the row has a second line. */
  twoLines: boolean;
  height: number;
}

/** How each call row's cells fit the panel, measured in its DOM. */
async function rowFits(frame: FrameLocator): Promise<{ rows: RowFit[]; actionLines: number; tabLines: number; clipped: number; statusWidth: number }> {
  return frame.locator('#root').evaluate((root) => {
    const right = document.documentElement.clientWidth;
    const rows = Array.from(root.querySelectorAll<HTMLElement>('.viewport .row:not([hidden]):not(.loading)')).map((row) => {
      const cell = (name: string) => row.querySelector<HTMLElement>(`.c-${name}`)!;
      const cut: string[] = [];
      for (const name of ['syscall', 'source']) {
        const node = cell(name);
        if (!node.textContent) continue;
        const box = node.getBoundingClientRect();
        if (node.scrollWidth > node.clientWidth || box.right > right + 0.5 || box.width === 0) {
          cut.push(`${name} "${node.textContent}" scrollWidth ${node.scrollWidth} clientWidth ${node.clientWidth} right ${box.right} of ${right}`);
        }
      }
      return {
        syscall: cell('syscall').textContent ?? '',
        cut,
        twoLines: cell('arguments').getBoundingClientRect().top > cell('syscall').getBoundingClientRect().top + 5,
        height: row.offsetHeight,
      };
    });
    const actions = Array.from(root.querySelectorAll<HTMLElement>('.toolbar > .action')).map((n) => n.getBoundingClientRect());
    const tabs = Array.from(root.querySelectorAll<HTMLElement>('.tabs > .tab')).map((n) => n.getBoundingClientRect());
    return {
      rows,
      actionLines: new Set(actions.map((box) => Math.round(box.top))).size,
      tabLines: new Set(tabs.map((box) => Math.round(box.top))).size,
      clipped: [...actions, ...tabs].filter((box) => box.right > right + 0.5).length
        + Array.from(root.querySelectorAll<HTMLElement>('.tabs > .tab')).filter((n) => n.scrollWidth > n.clientWidth).length,
      statusWidth: root.querySelector<HTMLElement>('.toolbar .status')!.getBoundingClientRect().width,
    };
  });
}

describe('Trace on examples/hello.asm', () => {
  let vscode: VSCodeSession;
  beforeAll(async () => { vscode = await startVSCode({ folder: EXAMPLES, viewport: { width: 1600, height: 1000 } }); });
  afterAll(async () => { await vscode?.close(); });

  it('lists write at hello.asm:20 and the exit in the trace panel', async () => {
    await openFile(vscode.page, 'hello.asm');
    await runCommand(vscode.page, 'Syscall Lens: Trace Program with strace');
    const frame = panel(vscode.page);
    const write = rowOf(frame, 'write');
    await write.waitFor({ timeout: 60_000 });
    expect(await write.locator('.c-source').innerText()).toBe('hello.asm:20');
    // strace -y names what fd 1 is: the program's own terminal, a real pty.
    expect(await write.locator('.c-arguments').innerText()).toMatch(/^1<\/dev\/pts\/\d+>, "Hello, world!\\n", 14$/);
    expect(await write.locator('.c-result').innerText()).toBe('14');
    const exit = frame.locator('.row.kind-exit').first();
    await exit.waitFor({ timeout: 30_000 });
    expect(await exit.locator('.c-result').innerText()).toBe('exited with 0');
    const exitCall = rowOf(frame, 'exit');
    expect(await exitCall.locator('.c-source').innerText()).toBe('hello.asm:24');
    await screenshot(vscode.page, 'trace-hello-panel');
    // Only strace's events are rows: the program's "Hello, world!" went to its own terminal.
    expect(await frame.locator('.count').innerText()).toBe('4 of 4 events');
  });

  it('moves the cursor to the line when the write row is clicked', async () => {
    const frame = panel(vscode.page);
    // Start elsewhere so the move is visible.
    await openFile(vscode.page, 'hello.asm');
    await vscode.page.keyboard.press('Control+Home');
    const write = rowOf(frame, 'write');
    await write.click();
    const deadline = Date.now() + 15_000;
    let selection = '';
    while (Date.now() < deadline && !/^Ln 20, Col 1/.test(selection)) {
      selection = await statusBarText(vscode.page, 'status.editor.selection').catch(() => '');
      await vscode.page.waitForTimeout(100);
    }
    expect(selection).toMatch(/^Ln 20, Col 1/);
    await screenshot(vscode.page, 'trace-hello-reveal');
  });

  it('annotates the source lines with their calls', async () => {
    const deadline = Date.now() + 15_000;
    let shown: string[] = [];
    while (Date.now() < deadline && !shown.some((t) => t.includes('write → 14'))) {
      shown = await annotations(vscode.page);
      await vscode.page.waitForTimeout(200);
    }
    expect(shown).toContain('write → 14');
    expect(shown).toContain('exit → did not return');
    // Give the editor the keyboard back from the webview before using editor commands.
    await vscode.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    const text = await hover(vscode.page, 20, 9, 'Traced syscalls');
    expect(text).toContain('Traced syscalls on this line');
    // What the trace saw on the line, as the annotation says it (not only the last result).
    expect(text).toMatch(/write ×1 — saw 14/);
    await screenshot(vscode.page, 'trace-hello-annotations');
  });

  it('reads at 300, 500 and 1000 px: syscall and source line whole, arguments and result on a second line when narrow', async () => {
    const frame = panel(vscode.page);
    await frame.locator('.tab', { hasText: 'Calls' }).click();
    const original = await panelWidth(vscode.page);
    for (const width of [300, 500, 1000]) {
      await setPanelWidth(vscode.page, width);
      await vscode.page.waitForTimeout(300);
      const { rows, actionLines, tabLines, clipped, statusWidth } = await rowFits(frame);
      await screenshot(vscode.page, `trace-width-${width}`);
      expect(rows.map((r) => r.syscall).slice(0, 3)).toEqual(['execve', 'write', 'exit']);
      expect(rows.flatMap((r) => r.cut), `at ${width} px`).toEqual([]);
      // The virtual table's rows keep one height; narrow rows carry arguments and result on a second line.
      expect(new Set(rows.map((r) => r.height)).size).toBe(1);
      expect(rows.every((r) => r.twoLines), `two-line rows at ${width} px`).toBe(width < 560);
      // The actions and the tabs each stay on one line, inside the panel; the status line is readable.
      expect([actionLines, tabLines, clipped], `actions, tabs at ${width} px`).toEqual([1, 1, 0]);
      expect(statusWidth).toBeGreaterThan(Math.min(200, width / 2));
      expect(await frame.locator('.status').innerText()).toBe('hello.asm — exited with 0');
      expect(await frame.locator('button', { hasText: 'Compare…' }).isVisible()).toBe(true);
      expect(await frame.locator('button', { hasText: 'Stop' }).isVisible()).toBe(true);
      const write = rowOf(frame, 'write');
      expect(await write.locator('.c-source').innerText()).toBe('hello.asm:20');
      expect(await write.locator('.c-result').innerText()).toBe('14');
    }
    await setPanelWidth(vscode.page, original);
  });

  it('"Fail this call" re-runs with that write failing', async () => {
    const frame = panel(vscode.page);
    await rowOf(frame, 'write').click();
    await frame.locator('button', { hasText: 'Fail this call' }).click();
    const input = vscode.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('EIO');
    await vscode.page.keyboard.press('Enter');
    const injected = rowOf(frame, 'write').locator('.c-result', { hasText: '(INJECTED)' });
    await injected.waitFor({ timeout: 60_000 });
    expect(await injected.innerText()).toBe('-1 EIO (Input/output error) (INJECTED)');
    expect(await frame.locator('.status').innerText()).toMatch(/write #1 failing \(EIO\)/);
    await screenshot(vscode.page, 'trace-fail-this-call');
  });

  it('compares the two runs side by side', async () => {
    const frame = panel(vscode.page);
    await frame.locator('button', { hasText: 'Compare…' }).click();
    const earlier = vscode.page.locator('.quick-input-widget .monaco-list-row', { hasText: /^hello\.asm/ }).first();
    await earlier.waitFor({ timeout: 15_000 });
    await earlier.click();
    const title = frame.locator('.compare-title');
    await title.waitFor({ timeout: 15_000 });
    expect((await title.innerText()).split('\n')).toEqual(['A: hello.asm — 3 calls', 'B: hello.asm with write #1 failing (EIO) — 3 calls', 'B − A: +0 calls']);
    const write = frame.locator('table.grid tr', { has: frame.locator('td:first-child', { hasText: /^write$/ }) });
    expect(await write.locator('td').allInnerTexts()).toEqual(['write', '1', '1', '0', '']);
    // Call by call: the same calls, the write's outcome changed.
    expect(await frame.locator('.compare-sequence-title').innerText()).toBe('Call by call: 1 differences');
    const changed = frame.locator('table.grid tr', { hasText: '≠ changed' });
    expect(await changed.locator('td').allInnerTexts()).toEqual(['≠ changed', '#2', 'write → 14 at hello.asm:20 (user)', '#2', 'write → EIO at hello.asm:20 (user)']);
    await screenshot(vscode.page, 'trace-compare');
  });
});

describe('hostile program output and a million-row log', () => {
  const folder = path.join(REPO_ROOT, 'test/fixtures/trace');
  const bigLog = path.join(folder, 'million.strace');
  let vscode: VSCodeSession;
  const dialogs: string[] = [];
  beforeAll(async () => {
    // One million calls, as strace -f prints them: small lines, so the log itself stays ~20 MB.
    const lines: string[] = [];
    for (let i = 1; i <= 1_000_000; i++) lines.push(`${1000 + (i % 4)}  getppid() = ${i}`);
    writeFileSync(bigLog, lines.join('\n') + '\n+++ exited with 0 +++\n');
    vscode = await startVSCode({ folder, viewport: { width: 1600, height: 1000 } });
    vscode.page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
  });
  afterAll(async () => {
    await vscode?.close();
    const { rmSync } = await import('node:fs');
    rmSync(bigLog, { force: true });
  });

  it('shows markup the program wrote as text, never as markup', async () => {
    await openFile(vscode.page, 'hostile.asm');
    await runCommand(vscode.page, 'Syscall Lens: Trace Program with strace');
    const frame = panel(vscode.page);
    const write = rowOf(frame, 'write');
    await write.waitFor({ timeout: 60_000 });
    expect(await write.locator('.c-arguments').innerText()).toContain('"<img src=x onerror=alert(1)>\\n"');
    const open = rowOf(frame, 'open');
    expect(await open.locator('.c-arguments').innerText()).toContain('<script>alert(2)</script>');
    expect(await frame.locator('img').count()).toBe(0);
    expect(await frame.locator('script', { hasText: 'alert' }).count()).toBe(0);
    await vscode.page.waitForTimeout(500);
    expect(dialogs).toEqual([]);
    await screenshot(vscode.page, 'trace-hostile-output');
  });

  it('summarises the run like strace -c, with the failed open counted', async () => {
    const frame = panel(vscode.page);
    await frame.locator('.tab', { hasText: 'Summary' }).click();
    const open = frame.locator('table.summary tr', { has: frame.locator('td:last-child', { hasText: /^open$/ }) });
    await open.waitFor({ timeout: 10_000 });
    expect(await open.locator('td').nth(3).innerText()).toBe('1');
    expect(await open.locator('td').nth(4).innerText()).toBe('1');
    await screenshot(vscode.page, 'trace-summary');
    await frame.locator('.tab', { hasText: 'Calls' }).click();
  });

  it('shows a blocked call in progress with its elapsed time, and Stop ends it', async () => {
    await openFile(vscode.page, 'blocked.asm');
    await runCommand(vscode.page, 'Syscall Lens: Trace Program with strace');
    const frame = panel(vscode.page);
    const bar = frame.locator('.in-progress');
    await bar.filter({ hasText: /read\(0.*in progress for \d+\.\d s.*blocked\.asm:\d+/ }).waitFor({ timeout: 30_000 })
      .catch(async (error) => { await screenshot(vscode.page, 'trace-in-progress-failed'); throw error; });
    // The blocked call is also the table's last row, in progress, with its source line.
    const pending = frame.locator('.row.pending').first();
    expect(await pending.locator('.c-result').innerText()).toBe('in progress…');
    expect(await pending.locator('.c-source').innerText()).toMatch(/^blocked\.asm:\d+$/);
    await screenshot(vscode.page, 'trace-in-progress');
    await frame.locator('button', { hasText: 'Stop' }).click();
    await frame.locator('.status', { hasText: /stopped$/ }).waitFor({ timeout: 15_000 });
    expect(await bar.isHidden()).toBe(true);
  });

  it('opens a 1 000 000-call log, shows its first rows at once and scrolls to the last', async () => {
    // VS Code shows no text editor for a file this large, only its tab.
    await openFileTab(vscode.page, 'million.strace');
    await runCommand(vscode.page, 'Syscall Lens: Open strace Log in Trace Panel');
    const started = Date.now();
    const frame = panel(vscode.page);
    // The log streams in: the first rows show while the rest is still being read.
    await frame.locator('.row:not(.header)', { has: frame.locator('.c-seq', { hasText: /^1$/ }) }).first().waitFor({ timeout: 10_000 });
    const firstRowsAfter = Date.now() - started;
    await frame.locator('.count', { hasText: '1,000,001 of 1,000,001 events' }).waitFor({ timeout: 120_000 });
    const allAfter = Date.now() - started;
    // Jump to the end: the last call and the exit must be there, nothing lost on the way.
    await frame.locator('.viewport').evaluate((element) => { element.scrollTop = element.scrollHeight; });
    const last = frame.locator('.row:not(.header)', { has: frame.locator('.c-seq', { hasText: /^1000000$/ }) }).first();
    await last.waitFor({ timeout: 10_000 });
    expect(await last.locator('.c-result').innerText()).toBe('1000000');
    // Halfway: the row shown is the one that belongs there.
    await frame.locator('.viewport').evaluate((element) => { element.scrollTop = element.scrollHeight / 2; });
    await frame.locator('.row:not(.header):not(.loading)', { has: frame.locator('.c-seq', { hasText: /^50\d{4}$/ }) }).first().waitFor({ timeout: 10_000 });
    console.log(`1 000 000-call log: first rows shown ${firstRowsAfter} ms after the command, all ${allAfter} ms`);
    expect(firstRowsAfter).toBeLessThan(allAfter);
    await screenshot(vscode.page, 'trace-million-rows');
    // Filters on a log this long: a pid (answered by the model's index), then a text (only the
    // blocks of the log holding it are parsed again).
    const filterStarted = Date.now();
    await frame.locator('input[placeholder="pid"]').fill('1003');
    await frame.locator('.count', { hasText: '250,000 of 1,000,001 events' }).waitFor({ timeout: 60_000 });
    const pidAfter = Date.now() - filterStarted;
    await frame.locator('input[placeholder="pid"]').fill('');
    const textStarted = Date.now();
    await frame.locator('input[placeholder="filter text"]').fill('999999');
    await frame.locator('.count', { hasText: /^1 of 1,000,001 events/ }).waitFor({ timeout: 60_000 });
    const textAfter = Date.now() - textStarted;
    const found = frame.locator('.row:not(.header)', { has: frame.locator('.c-seq', { hasText: /^999999$/ }) }).first();
    await found.waitFor({ timeout: 10_000 });
    expect(await found.locator('.c-result').innerText()).toBe('999999');
    console.log(`1 000 000-call log: filtered by pid in ${pidAfter} ms, by text in ${textAfter} ms`);
    await screenshot(vscode.page, 'trace-million-rows-filtered');
    await frame.locator('input[placeholder="filter text"]').fill('');
  });
});
