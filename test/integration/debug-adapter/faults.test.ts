import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixture, launchStopped as launchAt, lineOf, programPid, stoppedEvent, topFrame, useDebugClient } from './harness';

const HELLO = fixture('hello.asm');
const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const launchStopped = (program: string, args: Record<string, unknown> = {}) => launchAt(dc, program, args);

/** A process that is gone or a zombie (nothing reaps orphans in some containers) is not running. */
function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
}

/** Processes whose command line mentions `needle`, other than this test process. */
function processesMentioning(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(needle) && !l.includes('vitest'));
}

describe('breakpoint kinds', () => {
  it('stops at a label (function breakpoint) and honours a hit count', async () => {
    await launchStopped(fixture('echo.asm'), { stdin: fixture('input.txt') });
    const reply = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '_start.done' }] });
    expect(reply.body.breakpoints[0]!.verified).toBe(true);
    const echo = fixture('echo.asm');
    await dc.setBreakpointsRequest({ source: { path: echo }, breakpoints: [{ line: lineOf(echo, 'LINE_READ'), hitCondition: '3' }] });
    const firstLine = dc.assertOutput('stdout', 'line one\nline two\n');
    let stopped = stoppedEvent(dc);
    await dc.continueRequest({ threadId: 1 });
    expect((await stopped).body.reason).toBe('breakpoint');
    // A terminal delivers a line per read: the third read is the one that meets end-of-file.
    await firstLine;
    stopped = stoppedEvent(dc);
    await dc.continueRequest({ threadId: 1 });
    await stopped;
    expect((await topFrame(dc)).name).toBe('_start · .done');
  });

  it('reports a hit count it does not understand on that breakpoint alone', async () => {
    await launchStopped(HELLO);
    const reply = await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: lineOf(HELLO, 'LINE_CALL'), hitCondition: '< 2' }, { line: lineOf(HELLO, 'LINE_EXIT') }] });
    expect(reply.body.breakpoints[0]).toMatchObject({ verified: false, message: expect.stringMatching(/Hit count "< 2" is not understood/) });
    expect(reply.body.breakpoints[1]!.verified).toBe(true);
  });

  it.each([
    ['2', undefined, [2]], ['== 2', undefined, [2]], ['>= 2', undefined, [2, 3]], ['> 2', undefined, [3]], ['% 2', undefined, [2]],
    ['2', 'ecx != 2', [3]], // hits are counted where the condition holds: the second such is the third round
  ])('stops on the rounds hit count %s (condition %s) says', async (hitCondition, condition, expected) => {
    const counter = fixture('counter.asm');
    await launchStopped(counter);
    // counter.asm's loop runs LINE_INC three times, ecx counting down from 3.
    await dc.setBreakpointsRequest({ source: { path: counter }, breakpoints: [{ line: lineOf(counter, 'LINE_INC'), hitCondition, condition }] });
    const rounds: number[] = [];
    for (;;) {
      const exited = dc.waitForEvent('exited').then(() => undefined);
      const stopped = stoppedEvent(dc);
      await dc.continueRequest({ threadId: 1 });
      if (!(await Promise.race([stopped, exited]))) break;
      rounds.push(4 - Number((await dc.evaluateRequest({ expression: 'ecx', context: 'repl' })).body.result.split(' ')[0]));
    }
    expect(rounds).toEqual(expected);
  });

  it('stops only when a condition holds', async () => {
    const counter = fixture('counter.asm');
    await launchStopped(counter);
    await dc.setBreakpointsRequest({ source: { path: counter }, breakpoints: [{ line: lineOf(counter, 'LINE_INC'), condition: 'ecx == 1' }] });
    const stopped = stoppedEvent(dc);
    await dc.continueRequest({ threadId: 1 });
    await stopped;
    expect((await dc.evaluateRequest({ expression: 'count', context: 'watch' })).body.result).toBe('2 (0x2)');
  });

  it('prints logpoint messages with {expressions} without stopping', async () => {
    await launchStopped(HELLO);
    await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: lineOf(HELLO, 'SYS_write') + 2, logMessage: 'writing {rdx} bytes' }] });
    const logged = dc.assertOutput('console', 'writing 14 bytes');
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    await logged;
    expect((await exited).body.exitCode).toBe(10);
  });

  it('prints equ constants, memory operands and failures in a logpoint, and never waits on a failure', async () => {
    await launchStopped(HELLO);
    const logMessage = 'len={msglen} first={byte [msg]} bad={nosuchthing} top={qword [0]}';
    await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: lineOf(HELLO, 'SYS_write') + 2, logMessage }] });
    const logged = dc.assertOutput('console', 'len=14 first=72 bad=<No symbol "nosuchthing" in current context> top=<Cannot access memory at address 0x0>');
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    await logged;
    expect((await exited).body.exitCode).toBe(10);
  });
});

