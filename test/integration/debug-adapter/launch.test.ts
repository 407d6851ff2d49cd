import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  children, continueToStop, fixture, launch, launchStopped as launchAt, lineOf, programPid, scopeVariables, stoppedEvent, topFrame, useDebugClient,
} from './harness';
import { readFileSync } from 'node:fs';
import { mappedSpans } from '../../../debug-adapter/mappedMemory';

const HELLO = fixture('hello.asm');
const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const launchStopped = (program: string, args: Record<string, unknown> = {}) => launchAt(dc, program, args);

describe('stop at entry', () => {
  it('builds the .asm and stops on the first instruction of _start', async () => {
    expect((await launchStopped(HELLO)).body.reason).toBe('entry');
    const frame = await topFrame(dc);
    expect(frame.name).toBe('_start');
    expect(frame.source?.path).toBe(HELLO);
    expect(frame.line).toBe(lineOf(HELLO, 'LINE_CALL') - 2);
  });

  it('looks for a C main without telling the Debug Console that an assembly program has none', async () => {
    const console: string[] = [];
    dc.on('output', (event: DebugProtocol.OutputEvent) => console.push(event.body.output));
    expect((await launchStopped(HELLO)).body.reason).toBe('entry');
    await topFrame(dc);
    expect(console.join('')).not.toMatch(/No symbol|main/);
  });
});

describe('NASM with a C runtime (`global main`, libc\'s start code)', () => {
  it('stops at main, not in libc\'s _start, and Step Back says it does not record the C library', async () => {
    const program = fixture('libcmain.asm');
    await launchStopped(program);
    const frame = await topFrame(dc);
    expect([frame.name, frame.source?.path, frame.line]).toEqual(['main', program, lineOf(program, 'LINE_MAIN')]);
    const refused = await dc.stepBackRequest({ threadId: 1 }).catch((error: Error) => error);
    expect((refused as Error).message).toMatch(/without a C runtime/);
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    expect((await exited).body.exitCode).toBe(0);
  });
});

describe('line breakpoints', () => {
  it('stops at a breakpoint and reports it verified at the line gdb chose', async () => {
    await launchStopped(HELLO);
    const onCode = lineOf(HELLO, 'LINE_CALL');
    const reply = await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: onCode }, { line: onCode + 2 }] });
    expect(reply.body.breakpoints[0]).toMatchObject({ verified: true, line: onCode });
    // The blank line after `mov rax, [rel counts]` slides to the next code line.
    expect(reply.body.breakpoints[1]).toMatchObject({ verified: true, line: onCode + 3 });
    const stopped = stoppedEvent(dc);
    await dc.continueRequest({ threadId: 1 });
    expect((await stopped).body.reason).toBe('breakpoint');
    expect((await topFrame(dc)).line).toBe(onCode);
  });
});

