// Program arguments reach the debugged program exactly as launch.json lists them: gdb would split
// "a b" and drop "", a shell would expand `$HOME` and `*`. Real gdb, nasm and gcc.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { encodeArgv } from '../../../debug-adapter/argvLauncher';
import { fixture, launch, launchStopped as launchAt, lineOf, scopeVariables, stoppedEvent, topFrame, useDebugClient } from './harness';

const ARGS = fixture('args.asm');
const ARGV_C = fixture('argv.c');
const TRICKY = ['a b', '', `'q"`, '$HOME', '*', 'héllo wörld ✓', '\ttab\nnewline', '-c'];

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const launchStopped = (program: string, args: Record<string, unknown> = {}) => launchAt(dc, program, args);
const evaluate = async (expression: string) => (await dc.evaluateRequest({ expression, context: 'repl' })).body.result;

/** Everything the program wrote to its terminal (the Debug Console here) until it exits, and its exit code. */
function collectRun(): { output: () => string; exited: Promise<number> } {
  let text = '';
  dc.on('output', (event: DebugProtocol.OutputEvent) => { if (event.body.category === 'stdout') text += event.body.output; });
  const exited = dc.waitForEvent('exited').then((event) => (event as DebugProtocol.ExitedEvent).body.exitCode);
  return { output: () => text, exited };
}

const launcherFolders = () => readdirSync(os.tmpdir()).filter((name) => name.startsWith('syscall-lens-argv-'));

describe('arguments with spaces, quotes, $, *, empty strings and non-ASCII', () => {
  it('reach a NASM program exactly: its output, argc and argv on the stack, a breakpoint and the exit code', async () => {
    const before = new Set(launcherFolders());
    const run = collectRun();
    expect((await launchStopped(ARGS, { args: TRICKY })).body.reason).toBe('entry');
    // The first stop is the program's own first instruction, not the launcher's.
    const entry = await topFrame(dc);
    expect(entry.name).toBe('_start');
    expect(entry.line).toBe(lineOf(ARGS, 'LINE_ENTRY'));
    expect(await evaluate('*(long *)$rsp')).toBe(String(TRICKY.length + 1));
    const stackSlots = await scopeVariables(dc, 'Stack');
    expect(stackSlots.find((slot) => slot.name === '[rsp]')!.value).toBe(`0x${(TRICKY.length + 1).toString(16)}`);
    // argv[i] at [rsp + 8 + 8*i]; gdb prints C strings with escapes of its own, so compare the bytes.
    for (const [i, arg] of TRICKY.entries()) {
      const pointer = await evaluate(`*(long *)($rsp + ${8 * (i + 2)})`);
      const bytes = await dc.customRequest('readMemory', { memoryReference: pointer, count: Buffer.byteLength(arg) + 1 }) as DebugProtocol.ReadMemoryResponse;
      expect(Buffer.from(bytes.body!.data!, 'base64')).toEqual(Buffer.concat([Buffer.from(arg), Buffer.from([0])]));
    }
    expect(await evaluate(`*(long *)($rsp + ${8 * (TRICKY.length + 2)})`)).toBe('0'); // argv ends with NULL
    expect(await evaluate('(char *)*(long *)($rsp + 8)')).toContain('args"');

    // Breakpoints work in the program gdb followed into.
    await dc.setBreakpointsRequest({ source: { path: ARGS }, breakpoints: [{ line: lineOf(ARGS, 'LINE_ARG') }] });
    const stopped = stoppedEvent(dc);
    await dc.continueRequest({ threadId: 1 });
    expect((await stopped).body.reason).toBe('breakpoint');
    expect((await topFrame(dc)).line).toBe(lineOf(ARGS, 'LINE_ARG'));
    await dc.setBreakpointsRequest({ source: { path: ARGS }, breakpoints: [] });
    await dc.continueRequest({ threadId: 1 });
    expect(await run.exited).toBe(TRICKY.length);
    expect(run.output()).toContain(TRICKY.map((arg) => `[${arg}]\n`).join(''));
    // The launcher's folder is gone once the program has started.
    expect(launcherFolders().filter((name) => !before.has(name))).toEqual([]);
  });

  it('reach a C program exactly: argv in Locals at main, then its output and exit code', async () => {
    const run = collectRun();
    const args = ['two words', '', '$(echo no)', ' padded ', 'ünï'];
    await launchStopped(ARGV_C, { args, stopAtEntry: true });
    expect((await topFrame(dc)).name).toBe('main');
    const locals = await scopeVariables(dc, 'Locals');
    expect(locals.find((v) => v.name === 'argc')!.value).toBe(String(args.length + 1));
    expect(await evaluate('argv[1]')).toMatch(/"two words"$/);
    expect(await evaluate('argv[2]')).toMatch(/""$/);
    expect(await evaluate('argv[4]')).toMatch(/" padded "$/);
    expect(await evaluate('argv[6]')).toBe('0x0');
    await dc.continueRequest({ threadId: 1 });
    expect(await run.exited).toBe(args.length);
    expect(run.output()).toContain(args.map((a) => `[${a}]\n`).join(''));
  });

  it("gives the program the adapter's environment with launch.json's env, with or without the launcher", async () => {
    // env(1) adds NAME=VALUE arguments to its environment, then prints it: "X Y=1" needs the launcher.
    const environment = async (assignment: string) => {
      const run = collectRun();
      await launch(dc, { program: '/usr/bin/env', args: ['-0', assignment], build: 'off', env: { PROBE: 'x y' }, stopAtEntry: false });
      expect(await run.exited).toBe(0);
      return run.output().split('\0').filter((entry) => entry && entry !== assignment).sort();
    };
    const direct = await environment('X=1');
    dc = await client.another();
    const launched = await environment('X Y=1');
    expect(launched).toEqual(direct);
    expect(launched).toContain('PROBE=x y');
    // The adapter's own, not what gdb runs with (LC_ALL=C, TERM=dumb, its Python's bytecode cache) or adds
    // (LINES, COLUMNS).
    for (const name of ['SHELL', 'TERM', 'LC_ALL', 'LINES', 'COLUMNS', 'PYTHONPYCACHEPREFIX', 'PYTHONDONTWRITEBYTECODE']) {
      const value = process.env[name];
      expect(launched.filter((entry) => entry.startsWith(`${name}=`))).toEqual(value === undefined ? [] : [`${name}=${value}`]);
    }
  });
});

