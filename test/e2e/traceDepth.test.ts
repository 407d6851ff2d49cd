// The trace panel beyond one clean run: failed calls grouped by errno with their man-page reasons,
// Summary and Compare tables that read at 300, 500 and 1000 px, and the view moved to the bottom
// panel area, still tracing there.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameLocator, Page } from 'playwright-core';
import { REPO_ROOT, openFile, runCommand, screenshot, startVSCode, type VSCodeSession } from './harness';
import { panel, panelWidth, rowOf, setPanelWidth } from './tracePanel';

const FOLDER = path.join(REPO_ROOT, 'test/fixtures/trace');

/** Traces the active file and waits until the panel says that this run (not an earlier one) ended. */
async function traceActiveFile(page: Page, frame: FrameLocator): Promise<void> {
  await runCommand(page, 'Syscall Lens: Trace Program with strace');
  await frame.locator('.status', { hasText: /^failures\.asm — exited with 0$/ }).waitFor({ timeout: 60_000 })
    .catch(async (error) => { await screenshot(page, 'trace-depth-run-failed'); throw error; });
}

interface TableFit {
  /** Cells whose text is cut or that reach past the panel's right edge. */
  cut: string[];
  /** Numeric cells that are not right-aligned. */
  notRight: string[];
  /** Per numeric column, the distinct right edges of its cells (1 when they line up). */
  columnEdges: Record<string, number>;
  /** The page scrolls sideways. */
  overflows: boolean;
  lines: number;
}

/** How the tables of the shown tab fit the panel, measured in its DOM. */
async function tableFits(frame: FrameLocator): Promise<TableFit> {
  return frame.locator('#root').evaluate((root) => {
    const right = document.documentElement.clientWidth;
    const page = root.querySelector<HTMLElement>('.page:not([hidden])')!;
    const cut: string[] = [];
    const notRight: string[] = [];
    const edges = new Map<string, Set<number>>();
    for (const cell of Array.from(page.querySelectorAll<HTMLElement>('table.grid td, table.grid th'))) {
      if (!cell.textContent || getComputedStyle(cell).display === 'none') continue;
      const box = cell.getBoundingClientRect();
      if (cell.scrollWidth > cell.clientWidth + 1 || box.right > right + 0.5) cut.push(`${cell.className} "${cell.textContent}" ${cell.scrollWidth}/${cell.clientWidth} right ${box.right} of ${right}`);
      if (!cell.classList.contains('num')) continue;
      if (getComputedStyle(cell).textAlign !== 'right') notRight.push(`${cell.className} "${cell.textContent}"`);
      const table = cell.closest('table')!.className;
      const key = `${table} ${cell.className}`;
      edges.set(key, (edges.get(key) ?? new Set()).add(Math.round(box.right)));
    }
    const row = page.querySelector<HTMLElement>('table.grid tbody tr');
    const lineHeight = row ? parseFloat(getComputedStyle(row.querySelector('td')!).lineHeight) || 16 : 16;
    return {
      cut, notRight, columnEdges: Object.fromEntries([...edges].map(([k, v]) => [k, v.size])),
      overflows: page.scrollWidth > page.clientWidth + 1,
      lines: row ? Math.round(row.getBoundingClientRect().height / lineHeight) : 0,
    };
  });
}

