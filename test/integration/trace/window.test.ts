import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEvent, type TraceEvent } from '../../../trace/events';
import { loadStraceLog, loadStraceLogFile, loadStraceLogIncrementally, summarizeStraceLogFile } from '../../../trace/logFile';
import { TraceModel } from '../../../trace/model/model';
import { TraceSession } from '../../../trace/session';
import { runProgram } from '../../../toolchain/tools';
import { buildProgram } from '../../../toolchain/build';

const FIXTURES = path.resolve(__dirname, '../../fixtures/trace');
const buildRoot = mkdtempSync(path.join(os.tmpdir(), 'trace-window-'));

/** What a view shows of an event: its text, where it came from, its descriptors' origins. */
function render(event: TraceEvent | undefined): string {
  if (!event) return 'missing';
  const fds = event.kind === 'syscall' ? JSON.stringify(event.fdOrigins ?? null) : '';
  return `#${event.seq} ${event.pid} ${formatEvent(event)} at=${JSON.stringify(event.location ?? null)} ${event.origin} ${JSON.stringify(event.credit ?? null)} fds=${fds} frames=${event.stack.length}`;
}

/** Traces `file` into a model that keeps `window` events; also keeps every event as it was handed out. */
async function traceWindowed(file: string, window: number, stackTraces?: boolean, capture?: 'fifo'): Promise<{ model: TraceModel; seen: Map<number, TraceEvent> }> {
  const model = new TraceModel({ window });
  const seen = new Map<number, TraceEvent>();
  const session = await TraceSession.start({
    file, args: [], stdio: 'pipe', buildDirectory: mkdtempSync(path.join(buildRoot, 'b-')), workspaceRoots: [buildRoot, FIXTURES], model,
    onEvent: (event) => seen.set(event.seq, event), ...(stackTraces !== undefined ? { stackTraces } : {}), ...(capture ? { capture } : {}),
  });
  session.child.stdin?.end();
  await session.done;
  return { model, seen };
}

describe('a trace kept in a window of events, the rest read back from strace\'s file', () => {
  it('gives back every event of a program that forks, pipes and reuses descriptors, mapped as it was traced', async () => {
    const { model, seen } = await traceWindowed(path.join(FIXTURES, 'fds.asm'), 4);
    expect(model.size).toBeGreaterThan(10);
    for (let seq = 1; seq <= model.size; seq++) expect(render(model.get(seq))).toBe(render(seen.get(seq)));
    model.dispose();
  });

  it('gives back every event of a trace read through a FIFO (from the archive\'s own copy), keeping only the window in memory', async () => {
    const { model, seen } = await traceWindowed(path.join(FIXTURES, 'fds.asm'), 4, undefined, 'fifo');
    expect(model.size).toBeGreaterThan(10);
    for (let seq = 1; seq <= model.size; seq++) expect(render(model.get(seq))).toBe(render(seen.get(seq)));
    expect(model.eventsInMemory).toBeLessThanOrEqual(4);
    model.dispose();
  });

  it('gives back calls with -k stacks credited through them (a wrapper procedure\'s callers)', async () => {
    const { model, seen } = await traceWindowed(path.join(FIXTURES, 'wrappers.asm'), 3);
    const withFrames = [...seen.values()].filter((e) => e.stack.length > 0);
    expect(withFrames.length).toBeGreaterThan(0);
    for (let seq = 1; seq <= model.size; seq++) expect(render(model.get(seq))).toBe(render(seen.get(seq)));
    expect([...model.all()].map(render)).toEqual([...seen.values()].sort((a, b) => a.seq - b.seq).map(render));
    model.dispose();
  });

  it('reads an opened log back from the log file itself', async () => {
    const source = path.join(FIXTURES, 'calls.asm');
    const dir = mkdtempSync(path.join(buildRoot, 'log-'));
    const build = await buildProgram({ source, buildDirectory: dir });
    const log = path.join(dir, 'calls.strace');
    await runProgram('strace', ['-f', '-i', '-o', log, build.program]);
    const whole = await loadStraceLog(readFileSync(log, 'utf8'), log);
    const windowed = new TraceModel({ window: 2 });
    await loadStraceLogIncrementally(readFileSync(log, 'utf8'), log, { workspaceRoots: [], trusted: true }, () => undefined, windowed);
    expect(windowed.size).toBe(whole.model.size);
    for (let seq = 1; seq <= whole.model.size; seq++) expect(render(windowed.get(seq))).toBe(render(whole.model.get(seq)));
    windowed.dispose();
    // Streamed from the file (as the panel opens a log), and from a FIFO: the same events, mapped alike.
    for (const kind of ['file', 'fifo'] as const) {
      let from = log;
      let writer: Promise<unknown> | undefined;
      if (kind === 'fifo') {
        from = path.join(dir, 'calls.fifo');
        await runProgram('mkfifo', [from]);
        writer = runProgram('cp', [log, from]);
      }
      const streamed = new TraceModel({ window: 2 });
      const loaded = await loadStraceLogFile(from, { workspaceRoots: [], trusted: true }, () => undefined, streamed);
      await writer;
      expect(loaded.mapped, kind).toBe(true);
      expect(streamed.size, kind).toBe(whole.model.size);
      for (let seq = 1; seq <= whole.model.size; seq++) expect(render(streamed.get(seq)), kind).toBe(render(whole.model.get(seq)));
      expect(streamed.eventsInMemory).toBeLessThanOrEqual(2);
      streamed.dispose();
    }
    // Compare's summary of a log, read from its file.
    const summarized = await summarizeStraceLogFile(log);
    expect(summarized.summary).toEqual(whole.model.summary());
    expect(summarized.complete).toBe(true);
    expect(summarized.steps.map((step) => step.name)).toEqual([...whole.model.all()].flatMap((e) => (e.kind === 'syscall' && !e.inProgress ? [e.name] : [])));
  });
});
