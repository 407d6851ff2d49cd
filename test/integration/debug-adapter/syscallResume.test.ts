// Leaving a syscall stop against real gdb: the call completes, no line runs unseen, and a breakpoint
// right after the `syscall` neither cancels the call (gdb 13's -ENOSYS) nor goes unreported.
import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  children, continueToStop, fixture, launchConfigured, launchStopped, lineOf, scopeVariables, stoppedEvent, topFrame, useDebugClient,
} from './harness';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const steps = fixture('steps.asm');

async function register(name: string): Promise<bigint> {
  return BigInt((await dc.evaluateRequest({ expression: `-exec p/x $${name}`, context: 'repl' })).body.result.split('= ')[1]!);
}

async function stepAndWait(request: () => Promise<unknown>) {
  const stopped = stoppedEvent(dc);
  await request();
  return stopped;
}

async function stopAtWrite(filters: Array<{ filterId: string; condition: string }>) {
  await launchStopped(dc, steps);
  await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: filters });
  const entry = await continueToStop(dc);
  expect(entry.body.description).toMatch(/^syscall write\(/);
  expect((await topFrame(dc)).line).toBe(lineOf(steps, 'LINE_WRITE'));
}

describe('stepping from a syscall stop', () => {
  it('Step Over at a syscall entry completes the call and stops at the start of the next line', async () => {
    await stopAtWrite([{ filterId: 'syscall-entry', condition: 'write' }]);
    const output = dc.waitForEvent('output', 5000).then(() => true);
    const event = await stepAndWait(() => dc.nextRequest({ threadId: 1 }));
    expect(event.body.reason).toBe('step');
    expect((await topFrame(dc)).line).toBe(lineOf(steps, 'LINE_AFTER'));
    expect(await register('rax')).toBe(5n); // the call ran: 5 bytes written
    expect(await register('r12')).toBe(0n); // LINE_AFTER has not run
    expect(await output).toBe(true);
  });

  it('Step Over at a syscall return stops at the next line too, and one more step runs it', async () => {
    await stopAtWrite([{ filterId: 'syscall-entry', condition: 'write' }, { filterId: 'syscall-return', condition: 'write' }]);
    const ret = await continueToStop(dc);
    expect(ret.body.description).toMatch(/^write\(.*"step", 10.*\) = 5$/);
    await stepAndWait(() => dc.nextRequest({ threadId: 1 }));
    expect((await topFrame(dc)).line).toBe(lineOf(steps, 'LINE_AFTER'));
    expect(await register('r12')).toBe(0n);
    await stepAndWait(() => dc.nextRequest({ threadId: 1 }));
    expect((await topFrame(dc)).line).toBe(lineOf(steps, 'LINE_NEXT'));
    expect(await register('r12')).toBe(5n);
  });

  it('Step Over at an entry with return stops on shows the return stop first', async () => {
    await stopAtWrite([{ filterId: 'syscall-entry', condition: 'write' }, { filterId: 'syscall-return', condition: 'write' }]);
    const event = await stepAndWait(() => dc.nextRequest({ threadId: 1 }));
    expect(event.body.description).toMatch(/ = 5$/);
    expect((await topFrame(dc)).line).toBe(lineOf(steps, 'LINE_WRITE'));
  });

  it('Step Instruction at a syscall entry steps the syscall itself', async () => {
    await stopAtWrite([{ filterId: 'syscall-entry', condition: 'write' }]);
    const entryPc = await register('pc');
    await stepAndWait(() => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    expect(await register('pc')).toBe(entryPc); // the address after the 2-byte instruction
    expect(await register('rax')).toBe(5n);
  });

  it('Step Into a procedure from a syscall stop inside another one stops inside it', async () => {
    await launchStopped(dc, steps);
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-return', condition: 'getpid' }] });
    await continueToStop(dc);
    expect((await topFrame(dc)).line).toBe(lineOf(steps, 'LINE_GETPID'));
    await stepAndWait(() => dc.nextRequest({ threadId: 1 }));
    expect((await topFrame(dc)).line).toBe(lineOf(steps, 'LINE_GETPID') + 1);
  });
});

describe('a breakpoint right after a caught syscall', () => {
  it('lets the call run and then stops at the breakpoint', async () => {
    await stopAtWrite([{ filterId: 'syscall-entry', condition: 'write' }]);
    const set = await dc.setBreakpointsRequest({ source: { path: steps }, breakpoints: [{ line: lineOf(steps, 'LINE_AFTER') }] });
    const id = set.body.breakpoints[0]!.id;
    const event = await continueToStop(dc);
    expect(event.body.reason).toBe('breakpoint');
    expect(event.body.hitBreakpointIds).toEqual([id]);
    expect((await topFrame(dc)).line).toBe(lineOf(steps, 'LINE_AFTER'));
    expect(await register('rax')).toBe(5n); // not -38 (ENOSYS): the call ran
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    expect((await exited).body.exitCode).toBe(0);
  });

  it.each([
    ['Step Out', () => dc.stepOutRequest({ threadId: 1 })],
    ['Run to Next Syscall', () => dc.customRequest('runToNextSyscall')],
  ])('%s from the syscall stop stops there too, with the call run', async (_name, leave) => {
    await launchStopped(dc, steps);
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'getpid' }] });
    expect((await continueToStop(dc)).body.description).toMatch(/^syscall getpid\(/);
    await dc.setBreakpointsRequest({ source: { path: steps }, breakpoints: [{ line: lineOf(steps, 'LINE_AFTER_GETPID') }] });
    const event = await stepAndWait(leave);
    expect(event.body.reason).toBe('breakpoint');
    expect((await topFrame(dc)).line).toBe(lineOf(steps, 'LINE_AFTER_GETPID'));
    expect(await register('rax')).toBeGreaterThan(0n); // the pid, not -38 (ENOSYS)
  });

  it.each([
    ['return stops only', [{ filterId: 'syscall-return', condition: 'write' }], 'syscall-return'],
    ['entry stops for another call', [{ filterId: 'syscall-entry', condition: 'exit' }], undefined],
  ])('with %s, the unreported entry of the call runs it before the breakpoint stops', async (_name, filters, firstStop) => {
    await launchStopped(dc, steps);
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: filters });
    await dc.setBreakpointsRequest({ source: { path: steps }, breakpoints: [{ line: lineOf(steps, 'LINE_AFTER') }] });
    if (firstStop) {
      const returned = await continueToStop(dc);
      expect(returned.body.description).toMatch(/^write\(.*\) = 5$/);
    }
    const event = await continueToStop(dc);
    expect(event.body.reason).toBe('breakpoint');
    expect((await topFrame(dc)).line).toBe(lineOf(steps, 'LINE_AFTER'));
    expect(await register('rax')).toBe(5n); // not -38 (ENOSYS): the call ran
  });

  it('with return stops on: entry, return, then the breakpoint', async () => {
    await stopAtWrite([{ filterId: 'syscall-entry', condition: 'write' }, { filterId: 'syscall-return', condition: 'write' }]);
    await dc.setBreakpointsRequest({ source: { path: steps }, breakpoints: [{ line: lineOf(steps, 'LINE_AFTER') }] });
    expect((await continueToStop(dc)).body.description).toMatch(/ = 5$/);
    expect((await continueToStop(dc)).body.reason).toBe('breakpoint');
    expect((await topFrame(dc)).line).toBe(lineOf(steps, 'LINE_AFTER'));
  });
});