describe('evaluate', () => {
  it('evaluates registers, gdb expressions and raw gdb commands with -exec', async () => {
    await launchStopped(HELLO);
    expect((await dc.evaluateRequest({ expression: 'rsp == $sp', context: 'repl' })).body.result).toBe('1');
    expect((await dc.evaluateRequest({ expression: 'qword [rsp]', context: 'repl' })).body.result).toBe('1'); // argc
    expect((await dc.evaluateRequest({ expression: 'byte [rel msg + 1]', context: 'repl' })).body.result).toBe("101 'e'");
    // Labels and constants anywhere in the address, no space after the size, upper case, inside larger expressions.
    expect((await dc.evaluateRequest({ expression: 'byte [msglen + msg - 1]', context: 'repl' })).body.result).toBe("10 '\\n'");
    expect((await dc.evaluateRequest({ expression: 'byte[msg+1] + 1', context: 'repl' })).body.result).toBe('102');
    expect((await dc.evaluateRequest({ expression: 'QWORD [RSP] + RSP - rsp', context: 'repl' })).body.result).toBe('1');
    const raw = await dc.evaluateRequest({ expression: '-exec info line *$pc', context: 'repl' });
    expect(raw.body.result).toMatch(/^Line \d+ of ".*hello\.asm"/);
    const completions = await dc.completionsRequest({ text: 'ms', column: 3 });
    expect(completions.body.targets.map((t) => t.label)).toContain('msg');
    const gdbCompletions = await dc.completionsRequest({ text: '-exec info regi', column: 16 });
    expect(gdbCompletions.body.targets.map((t) => t.label)).toContain('info registers');
  });

  it('reports gdb errors as messages, not stack traces', async () => {
    await launchStopped(HELLO);
    await expect(dc.evaluateRequest({ expression: 'nosuchthing + 1', context: 'repl' })).rejects.toThrow(/No symbol "nosuchthing"/);
  });
});

describe('hostile file names', () => {
  it('builds and debugs a file whose path has spaces, quotes and $(…)', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'dap names ')), `it's "$(touch pwned)"`);
    mkdirSync(dir, { recursive: true });
    const source = path.join(dir, 'hello world.asm');
    copyFileSync(HELLO, source);
    await launchStopped(source);
    expect((await topFrame(dc)).source?.path).toBe(source);
    const reply = await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: lineOf(source, 'LINE_EXIT') }] });
    expect(reply.body.breakpoints[0]!.verified).toBe(true);
    const stopped = stoppedEvent(dc);
    await dc.continueRequest({ threadId: 1 });
    await stopped;
    expect((await topFrame(dc)).line).toBe(lineOf(source, 'LINE_EXIT'));
    for (const where of [dir, path.dirname(dir), process.cwd()]) expect(existsSync(path.join(where, 'pwned'))).toBe(false);
  });
});

describe('program arguments', () => {
  it('passes arguments verbatim, without a shell', async () => {
    const exited = dc.waitForEvent('exited');
    await launchStopped(fixture('argc.asm'), { stopAtEntry: true, args: ['one', '$(two)', "'three'"] });
    await dc.continueRequest({ threadId: 1 });
    expect((await exited).body.exitCode).toBe(4);
  });
});

describe('faults', () => {
  it('refuses to launch with a build error, naming the file and line', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dap-bad-'));
    const source = path.join(dir, 'bad.asm');
    writeFileSync(source, 'section .text\nglobal _start\n_start:\n    mov rax, [\n');
    await dc.initializeRequest();
    await expect(dc.launchRequest({ program: source, terminal: 'none' } as never)).rejects.toThrow(/Build failed: bad\.asm:4: /);
  });

  it('names the missing gdb with an install hint', async () => {
    await dc.initializeRequest();
    await expect(dc.launchRequest({ program: HELLO, terminal: 'none', gdbPath: '/nonexistent/gdb' } as never))
      .rejects.toThrow(/gdb was not found at "\/nonexistent\/gdb".*apt-get install gdb/);
  });

  it('names a stdin file that cannot be read, and where it was looked for', async () => {
    await dc.initializeRequest();
    await expect(dc.launchRequest({ program: HELLO, terminal: 'none', stdin: 'no-such-input.txt', cwd: os.tmpdir() } as never))
      .rejects.toThrow(/Cannot read the stdin file .*no-such-input\.txt: it does not exist\. "stdin" .* relative to the program's working directory/);
  });

  it('ends the session with a message when gdb is killed, leaving no program behind', async () => {
    const spin = fixture('spin.asm');
    await launchStopped(spin);
    const pid = await programPid(dc);
    const gdbPid = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    const message = dc.assertOutput('important', 'gdb ended unexpectedly');
    const terminated = dc.waitForEvent('terminated');
    process.kill(gdbPid, 'SIGKILL');
    await message;
    await terminated;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isRunning(pid)).toBe(false);
  });

  it('terminate leaves neither gdb nor the program running', async () => {
    const spin = fixture('spin.asm');
    await launchStopped(spin);
    const pid = await programPid(dc);
    await dc.continueRequest({ threadId: 1 });
    const complaints: string[] = [];
    dc.on('output', (event: DebugProtocol.OutputEvent) => { if (event.body.category === 'important') complaints.push(event.body.output); });
    await dc.terminateRequest({});
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(complaints).toEqual([]); // ending gdb on purpose is not "gdb ended unexpectedly"
    expect(isRunning(pid)).toBe(false);
    expect(processesMentioning(`--interpreter=mi3`).filter((l) => l.includes(String(process.pid)))).toEqual([]);
  });
});
