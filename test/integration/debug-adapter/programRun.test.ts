// Run Without Debugging (Ctrl+F5, noDebug): built and run to the end on the terminal, no stops,
// the exit code or signal reported, the exact argv.
import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildDirectory, fixture, useDebugClient } from './harness';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

/** Runs `program` with noDebug; resolves with the exit code, the Debug Console text and whether it ever stopped. */
async function runWithoutDebugging(program: string, args: Record<string, unknown> = {}) {
  let console = '';
  let stopped = false;
  dc.on('output', (event: DebugProtocol.OutputEvent) => { console += event.body.output; });
  dc.on('stopped', () => { stopped = true; });
  const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
  const terminated = dc.waitForEvent('terminated');
  await dc.initializeRequest();
  // Breakpoints would stop a debugged run; this one must not (nor the syscall filters).
  await dc.launchRequest({ program, noDebug: true, terminal: 'none', buildDirectory: buildDirectory(), stopAtEntry: true, ...args } as never);
  const code = (await exited).body.exitCode;
  await terminated;
  return { code, console, stopped };
}

describe('Run Without Debugging', () => {
  it('builds and runs an assembly program to its end, reporting the exit code', async () => {
    const run = await runWithoutDebugging(fixture('hello.asm'));
    expect(run.code).toBe(10);
    expect(run.stopped).toBe(false);
    expect(run.console).toContain('Hello, world!\n');
    expect(run.console).toContain('Program exited with code 10.');
  });

  it('answers the editor asking where breakpoints may go, without an error for the user', async () => {
    await dc.initializeRequest();
    const exited = dc.waitForEvent('exited');
    await dc.launchRequest({ program: fixture('nap.asm'), noDebug: true, terminal: 'none', buildDirectory: buildDirectory() } as never);
    const reply = await dc.customRequest('breakpointLocations', { source: { path: fixture('nap.asm') }, line: 1, endLine: 40 });
    expect(reply.success).toBe(true);
    expect(reply.body.breakpoints).toEqual([]);
    await exited;
  });

  it('reports the signal that killed the program', async () => {
    const run = await runWithoutDebugging(fixture('crash.asm'));
    expect(run.code).toBe(128 + 11);
    expect(run.console).toContain('Program was killed by SIGSEGV.');
  });

  it('passes arguments with spaces and quotes exactly, without a shell', async () => {
    const args = ['two words', '', "it's", '$(echo no)', ' padded '];
    const run = await runWithoutDebugging(fixture('argv.c'), { args });
    expect(run.code).toBe(args.length);
    expect(run.console).toContain(args.map((a) => `[${a}]\n`).join(''));
  });

  it('gives the program the environment of launch.json', async () => {
    const run = await runWithoutDebugging('/usr/bin/env', { build: 'off', env: { SYSCALL_LENS_PROBE: 'a b', HOME: null } });
    expect(run.code).toBe(0);
    expect(run.console).toContain('SYSCALL_LENS_PROBE=a b\n');
    expect(run.console).not.toMatch(/^HOME=/m);
  });
});
