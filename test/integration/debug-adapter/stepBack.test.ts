// Step Back and Reverse Continue against real gdb: every past state shows exactly what the program had
// there — rip, the line and every general register, r8-r15 and rax after a syscall included.
import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { children, continueToStop, fixture, launchStopped, lineOf, scopeVariables, stoppedEvent, topFrame, useDebugClient } from './harness';
import { kernelRunsI386 } from '../../../toolchain/kernel';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const rewind = fixture('rewind.asm');
const REGISTERS = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip', 'eflags'];

interface State { line: number | undefined; registers: Record<string, string> }

/** The line and every register, read from gdb itself (`info registers`), not from our views. */
async function state(): Promise<State> {
  const text = (await dc.evaluateRequest({ expression: `-exec info registers ${REGISTERS.join(' ')}`, context: 'repl' })).body.result;
  const registers: Record<string, string> = {};
  for (const match of text.matchAll(/^(\w+)\s+(0x[0-9a-f]+)/gm)) registers[match[1]!] = match[2]!;
  expect(Object.keys(registers)).toHaveLength(REGISTERS.length);
  return { line: (await topFrame(dc)).line, registers };
}

async function after(request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = stoppedEvent(dc);
  await request();
  return stopped;
}

const next = () => after(() => dc.nextRequest({ threadId: 1 }));
const nextInstruction = () => after(() => dc.nextRequest({ threadId: 1, granularity: 'instruction' }));
const stepBack = (granularity?: 'instruction') => after(() => dc.stepBackRequest({ threadId: 1, granularity }));
const reverseContinue = () => after(() => dc.reverseContinueRequest({ threadId: 1 }));

/** The General purpose group of the Registers scope, as the Variables view shows it. */
async function generalRegisters(): Promise<DebugProtocol.Variable[]> {
  return children(dc, (await scopeVariables(dc, 'Registers')).find((v) => v.name === 'General purpose')!);
}

/** Step Back refuses with a message matching `reason`; Step Over then reaches `marker` and Continue ends the program (exit 7). */
async function refusedThenGoesOn(program: string, reason: RegExp, marker: string): Promise<void> {
  const refused = await dc.stepBackRequest({ threadId: 1 }).catch((error: Error) => error);
  expect((refused as Error).message).toMatch(reason);
  await next();
  expect((await topFrame(dc)).line).toBe(lineOf(program, marker));
  const exited = dc.waitForEvent('exited');
  await dc.continueRequest({ threadId: 1 });
  expect((await exited).body.exitCode).toBe(7);
}

async function setBreakpoints(...markers: string[]): Promise<void> {
  await dc.setBreakpointsRequest({ source: { path: rewind }, breakpoints: markers.map((m) => ({ line: lineOf(rewind, m) })) });
}

/** Steps over every line from the first stop to `end`, then back to the start and forward again: each state is the one seen. */
async function walkBackAndForth(program: string, end: string): Promise<State[]> {
  await launchStopped(dc, program);
  const seen: State[] = [await state()];
  for (let i = 0; i < 40 && seen.at(-1)!.line !== lineOf(program, end); i++) {
    await next();
    seen.push(await state());
  }
  expect(seen.at(-1)!.line).toBe(lineOf(program, end));
  for (let i = seen.length - 2; i >= 0; i--) {
    const event = await stepBack();
    expect(event.body.reason).toBe('step');
    expect(await state(), `back to step ${i}`).toEqual(seen[i]);
  }
  for (let i = 1; i < seen.length; i++) {
    await next();
    expect(await state(), `forward to step ${i}`).toEqual(seen[i]);
  }
  return seen;
}

