import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as path from 'node:path';
import {
  continueToStop, EXAMPLES, buildDirectory, fixture, launchStopped as launchAt, lineOf, scopeVariables, stoppedEvent, topFrame, useDebugClient,
} from './harness';
import { findExecutable } from '../../../toolchain/tools';
import { hardwareWatchpointsFire, NO_READ_WATCHPOINTS } from '../../../debug-adapter/watchpoints';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const launchStopped = (program: string, args: Record<string, unknown> = {}) => launchAt(dc, program, args);

describe('data, instruction and location breakpoints', () => {
  it('stops when a label from the Data scope is written', async () => {
    const counter = fixture('counter.asm');
    await launchStopped(counter);
    const count = (await scopeVariables(dc, 'Data')).find((v) => v.name === 'count')!;
    const info = await dc.dataBreakpointInfoRequest({ name: 'count', variablesReference: (await dataScopeReference()) });
    expect(info.body.dataId).toBeTruthy();
    expect(info.body.description).toBe('count (8 bytes)');
    const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    expect(set.body.breakpoints[0]!.verified).toBe(true);
    const event = await continueToStop(dc);
    expect(event.body.reason).toBe('data breakpoint');
    expect((await dc.evaluateRequest({ expression: 'count', context: 'watch' })).body.result).toBe('1 (0x1)');
    expect(count.memoryReference).toMatch(/^0x/);
  });

  it('offers Break on Read where hardware watchpoints fire, and refuses it with the reason where they do not', async () => {
    const counter = fixture('counter.asm');
    await launchStopped(counter);
    const info = await dc.dataBreakpointInfoRequest({ name: 'count', variablesReference: (await dataScopeReference()) });
    const fire = await hardwareWatchpointsFire(findExecutable('gdb')!);
    const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'read' }] });
    if (fire) {
      expect(info.body.accessTypes).toEqual(['write', 'read', 'readWrite']);
      expect(set.body.breakpoints[0]!.verified).toBe(true);
      // x86's debug registers cannot watch reads alone: they trap reads and writes, and gdb reports a
      // read only where the value stayed the same. The loop's `inc` reads and writes count, so the
      // first read reported is the `mov` after the loop (the stop is after it).
      expect((await continueToStop(dc)).body.reason).toBe('data breakpoint');
      expect((await topFrame(dc)).line).toBe(lineOf(counter, 'LINE_READ') + 1);
    } else {
      expect(info.body.accessTypes).toEqual(['write']);
      expect(set.body.breakpoints[0]).toMatchObject({ verified: false, message: NO_READ_WATCHPOINTS });
    }
  });

  it('stops at an instruction address', async () => {
    const hello = fixture('hello.asm');
    await launchStopped(hello);
    const frame = await topFrame(dc);
    const target = BigInt(frame.instructionPointerReference!) + 7n;
    const set = await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: `0x${target.toString(16)}` }] });
    expect(set.body.breakpoints[0].verified).toBe(true);
    await continueToStop(dc);
    expect(BigInt((await topFrame(dc)).instructionPointerReference!)).toBe(target);
  });

  it('lists the lines that can hold a breakpoint', async () => {
    const hello = fixture('hello.asm');
    await launchStopped(hello);
    const call = lineOf(hello, 'LINE_CALL');
    const reply = await dc.customRequest('breakpointLocations', { source: { path: hello }, line: call, endLine: call + 3 });
    expect(reply.body.breakpoints.map((b: { line: number }) => b.line)).toEqual([call, call + 1, call + 3]);
  });
});

describe('breakpoints in a C program', () => {
  it('debugs a C program: runs to a breakpoint in main (no stop at the ELF entry by default)', async () => {
    const hello = path.join(EXAMPLES, 'hello.c');
    const returnLine = 13;
    const stopped = stoppedEvent(dc);
    // gcc makes a PIE: once loaded, its breakpoint moves to the real address, and the client hears of it.
    const moved = dc.waitForEvent('breakpoint') as Promise<DebugProtocol.BreakpointEvent>;
    const configured = dc.waitForEvent('initialized').then(async () => {
      await dc.setBreakpointsRequest({ source: { path: hello }, breakpoints: [{ line: returnLine }] });
      await dc.configurationDoneRequest();
    });
    await Promise.all([configured, dc.launch({ program: hello, terminal: 'none', buildDirectory: buildDirectory() })]);
    expect((await stopped).body.reason).toBe('breakpoint');
    const frame = await topFrame(dc);
    expect(frame.name).toBe('main');
    expect(frame.line).toBe(returnLine);
    const change = (await moved).body;
    expect(change.reason).toBe('changed');
    expect(change.breakpoint).toMatchObject({ verified: true, line: returnLine });
    expect(BigInt(change.breakpoint.instructionReference!)).toBe(BigInt(frame.instructionPointerReference!));
  });
});

async function dataScopeReference(): Promise<number> {
  const frame = await topFrame(dc);
  const scopes = await dc.scopesRequest({ frameId: frame.id });
  return scopes.body.scopes.find((s) => s.name === 'Data')!.variablesReference;
}

describe('a breakpoint in a macro body', () => {
  it('stops at every expansion of the line, in _start and in a procedure, as the one breakpoint', async () => {
    const program = fixture('expand.asm');
    const include = fixture('expand.inc');
    await launchStopped(program);
    const set = await dc.setBreakpointsRequest({ source: { path: include }, breakpoints: [{ line: lineOf(include, 'SAY_SYSCALL') }] });
    const [breakpoint] = set.body.breakpoints;
    expect(breakpoint).toMatchObject({ verified: true, line: lineOf(include, 'SAY_SYSCALL') });
    const addresses = new Set<string>();
    let caller: DebugProtocol.StackFrame | undefined;
    for (let i = 0; i < 3; i++) {
      const event = await continueToStop(dc);
      expect(event.body.reason).toBe('breakpoint');
      expect(event.body.hitBreakpointIds).toEqual([breakpoint!.id]);
      const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
      expect([frames[0]!.source?.path, frames[0]!.line]).toEqual([include, lineOf(include, 'SAY_SYSCALL')]);
      addresses.add(frames[0]!.instructionPointerReference!);
      caller = frames[1];
    }
    expect(addresses.size).toBe(3);
    // The third expansion is in the procedure, called from _start.
    expect([caller?.source?.path, caller?.line]).toEqual([program, lineOf(program, 'CALL_SHOUT')]);
  });

  it.each([
    ['on a macro invocation line stops before the expansion runs, not at the next line with code of its own', 'expand.asm', 'SAY_SECOND'],
    ['on an invocation line in a _start made only of macro calls (gdb finds no such line)', 'onlymacros.asm', 'ONLY_SECOND'],
  ])('%s', async (_, name, marker) => {
    const program = fixture(name);
    await launchStopped(program);
    const line = lineOf(program, marker);
    const set = await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line }] });
    expect(set.body.breakpoints[0]).toMatchObject({ verified: true, line });
    const hit = await continueToStop(dc);
    expect(hit.body.reason).toBe('breakpoint');
    expect(hit.body.hitBreakpointIds).toEqual([set.body.breakpoints[0]!.id]);
    // The next write is the one this invocation makes ("two"), so nothing of it ran yet.
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'write' }] });
    expect((await continueToStop(dc)).body.description).toMatch(/^syscall write\(fd=1 \(stdout\), buf=0x[0-9a-f]+ \("two", 10\), count=4\)$/);
  });
});