describe('stepping', () => {
  it('steps over a call that makes a syscall, and the program output reaches the Debug Console', async () => {
    await launchStopped(HELLO);
    await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: lineOf(HELLO, 'LINE_CALL') }] });
    let stopped = stoppedEvent(dc);
    await dc.continueRequest({ threadId: 1 });
    await stopped;
    const output = dc.assertOutput('stdout', 'Hello, world!');
    stopped = stoppedEvent(dc);
    await dc.nextRequest({ threadId: 1 });
    expect((await stopped).body.reason).toBe('step');
    expect((await topFrame(dc)).line).toBe(lineOf(HELLO, 'LINE_CALL') + 1);
    await output;
    const general = (await scopeVariables(dc, 'Registers')).find((v) => v.name === 'General purpose')!;
    const rax = (await children(dc, general)).find((v) => v.name === 'rax')!;
    expect(rax.value).toBe('0xe (14)');
  });

  it('steps into a call, then out of it without frame information', async () => {
    const nested = fixture('nested.asm');
    await launchStopped(nested);
    let stopped = stoppedEvent(dc);
    await dc.stepInRequest({ threadId: 1 });
    await stopped;
    expect((await topFrame(dc)).name).toBe('outer');
    await dc.setBreakpointsRequest({ source: { path: nested }, breakpoints: [{ line: lineOf(nested, 'LINE_INNER_POP') }] });
    stopped = stoppedEvent(dc);
    await dc.continueRequest({ threadId: 1 });
    await stopped;
    stopped = stoppedEvent(dc);
    await dc.stepOutRequest({ threadId: 1 });
    expect((await stopped).body.reason).toBe('step');
    const frame = await topFrame(dc);
    expect(frame.name).toBe('outer');
    expect(frame.line).toBe(lineOf(nested, 'LINE_AFTER_INNER'));
    stopped = stoppedEvent(dc);
    await dc.stepOutRequest({ threadId: 1 });
    await stopped;
    expect((await topFrame(dc)).line).toBe(lineOf(nested, 'LINE_AFTER_OUTER'));
  });

  it('steps out from a label\'s first instruction to just after its call', async () => {
    const nested = fixture('nested.asm');
    await launchStopped(nested);
    let stopped = stoppedEvent(dc);
    await dc.stepInRequest({ threadId: 1 });
    await stopped;
    stopped = stoppedEvent(dc);
    await dc.stepOutRequest({ threadId: 1 });
    expect((await stopped).body.reason).toBe('step');
    const frame = await topFrame(dc);
    expect([frame.name, frame.line]).toEqual(['_start', lineOf(nested, 'LINE_AFTER_OUTER')]);
  });

  it('steps out from a local label\'s first instruction (gdb prints it `length[done]`) after pushes', async () => {
    const program = fixture('backcalls.asm');
    await launchStopped(program);
    await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: lineOf(program, 'LINE_DONE') }] });
    await continueToStop(dc);
    expect(await topFrame(dc)).toMatchObject({ name: 'length · .done', line: lineOf(program, 'LINE_DONE') });
    await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
    const stopped = stoppedEvent(dc);
    await dc.stepOutRequest({ threadId: 1 });
    expect((await stopped).body.reason).toBe('step');
    expect(await topFrame(dc)).toMatchObject({ name: '_start', line: lineOf(program, 'LINE_AFTER_CALL') });
  });

  it('steps out from a `ret` it stands on', async () => {
    const program = fixture('backcalls.asm');
    await launchStopped(program);
    await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: lineOf(program, 'LINE_RET') }] });
    await continueToStop(dc);
    await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
    const stopped = stoppedEvent(dc);
    await dc.stepOutRequest({ threadId: 1 });
    expect((await stopped).body.reason).toBe('step');
    expect(await topFrame(dc)).toMatchObject({ name: '_start', line: lineOf(program, 'LINE_AFTER_CALL') });
  });

  it('explains that Step Out at the program entry has no caller', async () => {
    await launchStopped(HELLO);
    const explained = dc.assertOutput('important', 'Step Out: nothing called this code');
    const stopped = stoppedEvent(dc);
    await dc.stepOutRequest({ threadId: 1 });
    await explained;
    await stopped;
    expect((await topFrame(dc)).line).toBe(lineOf(HELLO, 'LINE_CALL') - 2);
  });

  it('steps single instructions', async () => {
    await launchStopped(HELLO);
    const before = await topFrame(dc);
    const stopped = stoppedEvent(dc);
    await dc.nextRequest({ threadId: 1, granularity: 'instruction' });
    await stopped;
    const after = await topFrame(dc);
    expect(BigInt(after.instructionPointerReference!) - BigInt(before.instructionPointerReference!)).toBe(7n); // lea rsi, [rel msg]
  });
});