describe('failed calls, narrow tables and the bottom panel', () => {
  let vscode: VSCodeSession;
  beforeAll(async () => {
    vscode = await startVSCode({
      folder: FOLDER, viewport: { width: 1600, height: 1000 },
      // A launch-style trace configuration: upcase.asm reads upcase.input.txt as its stdin.
      settings: { 'syscallLens.trace.configurations': [{ program: 'upcase.asm', args: ['--shout'], stdin: 'upcase.input.txt' }] },
    });
  });
  afterAll(async () => { await vscode?.close(); });

  it('groups "failed only" by errno, each group with the reason the man page gives', async () => {
    await openFile(vscode.page, 'failures.asm');
    const frame = panel(vscode.page);
    await traceActiveFile(vscode.page, frame);
    await frame.locator('label.check', { hasText: 'failed only' }).locator('input').check();
    const headers = frame.locator('.row.group .c-syscall');
    await frame.locator('.row.group .c-arguments', { hasText: 'open: O_CREAT is not set and the named file does not exist.' }).waitFor({ timeout: 20_000 });
    expect(await headers.allInnerTexts()).toEqual(['ENOENT ×3 — No such file or directory', 'EBADF ×1 — Bad file descriptor', 'EISDIR ×1 — Is a directory']);
    const reasons = await frame.locator('.row.group .c-arguments').allInnerTexts();
    expect(reasons[1]).toMatch(/^write: fd is not a valid file descriptor/);
    expect(reasons[2]).toMatch(/^open: pathname refers to a directory/);
    // Under each header its calls, at their lines: the three opens of the loop, then the bad write.
    const rows = await frame.locator('.viewport .row:not([hidden]):not(.loading)').evaluateAll((nodes) =>
      nodes.map((n) => (n.classList.contains('group') ? 'group' : `${n.querySelector('.c-syscall')!.textContent} ${n.querySelector('.c-source')!.textContent}`)));
    expect(rows).toEqual(['group', 'open failures.asm:23', 'open failures.asm:23', 'open failures.asm:23', 'group', 'write failures.asm:33', 'group', 'open failures.asm:40']);
    await screenshot(vscode.page, 'trace-failed-by-errno');
    await frame.locator('label.check', { hasText: 'failed only' }).locator('input').uncheck();
  });

  it('summarises the failures by errno', async () => {
    const frame = panel(vscode.page);
    await frame.locator('.tab', { hasText: 'Summary' }).click();
    const rows = frame.locator('table.errnos tbody tr');
    await rows.first().waitFor({ timeout: 10_000 });
    expect(await Promise.all((await rows.all()).map((r) => r.locator('td').allInnerTexts()))).toEqual([
      ['ENOENT', '3', 'No such file or directory', 'open ×3'],
      ['EBADF', '1', 'Bad file descriptor', 'write'],
      ['EISDIR', '1', 'Is a directory', 'open'],
    ]);
    await frame.locator('.tab', { hasText: 'Calls' }).click();
  });

  it('reads the Summary and Compare tables at 300, 500 and 1000 px: names whole, numbers right-aligned', async () => {
    const frame = panel(vscode.page);
    // A second run with the successful write failing, compared with the first.
    await rowOf(frame, 'write').waitFor();
    await frame.locator('.row:not(.header)', { has: frame.locator('.c-result', { hasText: /^23$/ }) }).first().click();
    await frame.locator('button', { hasText: 'Fail this call' }).click();
    const input = vscode.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('EIO');
    await vscode.page.keyboard.press('Enter');
    await frame.locator('.status', { hasText: /write #2 failing \(EIO\) — exited with 0$/ }).waitFor({ timeout: 60_000 });
    await frame.locator('button', { hasText: 'Compare…' }).click();
    await vscode.page.locator('.quick-input-widget .monaco-list-row', { hasText: /^failures\.asm/ }).first().click({ timeout: 15_000 });
    await frame.locator('.compare-sequence-title', { hasText: 'Call by call: 1 differences' }).waitFor({ timeout: 15_000 });
    const original = await panelWidth(vscode.page);
    for (const width of [300, 500, 1000]) {
      await setPanelWidth(vscode.page, width);
      await vscode.page.waitForTimeout(300);
      for (const tab of ['Summary', 'Compare']) {
        await frame.locator('.tab', { hasText: tab }).click();
        const fit = await tableFits(frame);
        await screenshot(vscode.page, `trace-${tab.toLowerCase()}-width-${width}`);
        expect(fit.cut, `${tab} at ${width} px`).toEqual([]);
        expect(fit.notRight, `${tab} at ${width} px`).toEqual([]);
        expect(fit.overflows, `${tab} scrolls sideways at ${width} px`).toBe(false);
        expect(Object.values(fit.columnEdges).every((n) => n === 1), `${tab} number columns line up at ${width} px: ${JSON.stringify(fit.columnEdges)}`).toBe(true);
        // Narrow: a row takes two lines or more; wide: one.
        if (tab === 'Summary') expect(fit.lines > 1, `Summary row lines at ${width} px`).toBe(width < 700);
      }
      // The longest syscall name is whole in the Summary at every width.
      await frame.locator('.tab', { hasText: 'Summary' }).click();
      expect(await frame.locator('table.summary td.k-name', { hasText: 'sched_get_priority_max' }).innerText()).toBe('sched_get_priority_max');
    }
    await setPanelWidth(vscode.page, original);
    await frame.locator('.tab', { hasText: 'Calls' }).click();
  });

  it('runs a program with the stdin file of its trace configuration, and asks for arguments and stdin once', async () => {
    const page = vscode.page;
    await openFile(page, 'upcase.asm');
    // The CodeLens says what the program will be given.
    const lens = page.locator('.codelens-decoration a', { hasText: /Trace/ }).first();
    await expect.poll(() => lens.innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/Trace --shout < upcase\.input\.txt/);
    await lens.click();
    const frame = panel(page);
    await frame.locator('.status', { hasText: /^upcase\.asm < upcase\.input\.txt — exited with 0$/ }).waitFor({ timeout: 60_000 });
    // Every read of fd 0 is of the file (strace -y names it); the first returns its first 16 bytes.
    const read = rowOf(frame, 'read');
    expect(await read.locator('.c-arguments').innerText()).toMatch(/^0<\/\S+\/upcase\.input\.txt>, "The quick brown "\.*, 16$/);
    expect(await read.locator('.c-result').innerText()).toBe('16');
    expect(await rowOf(frame, 'execve').locator('.c-arguments').innerText()).toContain('"--shout"]');
    await screenshot(page, 'trace-stdin-file');
    // Arguments…: asked once (prefilled from the configuration), the stdin file kept with Enter, remembered.
    await page.locator('.codelens-decoration a', { hasText: 'Arguments…' }).first().click();
    const input = page.locator('.quick-input-widget input');
    await expect.poll(() => input.inputValue().catch(() => ''), { timeout: 15_000 }).toBe('--shout');
    await input.fill('--quiet "two words"');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'upcase.input.txt' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await frame.locator('.status', { hasText: /^upcase\.asm < upcase\.input\.txt — exited with 0$/ }).waitFor({ timeout: 60_000 });
    await expect.poll(() => rowOf(frame, 'execve').locator('.c-arguments').innerText(), { timeout: 15_000 }).toContain('"--quiet", "two words"]');
    await expect.poll(() => lens.innerText().catch(() => ''), { timeout: 15_000 }).toMatch(/Trace --quiet 'two words' < upcase\.input\.txt/);
  });

  it('credits writes made through a small wrapper procedure to the lines that called it', async () => {
    await openFile(vscode.page, 'wrappers.asm');
    const frame = panel(vscode.page);
    await runCommand(vscode.page, 'Syscall Lens: Trace Program with strace');
    await frame.locator('.status', { hasText: /^wrappers\.asm — exited with 0$/ }).waitFor({ timeout: 60_000 });
    const cells = frame.locator('.viewport .row:not([hidden]):not(.loading)', { has: frame.locator('.c-syscall', { hasText: /^write$/ }) }).locator('.c-source');
    // Three callers of print (the last in a loop); write_all loops, so its write is its own line's.
    // Read until the table has settled: it may still be redrawing its last rows when the status changes.
    await expect.poll(() => cells.allInnerTexts(), { timeout: 30_000 })
      .toEqual(['wrappers.asm:38', 'wrappers.asm:41', ...Array(3).fill('wrappers.asm:47'), 'wrappers.asm:26']);
    // The wrapper's syscall line is the detail: in the cell's tooltip (with how the call was credited) and in the selected row's line.
    expect(await cells.first().getAttribute('title')).toBe('called at wrappers.asm:38, through the procedure whose syscall is at wrappers.asm:16\ncredited by its -k stack');
    await cells.first().click();
    await expect.poll(() => frame.locator('.detail-text').innerText()).toContain("wrappers.asm:38 (the wrapper's syscall at wrappers.asm:16)");
    await screenshot(vscode.page, 'trace-wrapper-callers');
  });

  it('moves to the bottom panel area and traces there', async () => {
    // View: Move View asks which view, then where to (two quick picks after the palette).
    const quick = vscode.page.locator('.quick-input-widget');
    const pick = async (text: string | RegExp, filter?: string) => {
      if (filter !== undefined) await quick.locator('input').fill(filter);
      const row = quick.locator('.quick-input-list .monaco-list-row', { has: vscode.page.locator('.label-name', { hasText: text }) }).first();
      await row.click({ timeout: 15_000 }).catch(async (error) => {
        await screenshot(vscode.page, 'trace-move-view-failed');
        throw new Error(`${String(error)}\nOffered: ${(await quick.locator('.quick-input-list .monaco-list-row').allInnerTexts()).join(' | ')}`);
      });
    };
    // The view is offered once the extension has registered its container (opening a NASM file activates it).
    await openFile(vscode.page, 'failures.asm');
    await vscode.page.locator('.activitybar .action-item a[aria-label*="Syscall Lens"]').waitFor({ timeout: 30_000 });
    await vscode.page.keyboard.press('F1');
    await pick(/^View: Move View$/, '>View: Move View');
    await quick.locator('input[placeholder*="View to Move" i], input[aria-label*="View to Move" i]').waitFor({ timeout: 15_000 })
      .catch(async (error) => { await screenshot(vscode.page, 'trace-move-view-failed'); throw error; });
    await pick(/^Trace$/, 'Trace');
    await pick(/^New Panel Entry$/);
    const bottom = vscode.page.locator('.part.panel');
    await bottom.waitFor({ state: 'visible', timeout: 15_000 });
    await openFile(vscode.page, 'failures.asm');
    const frame = panel(vscode.page);
    await traceActiveFile(vscode.page, frame);
    // The webview is drawn over the panel part, not the side bar.
    const area = (await bottom.boundingBox())!;
    const view = (await vscode.page.locator('iframe.webview.ready').boundingBox())!;
    expect(view.y).toBeGreaterThanOrEqual(area.y - 1);
    expect(view.y + view.height).toBeLessThanOrEqual(area.y + area.height + 1);
    expect(view.width).toBeGreaterThan(1000);
    await rowOf(frame, 'open').waitFor({ timeout: 15_000 }).catch(async (error) => { await screenshot(vscode.page, 'trace-bottom-panel-failed'); throw error; });
    expect(await rowOf(frame, 'open').locator('.c-source').innerText()).toBe('failures.asm:23');
    expect(await frame.locator('.count').innerText()).toMatch(/^\d+ of \d+ events$/);
    // Wide rows line up: every arguments cell starts at one x, the long sched_get_priority_max's row included.
    const starts = await frame.locator('.viewport .row:not([hidden]):not(.loading) .c-arguments').evaluateAll((cells) => cells.map((c) => Math.round(c.getBoundingClientRect().left)));
    expect(new Set(starts).size).toBe(1);
    expect(await rowOf(frame, 'sched_get_priority_max').locator('.c-syscall').evaluate((c) => c.scrollWidth <= c.clientWidth)).toBe(true);
    await screenshot(vscode.page, 'trace-bottom-panel');
  });
});