describe('simple arguments', () => {
  it('still go straight to gdb, with no launcher', async () => {
    const before = new Set(launcherFolders());
    const run = collectRun();
    await launch(dc, { program: ARGV_C, args: ['plain', '$(two)', "'three'"], stopAtEntry: false });
    expect(await run.exited).toBe(3);
    expect(run.output()).toContain("[plain]\n[$(two)]\n['three']\n");
    expect(launcherFolders().filter((name) => !before.has(name))).toEqual([]);
  });
});

describe('the launcher on its own', () => {
  const LAUNCHER = path.resolve(__dirname, '../../../debug-adapter/argv_launcher.py');
  const runLauncher = (...args: string[]) => spawnSync('python3', ['-IS', LAUNCHER, ...args], { encoding: 'utf8', timeout: 10_000 });

  it('execs the program with the decoded argv, as a shell asked `-c "exec …"` would', () => {
    const run = runLauncher('-c', `exec /usr/bin/printf ${encodeArgv(['/usr/bin/printf', '[%s]', 'a b', '', 'é'])}`);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('[a b][][é]');
  });

  it('says why it cannot run a program, and exits 127 as a shell would', () => {
    const run = runLauncher('-c', `exec /nonexistent ${encodeArgv(['/nonexistent/program'])}`);
    expect(run.status).toBe(127);
    expect(run.stderr).toBe('syscall-lens launcher: cannot run /nonexistent/program: No such file or directory\n');
  });

  it('refuses a command line that is not its payload', () => {
    const run = runLauncher('-c', 'exec /bin/true a b');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^syscall-lens launcher: not a launcher payload/);
  });
});