describe('registers', () => {
  it('groups registers, shows sub-registers and decoded flags, and edits a register', async () => {
    await launchStopped(HELLO);
    const scope = await scopeVariables(dc, 'Registers');
    expect(scope.map((v) => v.name)).toEqual(expect.arrayContaining(['General purpose', 'rip', 'rflags', 'Segment', 'orig_rax', 'x87 / SSE / AVX']));
    const general = await children(dc, scope.find((v) => v.name === 'General purpose')!);
    expect(general.map((v) => v.name).slice(0, 4)).toEqual(['rax', 'rbx', 'rcx', 'rdx']);
    const rax = general.find((v) => v.name === 'rax')!;
    expect((await children(dc, rax)).map((v) => v.name)).toEqual(['eax', 'ax', 'al', 'ah']);
    const flags = await children(dc, scope.find((v) => v.name === 'rflags')!);
    expect(flags.find((f) => f.name === 'IF')?.value).toBe('1');
    const set = await dc.setVariableRequest({ variablesReference: scope.find((v) => v.name === 'General purpose')!.variablesReference, name: 'rbx', value: '-2' });
    expect(set.body.value).toBe('0xfffffffffffffffe');
    const stack = await scopeVariables(dc, 'Stack');
    expect(stack.slice(1, 4).map((v) => v.name)).toEqual(['[rsp-0x8]', '[rsp]', '[rsp+0x8]']);
    expect(stack[2]!.value).toBe('0x1'); // argc at the ELF entry
    const vector = await children(dc, scope.find((v) => v.name === 'x87 / SSE / AVX')!);
    expect(vector.map((v) => v.name)).toEqual(expect.arrayContaining(['st0', 'xmm0', 'mxcsr']));
  });
});

describe('sub-registers', () => {
  const gdbHex = async (register: string) =>
    /= (0x[0-9a-f]+)/.exec((await dc.evaluateRequest({ expression: `-exec p/x $${register}`, context: 'repl' })).body.result)![1];

  it('edits r8 › r8b, NASM\'s name for what gdb calls r8l, and r8 keeps its upper bytes', async () => {
    await launchStopped(HELLO);
    const scope = await scopeVariables(dc, 'Registers');
    const general = scope.find((v) => v.name === 'General purpose')!;
    const r8 = (await children(dc, general)).find((v) => v.name === 'r8')!;
    await dc.setVariableRequest({ variablesReference: general.variablesReference, name: 'r8', value: '0x1122334455667788' });
    const parts = await children(dc, r8);
    expect(parts.map((v) => [v.name, v.evaluateName])).toEqual([['r8d', '$r8d'], ['r8w', '$r8w'], ['r8b', '$r8l']]);
    const set = await dc.setVariableRequest({ variablesReference: r8.variablesReference, name: 'r8b', value: '0x5a' });
    expect(set.body.value).toBe('0x5a');
    expect(await gdbHex('r8')).toBe('0x112233445566775a');
    expect((await dc.evaluateRequest({ expression: 'r8b', context: 'watch' })).body.result).toMatch(/^90\b/);
  });

  it('shows an edit in the tree at once, a view\'s value at its width, and reads values as the Debug Console does', async () => {
    await launchStopped(HELLO);
    const group = (await scopeVariables(dc, 'Registers')).find((v) => v.name === 'General purpose')!;
    const general = () => children(dc, group);
    const reference = group.variablesReference;
    await general(); // read once: the edit must not show the registers of the stop
    await dc.setVariableRequest({ variablesReference: reference, name: 'rbx', value: '0x1234' });
    const rbx = (await general()).find((v) => v.name === 'rbx')!;
    expect(rbx.value).toBe('0x1234 (4660)');
    await children(dc, rbx);
    const ah = await dc.setVariableRequest({ variablesReference: rbx.variablesReference, name: 'bh', value: '0x80' });
    expect(ah.body.value).toBe('0x80'); // gdb's $bh is signed: not 0xffffffffffffff80
    const ebx = await dc.setVariableRequest({ variablesReference: rbx.variablesReference, name: 'ebx', value: '-1' });
    expect(ebx.body.value).toBe('0xffffffff');
    await dc.setVariableRequest({ variablesReference: reference, name: 'rcx', value: 'rbx + msglen' });
    expect(await gdbHex('rcx')).toBe('0x10000000d'); // ebx = -1 left rbx 0xffffffff; msglen is 14
    expect((await general()).find((v) => v.name === 'rcx')!.value).toMatch(/^0x10000000d /);
    await dc.setVariableRequest({ variablesReference: reference, name: 'rdx', value: 'qword [counts + 8]' });
    expect(await gdbHex('rdx')).toBe('0xffffffffffffffff');
  });

  it('edits rsp › sp, which gdb has no name for, leaving rsp\'s upper 48 bits alone', async () => {
    await launchStopped(HELLO);
    const before = BigInt((await gdbHex('rsp'))!);
    const scope = await scopeVariables(dc, 'Registers');
    const rsp = (await children(dc, scope.find((v) => v.name === 'General purpose')!)).find((v) => v.name === 'rsp')!;
    const sp = (await children(dc, rsp)).find((v) => v.name === 'sp')!;
    expect(BigInt(sp.value.split(' ')[0]!)).toBe(before & 0xffffn);
    const set = await dc.setVariableRequest({ variablesReference: rsp.variablesReference, name: 'sp', value: '0x1238' });
    expect(set.body.value).toBe('0x1238');
    expect(BigInt((await gdbHex('rsp'))!)).toBe((before & ~0xffffn) | 0x1238n);
  });
});

