import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  buildDirectory, fixture, launchConfigured, lineOf, scopeVariables, stoppedEvent, useDebugClient,
} from './harness';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

describe('C programs', () => {
  it('shows arguments and locals typed by gdb in a Locals scope', async () => {
    const source = fixture('locals.c');
    const stopped = stoppedEvent(dc);
    const configured = dc.waitForEvent('initialized').then(async () => {
      await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: lineOf(source, 'LINE_SUM') }] });
      await dc.configurationDoneRequest();
    });
    await Promise.all([configured, dc.launch({ program: source, terminal: 'none', buildDirectory: buildDirectory() })]);
    await stopped;
    const stepped = stoppedEvent(dc);
    await dc.nextRequest({ threadId: 1 });
    await stepped;
    const locals = await scopeVariables(dc, 'Locals');
    expect(locals.map((v) => [v.name, v.value])).toEqual(expect.arrayContaining([['a', '40'], ['b', '2'], ['sum', '42']]));
    expect(locals.find((v) => v.name === 'sum')?.type).toBe('long');
    // A watch or hover in the caller's frame (the frame the Call Stack view selects) reads its names.
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const main = frames.find((f) => f.name === 'main')!;
    expect((await dc.evaluateRequest({ expression: 'sizeof greeting', frameId: main.id, context: 'watch' })).body.result).toBe('4');
    expect((await dc.evaluateRequest({ expression: 'sum', frameId: frames[0]!.id, context: 'hover' })).body.result).toBe('42');
    const unknown = await dc.evaluateRequest({ expression: 'sum', frameId: main.id, context: 'watch' }).catch((error: Error) => error);
    expect((unknown as Error).message).toMatch(/No symbol "sum"/);
  });
});

/** The variables of scope `name` of frame `frameId`. */
async function frameScope(frameId: number, name: string): Promise<DebugProtocol.Variable[]> {
  const scope = (await dc.scopesRequest({ frameId })).body.scopes.find((s) => s.name === name)!;
  return (await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
}

describe('a C program stopped in a second thread', () => {
  it('shows the locals of the thread that stopped, and reads names there', async () => {
    const source = fixture('worker.c');
    const stopped = await launchConfigured(dc, { program: source }, () => dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: lineOf(source, 'LINE_WORKER_WRITE') }] }));
    // gdb's thread 1 is main, waiting in pthread_join: the stop is the worker's.
    expect(stopped.body.threadId).not.toBe(1);
    const frame = (await dc.stackTraceRequest({ threadId: stopped.body.threadId! })).body.stackFrames[0]!;
    expect([frame.name, frame.line]).toEqual(['worker', lineOf(source, 'LINE_WORKER_WRITE')]);
    const locals = await frameScope(frame.id, 'Locals');
    expect(locals.map((v) => [v.name, v.value])).toEqual(expect.arrayContaining([['round', '0'], ['name', expect.stringContaining('"worker\\n"')]]));
    expect((await dc.evaluateRequest({ expression: 'round + 1', frameId: frame.id, context: 'hover' })).body.result).toBe('1');
  });

  it('lists both threads, each with its own stack, locals and registers, and steps the one that stopped', async () => {
    const source = fixture('worker.c');
    const stopped = await launchConfigured(dc, { program: source }, () => dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: lineOf(source, 'LINE_WORKER_WRITE') }] }));
    const workerId = stopped.body.threadId!;
    const workerTop = (await dc.stackTraceRequest({ threadId: workerId })).body.stackFrames[0]!;
    const workerRegisters = (await dc.scopesRequest({ frameId: workerTop.id })).body.scopes.find((scope) => scope.name === 'Registers')!;
    const threads = (await dc.threadsRequest()).body.threads;
    expect(threads.map((t) => t.id).sort()).toEqual([1, workerId].sort());
    expect(threads.every((t) => /\(LWP \d+\)$/.test(t.name))).toBe(true);
    // main's stack, asked while the worker's is shown: its own frames, ids of their own.
    const mainFrames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const mainFrame = mainFrames.find((f) => f.name === 'main')!;
    expect(mainFrames.map((f) => f.name)).not.toContain('worker');
    const mainLocals = await frameScope(mainFrame.id, 'Locals');
    expect(mainLocals.map((v) => v.name)).toContain('thread');
    const mainRip = (await dc.evaluateRequest({ expression: '$pc', frameId: mainFrames[0]!.id, context: 'watch' })).body.result;
    // The worker's Registers, opened only now (main's thread shown since): the worker's rip.
    const rip = (await dc.variablesRequest({ variablesReference: workerRegisters.variablesReference })).body.variables.find((v) => v.name === 'rip')!;
    expect(BigInt(rip.value.split(' ')[0]!)).toBe(BigInt(workerTop.instructionPointerReference!));
    // Back to the worker's frame: its locals and registers, not main's.
    const workerFrames = (await dc.stackTraceRequest({ threadId: workerId })).body.stackFrames;
    expect(workerFrames[0]!.name).toBe('worker');
    expect(new Set(workerFrames.map((f) => f.id)).size + new Set(mainFrames.map((f) => f.id)).size).toBe(new Set([...workerFrames, ...mainFrames].map((f) => f.id)).size);
    expect((await dc.evaluateRequest({ expression: 'round', frameId: workerFrames[0]!.id, context: 'watch' })).body.result).toBe('0');
    expect((await dc.evaluateRequest({ expression: '$pc', frameId: workerFrames[0]!.id, context: 'watch' })).body.result).not.toBe(mainRip);
    // Stepping the worker (after main's stack was shown) stays in the worker.
    const next = stoppedEvent(dc);
    await dc.nextRequest({ threadId: workerId });
    expect((await next).body.threadId).toBe(workerId);
    const after = (await dc.stackTraceRequest({ threadId: workerId })).body.stackFrames[0]!;
    expect(after.name).toBe('worker');
  });

  it('shows the stack of the thread chosen in the Debug Console, not the stop\'s frame on top of it', async () => {
    const source = fixture('worker.c');
    await launchConfigured(dc, { program: source }, () => dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: lineOf(source, 'LINE_WORKER_WRITE') }] }));
    await dc.evaluateRequest({ expression: '-exec thread 1', context: 'repl' });
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    expect(frames.map((f) => f.name)).toContain('main');
    expect(frames.map((f) => f.name)).not.toContain('worker');
  });
});

describe('a syscall stop inside libc', () => {
  it('shows libc\'s frames as disassembly and the user\'s frames with their lines', async () => {
    const source = fixture('libc.c');
    const stopped = launchConfigured(dc, { program: source }, () => dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'write' }] }));
    expect((await stopped).body.description).toMatch(/^syscall write\(fd=1 \(stdout\), buf=0x[0-9a-f]+ \("through libc", 10\), count=13\)$/);
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    expect(frames[0]!.source).toBeUndefined(); // never "Could not load source './io/../sysdeps/…'"
    expect(frames[0]!.instructionPointerReference).toMatch(/^0x/);
    expect(frames[0]!.presentationHint).toBe('subtle');
    // The frame the editor focuses: the first with a source that is not de-emphasized.
    const focused = frames.find((f) => f.source?.path && f.source.presentationHint !== 'deemphasize')!;
    expect([focused.name, focused.source!.path, focused.line]).toEqual(['say', source, lineOf(source, 'LINE_WRITE')]);
    expect(frames.find((f) => f.name === 'main')?.line).toBe(lineOf(source, 'LINE_SAY'));
  });
});
