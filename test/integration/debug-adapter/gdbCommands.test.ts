// The Gdb class against a real gdb: every command has a deadline, one command's deadline does not
// touch the others', and gdb answers on after a command it was too slow for.
import { afterEach, describe, expect, it } from 'vitest';
import { Gdb } from '../../../debug-adapter/mi/gdb';
import { findExecutable } from '../../../toolchain/tools';

const started: Gdb[] = [];
async function gdb(commandTimeoutMs: number): Promise<Gdb> {
  const path = findExecutable('gdb');
  if (!path) throw new Error('gdb is not installed');
  const g = await Gdb.start({ path, commandTimeoutMs });
  started.push(g);
  return g;
}
afterEach(async () => {
  for (const g of started.splice(0)) await g.exit();
});

describe('gdb command deadlines', () => {
  it('fails a command gdb does not answer in time, and only that one', async () => {
    const g = await gdb(400);
    const t0 = performance.now();
    // gdb is busy in `shell sleep` for 1.5 s: the first command's deadline passes while it runs.
    const slow = g.cli('shell sleep 1.5');
    const patient = g.send('-gdb-show width', 10_000);
    await expect(slow).rejects.toThrow(/gdb did not answer .*shell sleep 1\.5.* within 0\.4 s/);
    expect(performance.now() - t0).toBeLessThan(1_400);
    // The command with a long deadline waits for gdb and gets its answer.
    await expect(patient).resolves.toMatchObject({ value: 'unlimited' });
    // Later commands work as before: each gets its own deadline, counted from when it was sent.
    expect(await g.send('-gdb-show height')).toMatchObject({ value: 'unlimited' });
  });

  it('keeps the deadline of commands sent one after another, each answered in time', async () => {
    const g = await gdb(300);
    // Each command alone is well within its deadline; together they take longer than one deadline.
    for (let i = 0; i < 4; i++) await g.cli('shell sleep 0.15');
    expect(await g.send('-gdb-show width')).toMatchObject({ value: 'unlimited' });
  });

  it('a command without a deadline (0) waits as long as gdb takes', async () => {
    const g = await gdb(200);
    await expect(g.send('-interpreter-exec console "shell sleep 0.6"', 0)).resolves.toBeDefined();
  });
});
