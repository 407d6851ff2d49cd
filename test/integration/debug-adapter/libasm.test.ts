// A C main calling NASM functions (the "libasm" exercise), built as students build it: nasm -f elf64 for
// each .s, gcc links them with main.c.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { buildDirectory, fixture, launchConfigured, lineOf, stoppedEvent, topFrame, useDebugClient } from './harness';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const main = fixture('libasm/main.c');
const ftWrite = fixture('libasm/ft_write.s');
let program: string;

beforeAll(() => {
  const out = buildDirectory();
  const objects = ['ft_strlen', 'ft_write'].map((name) => {
    const object = path.join(out, `${name}.o`);
    execFileSync('nasm', ['-f', 'elf64', '-g', '-F', 'dwarf', fixture(`libasm/${name}.s`), '-o', object]);
    return object;
  });
  program = path.join(out, 'libasm_test');
  execFileSync('gcc', ['-g', '-O0', main, ...objects, '-o', program], { stdio: 'ignore' });
});

async function stepIn(): Promise<void> {
  const stopped = stoppedEvent(dc);
  await dc.stepInRequest({ threadId: 1 });
  expect((await stopped).body.reason).toBe('step');
}

describe('Step Into a call of a library function whose source is not on disk', () => {
  // With libc's line tables installed (libc6-dbg, which valgrind brings), gdb's step enters printf.
  it('steps over printf from C, to the next line', async () => {
    await launchConfigured(dc, { program, build: 'off' }, () => dc.setBreakpointsRequest({ source: { path: main }, breakpoints: [{ line: lineOf(main, 'LINE_PRINTF') }] }));
    await stepIn();
    const frame = await topFrame(dc);
    expect([frame.name, frame.source?.path, frame.line]).toEqual(['main', main, lineOf(main, 'LINE_RETURN')]);
  });

  it('steps over __errno_location from NASM, to the line after the call', async () => {
    await launchConfigured(dc, { program, build: 'off' }, () => dc.setBreakpointsRequest({ source: { path: ftWrite }, breakpoints: [{ line: lineOf(ftWrite, 'LINE_ERRNO_CALL') }] }));
    await stepIn();
    const frame = await topFrame(dc);
    expect([frame.name, frame.source?.path, frame.line]).toEqual(['ft_write · .error', ftWrite, lineOf(ftWrite, 'LINE_ERRNO_POP')]);
  });
});

describe('changing a local of the C caller while stopped in the NASM function', () => {
  it('changes it in its frame and leaves the registers shown those of the stop', async () => {
    const strlen = fixture('libasm/ft_strlen.s');
    await launchConfigured(dc, { program, build: 'off' }, () => dc.setBreakpointsRequest({ source: { path: strlen }, breakpoints: [{ line: lineOf(strlen, 'LINE_STRLEN_START') }] }));
    const [top, caller] = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    expect([top!.name, caller!.name]).toEqual(['ft_strlen', 'main']);
    const locals = (await dc.scopesRequest({ frameId: caller!.id })).body.scopes.find((s) => s.name === 'Locals')!;
    await dc.variablesRequest({ variablesReference: locals.variablesReference });
    expect((await dc.setVariableRequest({ variablesReference: locals.variablesReference, name: 'written', value: '7' })).body.value).toBe('7');
    expect((await dc.evaluateRequest({ expression: 'written', frameId: caller!.id, context: 'watch' })).body.result).toBe('7');
    const registers = (await dc.scopesRequest({ frameId: top!.id })).body.scopes.find((s) => s.name === 'Registers')!;
    const rip = (await dc.variablesRequest({ variablesReference: registers.variablesReference })).body.variables.find((v) => v.name === 'rip')!;
    expect(rip.value).toBe(top!.instructionPointerReference);
  });
});

describe('Step Out of main', () => {
  it('runs the program on to its end, saying why, rather than showing gdb\'s refusal', async () => {
    await launchConfigured(dc, { program, build: 'off' }, () => dc.setBreakpointsRequest({ source: { path: main }, breakpoints: [{ line: lineOf(main, 'LINE_RETURN') }] }));
    const console: string[] = [];
    dc.on('output', (event) => console.push(event.body.output));
    const exited = dc.waitForEvent('exited');
    await dc.stepOutRequest({ threadId: 1 });
    expect((await exited).body.exitCode).toBe(0);
    expect(console.join('')).toContain('main is the outermost frame: Step Out runs the program on, to a breakpoint or its end.');
    expect(console.join('')).not.toMatch(/not meaningful/);
  });
});

describe('Step Over past the end of main', () => {
  // With libc's line tables installed, gdb's next stops in __libc_start_call_main, whose source is not on disk.
  it('runs on to the program\'s end rather than stopping in libc\'s disassembly', async () => {
    await launchConfigured(dc, { program, build: 'off' }, () => dc.setBreakpointsRequest({ source: { path: main }, breakpoints: [{ line: lineOf(main, 'LINE_RETURN') }] }));
    const closing = stoppedEvent(dc);
    await dc.nextRequest({ threadId: 1 });
    await closing;
    expect((await topFrame(dc)).line).toBe(lineOf(main, 'LINE_RETURN') + 1); // main's closing brace
    const exited = dc.waitForEvent('exited');
    const stopped = stoppedEvent(dc).then((event) => event.body.reason);
    await dc.nextRequest({ threadId: 1 });
    expect(await Promise.race([exited.then(() => 'exited'), stopped])).toBe('exited');
  });
});

describe('a line step out of a callback that libc called', () => {
  it('goes back to the user\'s line that called into libc, not into qsort\'s disassembly', async () => {
    const source = fixture('sortcb.c');
    await launchConfigured(dc, { program: source }, () => dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: lineOf(source, 'LINE_COMPARE') }] }));
    await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [] });
    for (let i = 0; i < 2; i++) { // to the comparator's closing brace, then out of it
      const stepped = stoppedEvent(dc);
      await dc.nextRequest({ threadId: 1 });
      await stepped;
    }
    const frame = await topFrame(dc);
    expect([frame.name, frame.source?.path]).toEqual(['main', source]);
    expect([lineOf(source, 'LINE_QSORT'), lineOf(source, 'LINE_PRINT')]).toContain(frame.line);
  });
});
