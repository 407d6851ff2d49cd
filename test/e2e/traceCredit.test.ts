// How each call of a C program got its line, as the trace panel says it: with -k stacks by default
// (every call at the user's line); with the setting `never`, a call made inside a libc function that
// the program calls from one place only is credited to that call, and the others show which function
// made them and why only a stack places them.
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FrameLocator } from 'playwright-core';
import { REPO_ROOT, openFile, runCommand, screenshot, startVSCode, type VSCodeSession } from './harness';
import { panel, rowOf } from './tracePanel';

const FOLDER = path.join(REPO_ROOT, 'test/fixtures/trace');

describe('how a C program\'s calls got their lines', () => {
  let vscode: VSCodeSession | undefined;
  afterEach(async () => { await vscode?.close(); vscode = undefined; });

  async function traceCallsites(settings: Record<string, unknown>): Promise<FrameLocator> {
    vscode = await startVSCode({ folder: FOLDER, viewport: { width: 1600, height: 1000 }, settings });
    await openFile(vscode.page, 'callsites.c');
    const frame = panel(vscode.page);
    await runCommand(vscode.page, 'Syscall Lens: Trace Program with strace');
    await frame.locator('.status', { hasText: /^callsites\.c — exited with 0$/ }).waitFor({ timeout: 120_000 })
      .catch(async (error) => { await screenshot(vscode!.page, 'trace-credit-run-failed'); throw error; });
    return frame;
  }

  it('by default credits every call of the program, the writes inside libc included, by its -k stack', async () => {
    const frame = await traceCallsites({});
    // The rows are a window of the list: filter to the calls looked at.
    const filter = frame.locator('input[placeholder="filter text"]');
    await filter.fill('write(1');
    const write = rowOf(frame, 'write').locator('.c-source');
    await expect.poll(() => write.innerText(), { timeout: 30_000 }).toBe('callsites.c:8');
    expect(await write.getAttribute('title')).toContain('credited by its -k stack');
    await filter.fill('getppid');
    const getppid = rowOf(frame, 'getppid').locator('.c-source');
    await expect.poll(() => getppid.innerText(), { timeout: 15_000 }).toBe('callsites.c:12');
    expect(await getppid.getAttribute('title')).toContain('credited by its -k stack');
    await screenshot(vscode!.page, 'trace-credit-with-stacks');
  });

  it('without stacks marks a call credited by its one call site, and says why a write made inside libc has no line', async () => {
    const frame = await traceCallsites({ 'syscallLens.trace.stackTraces': 'never' });
    const filter = frame.locator('input[placeholder="filter text"]');
    await filter.fill('getppid');
    const getppid = rowOf(frame, 'getppid').locator('.c-source');
    await expect.poll(() => getppid.innerText(), { timeout: 15_000 }).toBe('callsites.c:12');
    expect(await getppid.getAttribute('title')).toContain('credited without a stack: getppid (libc.so.6) is called from this line only');
    await getppid.click();
    await expect.poll(() => frame.locator('.detail-text').innerText()).toContain('credited without a stack');
    await filter.fill('write');
    const write = rowOf(frame, 'write').locator('.c-source');
    await expect.poll(() => write.innerText(), { timeout: 15_000 }).toBe('(in write)');
    await write.click();
    await expect.poll(() => frame.locator('.detail-text').innerText())
      .toContain('no line: made inside write (libc.so.6); libc.so.6 itself also calls write; a trace with stacks (-k) credits such calls exactly');
    await screenshot(vscode!.page, 'trace-credit-c-program');
  });
});
