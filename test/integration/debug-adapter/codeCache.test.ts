// The spawned adapter (`syscall-lens dap`, dist/debug-adapter.js) loads its bundle with a V8 code cache:
// the first session writes it once it has launched, the next adapter takes it (and so writes none).
// Real node, gdb and nasm; the cache in an XDG cache folder of the test's own.
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleAdapter, fixture, launchStopped } from './harness';

let adapter: string;
beforeAll(async () => { adapter = await bundleAdapter(); });

/** Debugs hello.asm to its first stop and stays in the session until the adapter has had time to write its cache. */
async function debugAWhile(cacheHome: string): Promise<void> {
  const dc = new DebugClient('node', adapter, 'syscall-gdb', { env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
  dc.defaultTimeout = 45_000;
  await dc.start();
  try {
    await launchStopped(dc, fixture('hello.asm'));
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // the adapter writes it 2 s after loading
  } finally {
    await dc.stop();
  }
}

describe('the spawned adapter\'s code cache', () => {
  it('is written by a session that has launched, and taken (not written again) by the next adapter', async () => {
    const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'dap-cache-home-'));
    const folder = path.join(cacheHome, 'syscall-lens', 'code-cache');
    await debugAWhile(cacheHome);
    const written = readdirSync(folder);
    expect(written).toEqual([expect.stringMatching(/^debug-adapter-main-[0-9a-f]{32}\.v8$/)]);
    const first = statSync(path.join(folder, written[0]!));
    expect(first.size).toBeGreaterThan(0);

    await debugAWhile(cacheHome);
    expect(readdirSync(folder)).toEqual(written);
    expect(statSync(path.join(folder, written[0]!)).mtimeMs).toBe(first.mtimeMs);
  });
});