describe('the exit stop at the end of a section', () => {
  it('keeps its source line and its Syscall scope', async () => {
    const hello = fixture('hello.asm'); // its exit `syscall` is the last instruction of .text
    await launchStopped(dc, hello);
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'exit' }] });
    const event = await continueToStop(dc);
    expect(event.body.description).toBe('syscall exit(error_code=10)');
    const frame = await topFrame(dc);
    expect(frame.source?.path).toBe(hello);
    expect(frame.line).toBe(lineOf(hello, 'LINE_EXIT'));
    const scope = await scopeVariables(dc, 'Syscall');
    expect(scope.find((v) => v.name === 'call')?.value).toBe('exit(error_code=10)');
    const registers = (await scopeVariables(dc, 'Registers')).find((v) => v.name === 'General purpose')!;
    expect((await children(dc, registers)).length).toBeGreaterThan(0);
  });
});

describe('stepping from a syscall stop inside libc', () => {
  it('Step Over completes the user\'s line the editor shows (fputs, several libc frames up) and stops at the next one', async () => {
    const program = fixture('stdio.c');
    const console: string[] = [];
    dc.on('output', (event: DebugProtocol.OutputEvent) => { if (event.body.category === 'console') console.push(event.body.output); });
    const stopped = launchConfigured(dc, { program }, () => dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'write' }] }));
    expect((await stopped).body.description).toMatch(/^syscall write\(fd=2 \(stderr\), buf=0x[0-9a-f]+ \("through stdio"\), count=13\)$/);
    const userFrame = async () => {
      const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
      const frame = frames.find((f) => f.source?.path === program)!;
      return [frames.indexOf(frame) > 0, frame.name, frame.line];
    };
    // The call is made below fputs: the editor shows say's line.
    expect(await userFrame()).toEqual([true, 'say', lineOf(program, 'LINE_FPUTS')]);
    const event = await stepAndWait(() => dc.nextRequest({ threadId: 1 }));
    expect(event.body.reason).toBe('step');
    expect(await topFrame(dc)).toMatchObject({ name: 'say', line: lineOf(program, 'LINE_AFTER_FPUTS') });
    // gdb's note that libc's write.c is missing is not the user's concern: that frame shows as disassembly.
    expect(console.join('')).not.toMatch(/No such file or directory/);
  });

  it('Step Out returns from the user\'s function the editor shows (say), not from libc\'s write', async () => {
    const program = fixture('stdio.c');
    const stopped = launchConfigured(dc, { program }, () => dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'write' }] }));
    expect((await stopped).body.description).toMatch(/^syscall write\(fd=2 /);
    await dc.setExceptionBreakpointsRequest({ filters: [] }); // the second fputs writes too
    const event = await stepAndWait(() => dc.stepOutRequest({ threadId: 1 }));
    expect(event.body.reason).toBe('step');
    // say's call ends its line: the return lands on the next one.
    expect(await topFrame(dc)).toMatchObject({ name: 'main', line: lineOf(program, 'LINE_RETURN') });
  });
});

