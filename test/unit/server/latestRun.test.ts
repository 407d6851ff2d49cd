import { describe, expect, it } from 'vitest';
import { LatestRun } from '../../../server/latestRun';

/** A run the test finishes by hand; it records whether it was told to stop. */
function controllable() {
  const runs: { label: string; signal: AbortSignal; finish: (value: string) => void }[] = [];
  const start = (label: string) => (signal: AbortSignal) => new Promise<string>((resolve) => {
    runs.push({ label, signal, finish: resolve });
  });
  return { runs, start };
}

describe('one run per key, the newest wins', () => {
  it('a request while one runs aborts it, waits for it to end, then runs the newest only; everyone gets the newest result', async () => {
    const latest = new LatestRun<string>();
    const { runs, start } = controllable();
    const first = latest.run('unit', start('a'));
    const second = latest.run('unit', start('b'));
    const third = latest.run('unit', start('c'));
    expect(runs.map((r) => r.label)).toEqual(['a']);
    expect(runs[0]!.signal.aborted).toBe(true);
    runs[0]!.finish('a (cancelled)');
    await Promise.resolve();
    expect(runs.map((r) => r.label)).toEqual(['a', 'c']);
    expect(latest.isRunning('unit')).toBe(true);
    runs[1]!.finish('c done');
    expect(await Promise.all([first, second, third])).toEqual(['c done', 'c done', 'c done']);
    expect(latest.isRunning('unit')).toBe(false);
  });

  it('different keys run side by side', async () => {
    const latest = new LatestRun<string>();
    const { runs, start } = controllable();
    const a = latest.run('a', start('a'));
    const b = latest.run('b', start('b'));
    expect(runs.map((r) => [r.label, r.signal.aborted])).toEqual([['a', false], ['b', false]]);
    runs[0]!.finish('A');
    runs[1]!.finish('B');
    expect(await Promise.all([a, b])).toEqual(['A', 'B']);
  });

  it('cancel aborts the run and its callers get what it returned', async () => {
    const latest = new LatestRun<string>();
    const { runs, start } = controllable();
    const waiting = latest.run('unit', start('a'));
    latest.cancel('unit');
    expect(runs[0]!.signal.aborted).toBe(true);
    runs[0]!.finish('stopped');
    expect(await waiting).toBe('stopped');
  });

  it('a run that throws rejects its callers and frees the key', async () => {
    const latest = new LatestRun<string>();
    await expect(latest.run('unit', () => { throw new Error('no nasm'); })).rejects.toThrow('no nasm');
    expect(await latest.run('unit', async () => 'next')).toBe('next');
  });
});
