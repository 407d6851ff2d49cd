// gdb starts with the adapter process, before any request, and the session takes that gdb over; an
// adapter that is never used leaves no gdb behind. Real node, python3 (the keeper) and gdb.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleAdapter, descendants, fixture, isGone, launchStopped, programPid, startClient } from './harness';

let adapter: string;
beforeAll(async () => { adapter = await bundleAdapter(); });

const gdbsBelow = (root: number) => descendants(root).filter((p) => /^(\S*\/)?gdb --interpreter=mi3/.test(p.command)).map((p) => p.pid);

async function eventually<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('gdb started with the adapter', () => {
  it('runs before any DAP request, and ends when the unused adapter ends', async () => {
    const child = spawn(process.execPath, [adapter], { stdio: ['pipe', 'pipe', 'ignore'] });
    try {
      const [gdb] = (await eventually(() => { const found = gdbsBelow(child.pid!); return found.length ? found : undefined; })) ?? [];
      expect(gdb).toBeDefined();
      child.stdin.end(); // the client went away without a word
      expect(await eventually(() => (isGone(gdb!) ? true : undefined))).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('does not keep an adapter alive that never got a client (stdin /dev/null): it exits, and its gdb ends', async () => {
    const child = spawn(process.execPath, [adapter], { stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // The keeper names the adapter it belongs to; after the adapter's exit, gdb's keeper is found by that.
    const kept = () => readdirSync('/proc').filter((name) => /^\d+$/.test(name)).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(`keeper.py --parent ${child.pid} -- `) && !isGone(Number(pid));
      } catch {
        return false;
      }
    });
    try {
      expect(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000))])).toBe(0);
      expect(await eventually(() => (kept().length === 0 ? true : undefined))).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is the gdb the session debugs with: one gdb under the adapter, running the program', async () => {
    const dc = await startClient(adapter);
    try {
      await launchStopped(dc, fixture('hello.asm'));
      const adapterPid = (dc as unknown as { _adapterProcess: { pid: number } })._adapterProcess.pid;
      const gdbs = gdbsBelow(adapterPid);
      expect(gdbs).toHaveLength(1);
      const program = await programPid(dc);
      expect(descendants(gdbs[0]!).map((p) => p.pid)).toContain(program);
    } finally {
      await dc.stop();
    }
  });
});
