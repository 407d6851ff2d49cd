// The gdb F5 starts before the build and before the adapter is loaded (client/gdbAhead.ts), with the
// real adapter bundle, python3 (the keeper) and gdb: at most one runs, the session created next takes
// it, and one nobody takes is ended.
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GdbAhead } from '../../../client/gdbAhead';
import { findExecutable } from '../../../toolchain/tools';
import { loadInlineBundle, type InlineBundle } from '../../support/inlineDap';
import { bundleAdapter, eventually, isGone } from '../debug-adapter/harness';

let bundle: InlineBundle;
const gdbPath = findExecutable('gdb')!;
beforeAll(async () => {
  bundle = loadInlineBundle(path.join(path.dirname(await bundleAdapter()), 'debug-adapter-inline.js'));
});


describe('gdb started ahead of a debug session', () => {
  it('is handed to the session once, as a working gdb; after that nothing is left ahead', async () => {
    const ahead = new GdbAhead();
    ahead.start(gdbPath);
    const keeper = ahead.pid!;
    const taken = ahead.take(bundle);
    expect(taken?.gdbPath).toBe(gdbPath);
    expect(ahead.take(bundle)).toBeUndefined();
    const gdb = await taken!.gdb;
    expect(gdb.pid).toBe(keeper);
    expect(await gdb.cli('print 6*7')).toMatch(/= 42/);
    gdb.kill();
    expect(await eventually(() => isGone(keeper))).toBe(true);
  });

  it('a second start ends the first; discard and dispose end the one waiting', async () => {
    const ahead = new GdbAhead();
    ahead.start(gdbPath);
    const first = ahead.pid!;
    ahead.start(gdbPath);
    expect(await eventually(() => isGone(first))).toBe(true);
    const second = ahead.pid!;
    ahead.discard();
    expect(await eventually(() => isGone(second))).toBe(true);
    ahead.start(gdbPath);
    const third = ahead.pid!;
    ahead.dispose();
    expect(await eventually(() => isGone(third))).toBe(true);
    expect(ahead.take(bundle)).toBeUndefined();
  });

  it('a gdb that ended before it was taken is reported at once, not after a timeout', async () => {
    const ahead = new GdbAhead();
    ahead.start(gdbPath);
    const keeper = ahead.pid!;
    process.kill(keeper, 'SIGKILL');
    await eventually(() => isGone(keeper));
    await new Promise((resolve) => setTimeout(resolve, 100)); // node has seen the exit
    // Its end, not the 15 s a command waits for an answer.
    await expect(ahead.take(bundle)!.gdb).rejects.toThrow(/gdb exited \(killed by SIGKILL\)/);
  });
});
