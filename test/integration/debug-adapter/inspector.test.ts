import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
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

describe('a C program stopped in a second thread', () => {
  it('shows the locals of the thread that stopped, and reads names there', async () => {
    const source = fixture('worker.c');
    await launchConfigured(dc, { program: source }, () => dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: lineOf(source, 'LINE_WORKER_WRITE') }] }));
    const frame = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
    expect([frame.name, frame.line]).toEqual(['worker', lineOf(source, 'LINE_WORKER_WRITE')]);
    // Not main's frame (waiting in pthread_join), which gdb calls thread 1.
    const locals = await scopeVariables(dc, 'Locals');
    expect(locals.map((v) => [v.name, v.value])).toEqual(expect.arrayContaining([['round', '0'], ['name', expect.stringContaining('"worker\\n"')]]));
    expect((await dc.evaluateRequest({ expression: 'round + 1', frameId: frame.id, context: 'hover' })).body.result).toBe('1');
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