describe('leaving a call that does not return to the next instruction', () => {
  /** Runs sigreturn.asm to its rt_sigreturn stop (past the stop for the signal itself). */
  async function stopAtSigreturn(program: string, condition: string) {
    const signal = await launchConfigured(dc, { program, stopAtEntry: false }, () => dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition }] }));
    expect(signal.body.description).toMatch(/^SIGUSR1 /);
    expect((await continueToStop(dc)).body.description).toBe('syscall rt_sigreturn()');
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_SIGRETURN'));
  }

  it('Continue from an rt_sigreturn stop runs on to the next stop, not to a stop where the signal struck', async () => {
    const program = fixture('sigreturn.asm');
    await stopAtSigreturn(program, 'rt_sigreturn,exit');
    expect((await continueToStop(dc)).body.description).toBe('syscall exit(error_code=3)');
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_EXIT'));
  });

  it('Step Out at a signal handler\'s first line returns to its restorer (the kernel, not a call, put it on the stack)', async () => {
    const program = fixture('sigreturn.asm');
    const signal = await launchConfigured(dc, { program, stopAtEntry: false }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'handler' }] }));
    expect(signal.body.description).toMatch(/^SIGUSR1 /);
    await continueToStop(dc);
    expect((await topFrame(dc)).name).toBe('handler');
    const event = await stepAndWait(() => dc.stepOutRequest({ threadId: 1 }));
    expect(event.body.reason).toBe('step');
    expect(await topFrame(dc)).toMatchObject({ name: 'restorer', line: lineOf(program, 'LINE_SIGRETURN') - 1 });
  });

  it('Step Over from an rt_sigreturn stop stops where the program resumes', async () => {
    const program = fixture('sigreturn.asm');
    await stopAtSigreturn(program, 'rt_sigreturn');
    const event = await stepAndWait(() => dc.nextRequest({ threadId: 1 }));
    expect(event.body.reason).toBe('step');
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_RESUMED'));
  });
});