describe('data labels', () => {
  it('types labels from the source: text as a string, dq as numbers, res* as arrays', async () => {
    await launchStopped(HELLO);
    const labels = await scopeVariables(dc, 'Data');
    const msg = labels.find((v) => v.name === 'msg')!;
    expect(msg.value).toBe('"Hello, world!", 10');
    expect(msg.memoryReference).toMatch(/^0x[0-9a-f]+$/);
    const counts = labels.find((v) => v.name === 'counts')!;
    expect((await children(dc, counts)).map((v) => v.value)).toEqual(['3 (0x3)', '-1 (0xffffffffffffffff)', '42 (0x2a)']);
    expect(labels.find((v) => v.name === 'flag')!.value).toBe('7 (0x7)');
    expect(labels.find((v) => v.name === 'buffer')!.type).toBe('int8[32] in .bss');
    const evaluated = await dc.evaluateRequest({ expression: 'msg', context: 'watch' });
    expect(evaluated.body.result).toBe('"Hello, world!", 10');
  });
});

describe('memory and disassembly', () => {
  it('reads and writes memory at a label', async () => {
    await launchStopped(HELLO);
    const msg = (await scopeVariables(dc, 'Data')).find((v) => v.name === 'msg')!;
    const read = await dc.customRequest('readMemory', { memoryReference: msg.memoryReference, count: 5 });
    expect(Buffer.from(read.body.data, 'base64').toString()).toBe('Hello');
    await dc.customRequest('writeMemory', { memoryReference: msg.memoryReference, data: Buffer.from('J').toString('base64') });
    const again = await dc.evaluateRequest({ expression: 'msg', context: 'repl' });
    expect(again.body.result).toBe('"Jello, world!", 10');
  });

  it('reads a range that runs past the end of a mapping up to that end, the rest unreadable', async () => {
    await launchStopped(HELLO);
    const msg = BigInt((await scopeVariables(dc, 'Data')).find((v) => v.name === 'msg')!.memoryReference!);
    const maps = readFileSync(`/proc/${await programPid(dc)}/maps`, 'utf8');
    const [, end] = mappedSpans(maps).find(([start, stop]) => start <= msg && msg < stop)!;
    // gdb alone fails the whole of such a range (and cuts others a byte past the end).
    for (const [before, count] of [[16, 64], [1, 2], [16, 17], [0x100, 0x200]] as const) {
      const read = await dc.customRequest('readMemory', { memoryReference: `0x${(end - BigInt(before)).toString(16)}`, count }) as DebugProtocol.ReadMemoryResponse;
      expect(Buffer.from(read.body!.data ?? '', 'base64').length, `${before} before the end, ${count} bytes`).toBe(before);
      expect(read.body!.unreadableBytes).toBe(count - before);
    }
    const inside = await dc.customRequest('readMemory', { memoryReference: `0x${(end - 16n).toString(16)}`, count: 16 }) as DebugProtocol.ReadMemoryResponse;
    expect(inside.body!.unreadableBytes).toBe(0);
    const past = await dc.customRequest('readMemory', { memoryReference: `0x${end.toString(16)}`, count: 8 }) as DebugProtocol.ReadMemoryResponse;
    expect(past.body).toMatchObject({ unreadableBytes: 8 });
    expect(past.body!.data ?? '').toBe('');
  });

  it('disassembles in Intel syntax, forwards and backwards from the pc', async () => {
    await launchStopped(HELLO);
    const frame = await topFrame(dc);
    const reply = await dc.disassembleRequest({ memoryReference: frame.instructionPointerReference!, instructionOffset: -4, instructionCount: 8 });
    const insns = reply.body!.instructions;
    expect(insns).toHaveLength(8);
    expect(insns[4]!.address).toBe(`0x${BigInt(frame.instructionPointerReference!).toString(16)}`);
    expect(insns[4]!.instruction).toMatch(/^lea\s+rsi,\[rip\+0x[0-9a-f]+\]/);
    expect(insns[3]!.instruction).toMatch(/^ret/);
    expect(insns[2]!.instruction).toMatch(/^syscall/);
    expect(insns[4]!.line).toBe(frame.line);
  });
});

