// The trace panel in a real VS Code: "Trace" on examples/hello.asm lists write at its exact line and
// the exit; clicking the write row moves the cursor to that line; the inline annotation shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameLocator, Page } from 'playwright-core';
import { EXAMPLES, hover, openFile, runCommand, screenshot, startVSCode, statusBarText, type VSCodeSession } from './harness';

/** The panel's own document inside VS Code's two webview iframes. */
function panel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

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

describe('Trace on examples/hello.asm', () => {
  let vscode: VSCodeSession;
  beforeAll(async () => { vscode = await startVSCode({ folder: EXAMPLES, viewport: { width: 1600, height: 1000 } }); });
  afterAll(async () => { await vscode?.close(); });

  it('lists write at hello.asm:20 and the exit in the trace panel', async () => {
    await openFile(vscode.page, 'hello.asm');
    await runCommand(vscode.page, 'Syscall Lens: Trace Program with strace');
    const frame = panel(vscode.page);
    const write = frame.locator('.row:not(.header)', { has: frame.locator('.c-syscall', { hasText: /^write$/ }) }).first();
    await write.waitFor({ timeout: 60_000 });
    expect(await write.locator('.c-source').innerText()).toBe('hello.asm:20');
    // strace -y names what fd 1 is: the pipe to the program's own terminal.
    expect(await write.locator('.c-arguments').innerText()).toMatch(/^1(<[^>]*>)?, "Hello, world!\\n", 14$/);
    expect(await write.locator('.c-result').innerText()).toBe('14');
    const exit = frame.locator('.row.kind-exit').first();
    await exit.waitFor({ timeout: 30_000 });
    expect(await exit.locator('.c-result').innerText()).toBe('exited with 0');
    const exitCall = frame.locator('.row:not(.header)', { has: frame.locator('.c-syscall', { hasText: /^exit$/ }) }).first();
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
    const write = frame.locator('.row:not(.header)', { has: frame.locator('.c-syscall', { hasText: /^write$/ }) }).first();
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
    expect(shown).toContain('exit → ?');
    // Give the editor the keyboard back from the webview before using editor commands.
    await vscode.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    const text = await hover(vscode.page, 20, 9, 'Traced syscalls');
    expect(text).toContain('Traced syscalls on this line');
    expect(text).toMatch(/write.*×1.*14/);
    await screenshot(vscode.page, 'trace-hello-annotations');
  });
});