describe('Step Back by line', () => {
  it('walks back over the loop, the procedure and the write with every register as it was, then forward again', async () => {
    // Over the loop's three rounds through `scramble` and the macros, the write, and the lines after it.
    const seen = await walkBackAndForth(rewind, 'LINE_EXIT');
    expect(seen.some((s) => s.line === lineOf(rewind, 'LINE_AFTER_WRITE') && s.registers.rax === '0x7')).toBe(true);
  }, 120_000);

  it('steps back over procedures that push, loop and return from a local label, direct, through a register and nested', async () => {
    const program = fixture('backcalls.asm');
    const seen = await walkBackAndForth(program, 'LINE_EXIT');
    expect(seen.filter((s) => s.line === lineOf(program, 'LINE_AFTER_NESTED'))).toHaveLength(2);
  }, 120_000);

  it('stops at a breakpoint inside the procedure it steps back over, as a step forward would', async () => {
    const program = fixture('backcalls.asm');
    await launchStopped(dc, program);
    await next();
    await next();
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_AFTER_CALL'));
    await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: lineOf(program, 'LINE_LENGTH') }] });
    const event = await stepBack();
    expect(event.body.reason).toBe('breakpoint');
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_LENGTH'));
    await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
    await stepBack();
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_CALL'));
  }, 60_000);

  it('Step Over a call in the past whose return the recording never reached runs the rest of the call live', async () => {
    const program = fixture('backcalls.asm');
    await launchStopped(dc, program);
    await next();
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_CALL'));
    await after(() => dc.stepInRequest({ threadId: 1 }));
    await after(() => dc.stepInRequest({ threadId: 1 })); // the present: inside `length`
    await stepBack();
    await stepBack();
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_CALL'));
    const event = await next();
    expect(event.body.reason).toBe('step');
    const here = await state();
    expect(here.line).toBe(lineOf(program, 'LINE_AFTER_CALL'));
    expect(here.registers.rax).toBe('0x10'); // "back over calls\n": the call ran to its end
  }, 60_000);

  it('Step Into that call in the past still stops inside it, where the recording ends', async () => {
    const program = fixture('backcalls.asm');
    await launchStopped(dc, program);
    await next();
    await after(() => dc.stepInRequest({ threadId: 1 })); // the present: the procedure's first line
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_LENGTH'));
    await stepBack();
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_CALL'));
    await after(() => dc.stepInRequest({ threadId: 1 }));
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_LENGTH'));
  }, 60_000);

  it('Step Out in the past of a call the recording never saw return runs the rest of it live, to the caller', async () => {
    const program = fixture('backcalls.asm');
    await launchStopped(dc, program);
    await next();
    await after(() => dc.stepInRequest({ threadId: 1 }));
    await after(() => dc.stepInRequest({ threadId: 1 })); // the present: inside `length`, after `push rbx`
    await stepBack();
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_LENGTH'));
    const event = await after(() => dc.stepOutRequest({ threadId: 1 }));
    expect(event.body.reason).toBe('step');
    const here = await state();
    expect(here.line).toBe(lineOf(program, 'LINE_AFTER_CALL'));
    expect(here.registers.rax).toBe('0x10');
  }, 60_000);

  it('a Step Out refused in the past still says the stop is in the past', async () => {
    const program = fixture('backcalls.asm');
    await launchStopped(dc, program);
    await next();
    await next();
    expect((await stepBack()).body.description).toMatch(/^Showing the past/);
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_CALL'));
    const event = await after(() => dc.stepOutRequest({ threadId: 1 })); // _start has no `ret`
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_CALL'));
    expect(event.body.description).toMatch(/^Showing the past/);
  }, 60_000);

  it('shows the past in the Registers scope and refuses to change it', async () => {
    await launchStopped(dc, rewind);
    await setBreakpoints('LINE_AFTER_WRITE');
    await continueToStop(dc);
    const before = (await generalRegisters()).find((v) => v.name === 'r8')!;
    await next(); // xchg r8, rax
    await next(); // mov r12, r8
    const event = await stepBack();
    expect(event.body.description).toMatch(/Step Back/);
    await stepBack();
    const general = (await scopeVariables(dc, 'Registers')).find((v) => v.name === 'General purpose')!;
    expect((await children(dc, general)).find((v) => v.name === 'r8')!.value).toBe(before.value);
    const refused = await dc.setVariableRequest({ variablesReference: general.variablesReference, name: 'r8', value: '1' }).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(/read-only while Step Back shows the past/);
    // Continue replays to the end of the recording and goes on live: the program exits.
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    expect((await exited).body.exitCode).toBe(0);
  }, 60_000);
});

describe('the recording starts with the first resume', () => {
  it('reports the first stop without waiting for the recorder, and Step Back from that stop still works', async () => {
    const gdbLog: string[] = [];
    dc.on('output', (event: DebugProtocol.OutputEvent) => gdbLog.push(event.body.output));
    await launchStopped(dc, rewind, { trace: true });
    const recorder = () => gdbLog.filter((line) => line.includes('syscall-lens-record')).length;
    // The program has not moved yet: starting the recording (loading record.py, scanning the code) waits.
    expect(recorder()).toBe(0);
    const first = await state();
    // Step Back at the first stop starts it, and there is nothing before the first stop.
    expect((await stepBack()).body.reason).toBe('step');
    expect(recorder()).toBeGreaterThan(0);
    expect(await state()).toEqual(first);
    await next();
    const second = await state();
    expect(second.line).not.toBe(first.line);
    expect((await stepBack()).body.description).toMatch(/start of the recording/);
    expect(await state()).toEqual(first);
  }, 60_000);
});

describe('Step Back by instruction', () => {
  it('undoes one instruction at a time, misrecorded ones included', async () => {
    await launchStopped(dc, rewind);
    await setBreakpoints('LINE_AFTER_WRITE');
    await continueToStop(dc);
    const seen: State[] = [await state()];
    for (let i = 0; i < 4; i++) { // mov r11, rax; xchg r8, rax; mov r12, r8; mov eax, 60
      await nextInstruction();
      seen.push(await state());
    }
    for (let i = seen.length - 2; i >= 0; i--) {
      await stepBack('instruction');
      expect(await state(), `back to instruction ${i}`).toEqual(seen[i]);
    }
    await stepBack('instruction'); // over the write syscall: rax as before the call
    expect((await state()).registers.rax).toBe('0x1');
  }, 60_000);
});

