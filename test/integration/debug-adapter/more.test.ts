import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as path from 'node:path';
import {
  buildDirectory, children, fixture, launch, launchStopped as launchAt, lineOf, programPid, scopeVariables, stoppedEvent, topFrame, useDebugClient,
} from './harness';

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const launchStopped = (program: string, args: Record<string, unknown> = {}) => launchAt(dc, program, args);

async function continueToStop() {
  const stopped = stoppedEvent(dc);
  await dc.continueRequest({ threadId: 1 });
  return stopped;
}

describe('the Syscall scope', () => {
  it('shows what the syscall instruction under the cursor is about to do', async () => {
    const hello = fixture('hello.asm');
    await launchStopped(hello);
    await dc.setBreakpointsRequest({ source: { path: hello }, breakpoints: [{ line: lineOf(hello, 'SYS_write') + 2 }] });
    await continueToStop();
    const scope = await scopeVariables(dc, 'Syscall');
    expect(scope.find((v) => v.name === 'call')?.value).toMatch(/^write\(fd=1 \(stdout\), buf=0x[0-9a-f]+ "Hello, world!", 10, count=14\)$/);
    expect(scope.find((v) => v.name === 'fd')?.type).toMatch(/in rdi$/);
  });

  it('shows a call interrupted by a pause as blocked in it', async () => {
    const wait = fixture('wait.asm');
    await launch(dc, { program: wait, stopAtEntry: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = stoppedEvent(dc);
    await dc.pauseRequest({ threadId: 1 });
    const event = await stopped;
    expect(event.body.reason).toBe('pause');
    expect(event.body.description).toBe('blocked in pause()');
    expect((await topFrame(dc)).line).toBe(lineOf(wait, 'LINE_PAUSE'));
  });

  it('stops only at the syscalls of a group condition', async () => {
    const hello = fixture('hello.asm');
    await launchStopped(hello);
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: '%process' }] });
    const event = await continueToStop();
    expect(event.body.description).toMatch(/^syscall exit\(error_code=10\)$/);
  });
});

describe('syscall results', () => {
  it('decodes a failed call\'s result as an errno, and its path argument as a string', async () => {
    const missing = fixture('missing.asm');
    await launchStopped(missing);
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'open' }, { filterId: 'syscall-return', condition: '2' }] });
    const entry = await continueToStop();
    expect(entry.body.description).toMatch(/^syscall open\(filename=0x[0-9a-f]+ "\/nonexistent\/file", flags=O_RDONLY, mode=/);
    const exit = await continueToStop();
    expect(exit.body.description).toMatch(/^open\(.*\) = -2 ENOENT \(No such file or directory\)$/);
    expect((await topFrame(dc)).line).toBe(lineOf(missing, 'LINE_OPEN'));
    const result = (await scopeVariables(dc, 'Syscall')).find((v) => v.name === 'result');
    expect(result?.value).toBe('-2 ENOENT (No such file or directory)');
  });

  it('rejects a condition naming no syscall, with gdb\'s reason', async () => {
    await launchStopped(fixture('hello.asm'));
    await expect(dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'wrte' }] }))
      .rejects.toThrow(/Unknown syscall name 'wrte'/);
  });
});

describe('Ctrl+C in the program\'s terminal', () => {
  it('pauses the program (SIGINT stops it in gdb, and is not passed on)', async () => {
    const spin = fixture('spin.asm');
    await launchStopped(spin);
    const pid = await programPid(dc);
    await dc.continueRequest({ threadId: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopped = stoppedEvent(dc);
    process.kill(pid, 'SIGINT');
    const event = await stopped;
    expect(event.body.reason).toBe('pause');
    expect(event.body.description).toBe('Interrupted by Ctrl+C (SIGINT)');
    const again = stoppedEvent(dc);
    await dc.nextRequest({ threadId: 1 });
    expect((await again).body.reason).toBe('step'); // still alive
  });
});

describe('commands sent while the program runs', () => {
  it('sets a breakpoint in a running endless loop, which then stops there', async () => {
    const spin = fixture('spin.asm');
    await launch(dc, { program: spin, stopAtEntry: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopped = stoppedEvent(dc);
    const reply = await dc.setBreakpointsRequest({ source: { path: spin }, breakpoints: [{ line: lineOf(spin, 'LINE_SPIN') }] });
    expect(reply.body.breakpoints[0]!.verified).toBe(true);
    expect((await stopped).body.reason).toBe('breakpoint');
    expect((await topFrame(dc)).line).toBe(lineOf(spin, 'LINE_SPIN'));
  });
});

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
    const event = await continueToStop();
    expect(event.body.reason).toBe('data breakpoint');
    expect((await dc.evaluateRequest({ expression: 'count', context: 'watch' })).body.result).toBe('1 (0x1)');
    expect(count.memoryReference).toMatch(/^0x/);
  });

  it('stops at an instruction address', async () => {
    const hello = fixture('hello.asm');
    await launchStopped(hello);
    const frame = await topFrame(dc);
    const target = BigInt(frame.instructionPointerReference!) + 7n;
    const set = await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: `0x${target.toString(16)}` }] });
    expect(set.body.breakpoints[0].verified).toBe(true);
    await continueToStop();
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

describe('other programs', () => {
  it('decodes int 0x80 syscalls of a 32-bit program with the i386 convention', async () => {
    const hello32 = path.join(EXAMPLES, 'hello32.asm');
    await launchStopped(hello32);
    await dc.setExceptionBreakpointsRequest({ filters: ['syscall-entry'] });
    const event = await continueToStop();
    expect(event.body.description).toMatch(/^syscall write\(fd=1 \(stdout\), buf=0x[0-9a-f]+ "Hello, world!", 10, count=14\)$/);
    const general = (await scopeVariables(dc, 'Registers')).find((v) => v.name === 'General purpose')!;
    expect((await children(dc, general)).map((v) => v.name).slice(0, 4)).toEqual(['eax', 'ebx', 'ecx', 'edx']);
    expect((await topFrame(dc)).line).toBe(lineOf(hello32, 'write(fd, buf, count)') + 4);
  });

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
  });
});

async function dataScopeReference(): Promise<number> {
  const frame = await topFrame(dc);
  const scopes = await dc.scopesRequest({ frameId: frame.id });
  return scopes.body.scopes.find((s) => s.name === 'Data')!.variablesReference;
}