describe('syscall stops', () => {
  it('stops at the entry of a filtered syscall with decoded arguments, on the syscall line, then at its return', async () => {
    await launchStopped(HELLO);
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'write' }, { filterId: 'syscall-return', condition: 'write' }] });
    let stopped = stoppedEvent(dc);
    await dc.continueRequest({ threadId: 1 });
    const entry = await stopped;
    expect(entry.body.reason).toBe('syscall');
    expect(entry.body.description).toMatch(/^syscall write\(fd=1 \(stdout\), buf=0x[0-9a-f]+ \("Hello, world!", 10\), count=14\)$/);
    const frame = await topFrame(dc);
    expect(frame.name).toBe('print');
    expect(frame.line).toBe(lineOf(HELLO, 'SYS_write') + 2);
    const scope = await scopeVariables(dc, 'Syscall');
    expect(scope.find((v) => v.name === 'count')?.value).toBe('0xe (14)');
    stopped = stoppedEvent(dc);
    await dc.continueRequest({ threadId: 1 });
    expect((await stopped).body.description).toMatch(/^write\(.*\) = 14$/);
  });

  it('runs to the next syscall, and from there to the one after', async () => {
    await launchStopped(HELLO);
    let stopped = stoppedEvent(dc);
    await dc.customRequest('runToNextSyscall');
    expect((await stopped).body.description).toMatch(/^syscall write\(/);
    stopped = stoppedEvent(dc);
    await dc.customRequest('runToNextSyscall');
    expect((await stopped).body.description).toBe('syscall exit(error_code=10)');
  });
});

describe('the end', () => {
  it('reports the exit code in decimal', async () => {
    await launchStopped(HELLO);
    const exited = dc.waitForEvent('exited');
    const terminated = dc.waitForEvent('terminated');
    await dc.continueRequest({ threadId: 1 });
    expect((await exited).body.exitCode).toBe(10);
    await terminated;
  });

  it('stops on SIGSEGV as an exception with the faulting address and line', async () => {
    const crash = fixture('crash.asm');
    const stopped = stoppedEvent(dc);
    await launch(dc, { program: crash, stopAtEntry: false });
    const event = await stopped;
    expect(event.body.reason).toBe('exception');
    expect(event.body.description).toMatch(/^SIGSEGV \(Segmentation fault\) at 0x[0-9a-f]+, fault address 0x0/);
    expect((await topFrame(dc)).line).toBe(lineOf(crash, 'LINE_FAULT'));
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    expect(info.body.exceptionId).toBe('SIGSEGV');
    const killed = dc.assertOutput('console', 'Program was killed by SIGSEGV.');
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    await killed;
    expect((await exited).body.exitCode).toBe(139);
  });
});

describe('standard input', () => {
  it('feeds a file to the program, which echoes it to the Debug Console', async () => {
    const output = dc.assertOutput('stdout', 'line one\nline two\n');
    const exited = dc.waitForEvent('exited');
    await launch(dc, { program: fixture('echo.asm'), stdin: fixture('input.txt'), stopAtEntry: false });
    await output;
    expect((await exited).body.exitCode).toBe(0);
  });
});

describe('pause', () => {
  it('pauses a program in an endless loop', async () => {
    const spin = fixture('spin.asm');
    await launch(dc, { program: spin, stopAtEntry: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = stoppedEvent(dc);
    await dc.pauseRequest({ threadId: 1 });
    expect((await stopped).body.reason).toBe('pause');
    const line = (await topFrame(dc)).line;
    expect([lineOf(spin, 'LINE_SPIN'), lineOf(spin, 'LINE_SPIN') + 1]).toContain(line);
  });
});
