// The trace panel as the end-to-end tests drive it: its webview document, its rows, its width.
import { expect } from 'vitest';
import type { FrameLocator, Page } from 'playwright-core';

/** The panel's own document inside VS Code's two webview iframes. */
export function panel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** The first table row of a syscall, e.g. `write`. */
export function rowOf(frame: FrameLocator, name: string) {
  return frame.locator('.row:not(.header)', { has: frame.locator('.c-syscall', { hasText: new RegExp(`^${name}$`) }) }).first();
}

/** The trace view's width in CSS px: its webview fills the side bar. */
export async function panelWidth(page: Page): Promise<number> {
  return Math.round((await page.locator('iframe.webview.ready').boundingBox())!.width);
}

/** Drags the side bar's edge (VS Code's sash) until the trace view is `width` px wide. */
export async function setPanelWidth(page: Page, width: number): Promise<void> {
  for (let attempt = 0; attempt < 4 && Math.abs((await panelWidth(page)) - width) > 2; attempt++) {
    const bar = (await page.locator('.part.sidebar').boundingBox())!;
    const x = bar.x + bar.width;
    const y = bar.y + bar.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + width - (await panelWidth(page)), y, { steps: 8 });
    await page.mouse.up();
    await page.waitForTimeout(300);
  }
  expect(Math.abs((await panelWidth(page)) - width)).toBeLessThanOrEqual(2);
}

