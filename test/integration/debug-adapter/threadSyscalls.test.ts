// Syscall stops in a program of several threads, against real gdb: while one thread's call completes
// the others run, stop in calls of their own, and have their calls cut short and restarted by gdb's
// stops. Each call must still show once at entry and once at its return, in its own thread.
import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixture, launchConfigured, stoppedEvent, useDebugClient } from './harness';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const source = fixture('writers.c');
const ROUNDS = 5; // writers.c's

/** Continues from every stop until the program ends; the stops as `thread description`. */
async function stopsToEnd(first: DebugProtocol.StoppedEvent, resume: (threadId: number) => Promise<unknown>): Promise<Array<{ thread: number; description: string }>> {
  const seen: Array<{ thread: number; description: string }> = [];
  const ended = dc.waitForEvent('terminated', 60_000).then(() => undefined);
  let stop: DebugProtocol.StoppedEvent | undefined = first;
  while (stop && seen.length < 100) {
    seen.push({ thread: stop.body.threadId!, description: stop.body.description ?? stop.body.reason });
    const next = Promise.race([stoppedEvent(dc), ended]);
    await resume(stop.body.threadId!);
    stop = await next;
  }
  return seen;
}

/** The descriptions of one thread's stops, by the text its write writes. */
function ofLine(stops: Array<{ thread: number; description: string }>, line: string): string[] {
  const threads = new Set(stops.filter((s) => s.description.includes(`"${line}"`)).map((s) => s.thread));
  expect(threads.size).toBe(1);
  return stops.filter((s) => threads.has(s.thread)).map((s) => s.description.replace(/buf=0x[0-9a-f]+ /, ''));
}

function alternating(line: string, count: number, rounds: number): string[] {
  const call = `write(fd=1 (stdout), ("${line}", 10), count=${count})`;
  return Array.from({ length: rounds }, () => [`syscall ${call}`, `${call} = ${count}`]).flat();
}

describe('syscall stops in a program of several threads', () => {
  const filters = [{ filterId: 'syscall-entry', condition: 'write' }, { filterId: 'syscall-return', condition: 'write' }];

  it('shows each write of each thread once at entry and once at its return, in that thread', async () => {
    const first = await launchConfigured(dc, { program: source, stopAtEntry: false }, () => dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: filters }));
    const stops = await stopsToEnd(first, (threadId) => dc.continueRequest({ threadId }));
    expect(ofLine(stops, 'first')).toEqual(alternating('first', 6, ROUNDS));
    expect(ofLine(stops, 'second')).toEqual(alternating('second', 7, ROUNDS));
    expect(stops.at(-1)!.description).toMatch(/"done", 10.* = 5$/);
    expect(stops).toHaveLength(4 * ROUNDS + 2);
  }, 90_000);

  it('shows each entry once when only entries stop, and Step Over from one ends in its own thread', async () => {
    const first = await launchConfigured(dc, { program: source, stopAtEntry: false }, () => dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [filters[0]!] }));
    let stepped = 0;
    const stops = await stopsToEnd(first, async (threadId) => {
      if (stepped++ % 2 === 0) await dc.nextRequest({ threadId });
      else await dc.continueRequest({ threadId });
    });
    const entries = stops.filter((s) => s.description.startsWith('syscall '));
    expect(entries.filter((s) => s.description.includes('"first"'))).toHaveLength(ROUNDS);
    expect(entries.filter((s) => s.description.includes('"second"'))).toHaveLength(ROUNDS);
    // A step's own stop is in the thread it stepped, at a line of the program's or libc's code.
    for (let i = 1; i < stops.length; i++) {
      if (stops[i]!.description === 'step') expect(stops[i]!.thread).toBe(stops[i - 1]!.thread);
    }
  }, 90_000);
});

describe('a thread gdb takes for a process', () => {
  const told = () => {
    const lines: string[] = [];
    dc.on('output', (event: DebugProtocol.OutputEvent) => { if (event.body.output.includes('runs without the debugger')) lines.push(event.body.output); });
    return lines;
  };

  it('says once that a thread made by clone() with SIGCHLD runs without the debugger, and why', async () => {
    const program = fixture('fork_thread.asm');
    const lines = told();
    const ended = dc.waitForEvent('terminated', 60_000);
    const first = await launchConfigured(dc, { program, stopAtEntry: true }, () => Promise.resolve());
    await dc.continueRequest({ threadId: first.body.threadId! });
    await ended;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Thread \d+ runs without the debugger: the program made it with clone\(\) and SIGCHLD as its exit signal, which the kernel reports to gdb as a new process/);
  }, 60_000);

  it('says nothing of threads made by pthread_create', async () => {
    const lines = told();
    const ended = dc.waitForEvent('terminated', 60_000);
    const first = await launchConfigured(dc, { program: source, stopAtEntry: true }, () => Promise.resolve());
    await dc.continueRequest({ threadId: first.body.threadId! });
    await ended;
    expect(lines).toEqual([]);
  }, 60_000);
});