describe('Reverse Continue', () => {
  it('runs back to the last hit of a breakpoint in the loop, with that round’s registers', async () => {
    await launchStopped(dc, rewind);
    await setBreakpoints('LINE_LOOP');
    const rounds: State[] = [];
    for (let i = 0; i < 3; i++) {
      await continueToStop(dc);
      rounds.push(await state());
    }
    await setBreakpoints('LINE_LOOP', 'LINE_EXIT');
    await continueToStop(dc);
    expect((await state()).line).toBe(lineOf(rewind, 'LINE_EXIT'));
    const event = await reverseContinue();
    expect(event.body.reason).toBe('breakpoint');
    expect(await state()).toEqual(rounds[2]);
    await reverseContinue();
    expect(await state()).toEqual(rounds[1]);
  }, 60_000);

  it('then Continue stops again at the breakpoint where the recording ended', async () => {
    await launchStopped(dc, rewind);
    await setBreakpoints('LINE_LOOP');
    await continueToStop(dc);
    await continueToStop(dc);
    const present = await state();
    await reverseContinue();
    const event = await after(() => dc.continueRequest({ threadId: 1 }));
    expect(event.body.reason).toBe('breakpoint');
    expect(await state()).toEqual(present);
  }, 60_000);

  it('stops at the start of a bounded recording and says so', async () => {
    await launchStopped(dc, rewind, { stepBackLimit: 20 });
    await setBreakpoints('LINE_EXIT');
    await continueToStop(dc);
    const event = await reverseContinue();
    expect(event.body.description).toMatch(/start of the recording: it keeps the last 20 instructions/);
    expect((await state()).line).not.toBe(lineOf(rewind, 'LINE_START'));
  }, 60_000);
});

describe('an AVX instruction, which gdb 13 cannot record', () => {
  const program = fixture('avx.asm');

  it('ends the recording before it, with the reason, and debugging goes on', async () => {
    await launchStopped(dc, program);
    await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: lineOf(program, 'LINE_AVX') }] });
    const output = new Promise<string>((resolve) => dc.on('output', (e) => { if (/recording ended/.test(e.body.output)) resolve(e.body.output); }));
    await continueToStop(dc);
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_AVX'));
    expect(await output).toMatch(/^Step Back: the recording ended at 0x[0-9a-f]+: gdb cannot record AVX \(VEX\/EVEX-encoded\) instructions\./);
    // With a breakpoint on it, gdb 13 would never resume the program had it tried to record it.
    await refusedThenGoesOn(program, /^Step Back: the recording ended at 0x[0-9a-f]+: gdb cannot record AVX/, 'LINE_AFTER_AVX');
  }, 60_000);
});

describe.skipIf(!kernelRunsI386())('int 0x80 in a 64-bit program, which gdb 13 cannot record', () => {
  it('ends the recording before it, and Continue runs on to the breakpoint after it', async () => {
    const program = fixture('int80.asm');
    await launchStopped(dc, program);
    await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: lineOf(program, 'LINE_AFTER') }] });
    const output = new Promise<string>((resolve) => dc.on('output', (e) => { if (/recording ended/.test(e.body.output)) resolve(e.body.output); }));
    const event = await continueToStop(dc);
    expect(event.body.reason).toBe('breakpoint');
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_AFTER'));
    expect(await output).toMatch(/^Step Back: the recording ended at 0x[0-9a-f]+: gdb cannot record int 0x80 in a 64-bit program\./);
  }, 60_000);
});

describe.skipIf(kernelRunsI386())('int 0x80 in a 64-bit program, on a kernel without IA32 emulation', () => {
  it('stops at the SIGSEGV the kernel sends there and says why', async () => {
    const program = fixture('int80.asm');
    await launchStopped(dc, program);
    const event = await continueToStop(dc);
    expect(event.body.reason).toBe('exception');
    expect(event.body.description).toMatch(/^SIGSEGV \(.*\) at 0x[0-9a-f]+.*\. int 0x80: This kernel does not run 32-bit \(i386\) programs/);
    expect((await dc.exceptionInfoRequest({ threadId: 1 })).body.description).toBe(event.body.description);
  }, 60_000);
});

describe('an instruction gdb refuses to record (rdtscp)', () => {
  it('stops there with gdb\'s reason, ends the recording and debugging goes on', async () => {
    const program = fixture('rdtscp.asm');
    await launchStopped(dc, program);
    const event = await continueToStop(dc);
    expect(event.body.reason).toBe('step');
    expect(event.body.description).toMatch(/^Step Back is off from here: gdb does not support instruction 0xf01f9 at address 0x[0-9a-f]+/);
    expect((await topFrame(dc)).line).toBe(lineOf(program, 'LINE_RDTSCP'));
    await refusedThenGoesOn(program, /^Step Back is off from here/, 'LINE_AFTER');
  }, 60_000);
});

describe('when Step Back is not available', () => {
  it('says why: syscall stops are on', async () => {
    await launchStopped(dc, rewind);
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'write' }] });
    const entry = await continueToStop(dc);
    expect(entry.body.description).toMatch(/^syscall write\(/);
    const refused = await dc.stepBackRequest({ threadId: 1 }).catch((error: Error) => error);
    expect((refused as Error).message).toMatch(/gdb cannot stop at syscalls while it records/);
  }, 60_000);
});
