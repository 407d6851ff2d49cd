// Shared setup of the debug adapter integration tests: the adapter bundled fresh, fixtures, markers.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/dap');
export const fixture = (name: string) => path.join(FIXTURES, name);
export const EXAMPLES = path.resolve(__dirname, '../../../examples');

/**
 * Bundles the adapter alone as dist/ has it (the entry that starts gdb, the adapter it loads, and the
 * adapter the extension loads into its own process: debug-adapter-inline.js beside it) with
 * its Python helpers, so these tests do not depend on the other bundles building.
 */
export async function bundleAdapter(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-dap-'));
  const source = (file: string) => path.resolve(__dirname, '../../../debug-adapter', file);
  await esbuild.build({
    entryPoints: { 'debug-adapter': source('entry.ts'), 'debug-adapter-main': source('main.ts'), 'debug-adapter-inline': source('inline.ts') },
    outdir: dir, bundle: true,
    platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error',
  });
  const outfile = path.join(dir, 'debug-adapter.js');
  // As in dist/: the adapter's Python helpers sit beside the bundle.
  for (const helper of ['keeper.py', 'program_pty.py', 'user_terminal.py', 'argv_launcher.py', 'record.py', 'logpoint.py', 'nasm_unwind.py']) copyFileSync(path.resolve(__dirname, '../../../debug-adapter', helper), path.join(dir, helper));
  return outfile;
}

/** The 1-based line of `; MARKER` (NASM) or `// MARKER` (C) in a fixture. */
export function lineOf(file: string, marker: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(`; ${marker}`) || l.includes(`// ${marker}`));
  if (index < 0) throw new Error(`${marker} not in ${file}`);
  return index + 1;
}

export function buildDirectory(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-dap-build-'));
}

export async function startClient(adapter: string): Promise<DebugClient> {
  const dc = new DebugClient('node', adapter, 'syscall-gdb');
  // Each wait (an event, a response) may take long on a loaded machine; below the test's own 60 s.
  dc.defaultTimeout = 45_000;
  await dc.start();
  return dc;
}

/** Launches `program` (a fixture source) with the Debug Console as its terminal. */
export async function launch(dc: DebugClient, args: Record<string, unknown>): Promise<void> {
  await Promise.all([
    dc.configurationSequence(),
    dc.launch({ terminal: 'none', buildDirectory: buildDirectory(), ...args }),
  ]);
}

export async function stoppedEvent(dc: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  return (await dc.waitForEvent('stopped')) as DebugProtocol.StoppedEvent;
}

/** Continues and resolves with the next stop. */
export async function continueToStop(dc: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  const stopped = stoppedEvent(dc);
  await dc.continueRequest({ threadId: 1 });
  return stopped;
}

export async function topFrame(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  const trace = await dc.stackTraceRequest({ threadId: 1 });
  return trace.body.stackFrames[0]!;
}

export async function scopeVariables(dc: DebugClient, scopeName: string): Promise<DebugProtocol.Variable[]> {
  const frame = await topFrame(dc);
  const scopes = await dc.scopesRequest({ frameId: frame.id });
  const scope = scopes.body.scopes.find((s) => s.name === scopeName);
  if (!scope) throw new Error(`no ${scopeName} scope; have ${scopes.body.scopes.map((s) => s.name).join(', ')}`);
  return (await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
}

export async function children(dc: DebugClient, variable: DebugProtocol.Variable): Promise<DebugProtocol.Variable[]> {
  return (await dc.variablesRequest({ variablesReference: variable.variablesReference })).body.variables;
}

/**
 * Registers hooks that bundle the adapter once and give each test a fresh client; returns its getter.
 * `getter.another()` starts one more client of the same adapter, stopped after the test too.
 */
export function useDebugClient(): (() => DebugClient) & { another: () => Promise<DebugClient> } {
  let adapter: string;
  let clients: DebugClient[] = [];
  beforeAll(async () => { adapter = await bundleAdapter(); });
  beforeEach(async () => { clients = [await startClient(adapter)]; });
  afterEach(async () => { await Promise.all(clients.map((c) => c.stop())); });
  return Object.assign(() => clients[0]!, {
    another: async () => {
      const dc = await startClient(adapter);
      clients.push(dc);
      return dc;
    },
  });
}

/** Launches with `configure` run before configurationDone (breakpoints, syscall stops); resolves with the first stop. */
export async function launchConfigured(dc: DebugClient, args: Record<string, unknown>, configure: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = stoppedEvent(dc);
  const configured = dc.waitForEvent('initialized').then(async () => {
    await configure();
    await dc.configurationDoneRequest();
  });
  await Promise.all([configured, dc.launch({ terminal: 'none', buildDirectory: buildDirectory(), ...args })]);
  return stopped;
}

/** Launches and resolves with the first stop (the entry, unless stopAtEntry is false). */
export async function launchStopped(dc: DebugClient, program: string, args: Record<string, unknown> = {}): Promise<DebugProtocol.StoppedEvent> {
  const stopped = stoppedEvent(dc);
  await launch(dc, { program, ...args });
  return stopped;
}

/** The program's process id, as gdb reports it (`-exec info inferiors` in the Debug Console). */
export async function programPid(dc: DebugClient): Promise<number> {
  const info = (await dc.evaluateRequest({ expression: '-exec info inferiors', context: 'repl' })).body.result;
  return Number(/process (\d+)/.exec(info)![1]);
}

/** Every process below `root`, with its command line. */
export function descendants(root: number): Array<{ pid: number; command: string }> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const found: Array<{ pid: number; command: string }> = [];
  const stack = [root];
  while (stack.length) {
    const parent = stack.pop()!;
    for (const [pid, ppid] of parents) {
      if (ppid !== parent) continue;
      let command = '';
      try { command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '); } catch { /* gone */ }
      found.push({ pid, command });
      stack.push(pid);
    }
  }
  return found;
}

/** Gone, or a zombie nobody reaps (some containers have no init that does). */
export function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return true;
  }
}

/** Whether `check` comes true within `timeoutMs` (polled every 50 ms): processes end asynchronously. */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}
