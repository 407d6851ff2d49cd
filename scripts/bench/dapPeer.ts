// Side by side with Eclipse's cdt-gdb-adapter (a peer, installed from the npm registry into
// scripts/bench/peers/, never a dependency of the extension), on the same NASM binary and the same gdb:
//  1. launch: from spawning the adapter to the stop at a breakpoint on _start's first line (ours inside
//     this process, as in VS Code's extension host: from creating the session, gdb spawned ahead as F5
//     does, the adapter's bundle already loaded as after a window's first F5);
//  2. next: DAP `next` → `stopped`;
//  3. step-then-refresh: `next` → `stopped`, then what VS Code shows next: the stack, the scopes and
//     the registers;
//  4. memory read: `readMemory` of 256 bytes of the stack.
// Ratios ours / peer, medians, rounds alternating so all see the same load. Ours twice: inside the
// extension host (how VS Code runs it) and spawned (`syscall-lens dap`, how other editors run it).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GdbAhead } from '../../client/gdbAhead';
import { findExecutable } from '../../toolchain/tools';
import { InlineClient, loadInlineBundle, type InlineBundle } from '../../test/support/inlineDap';

const OURS = path.resolve('dist/debug-adapter.js');
const INLINE = path.resolve('dist/debug-adapter-inline.js');
const PEERS = path.resolve('scripts/bench/peers');
const PEER = path.join(PEERS, 'node_modules/cdt-gdb-adapter/dist/debugAdapter.js');
const SPIN = path.resolve('test/fixtures/dap/spin.asm');
const FIRST_LINE = 5; // `xor ecx, ecx`, _start's first instruction
const ROUNDS = 4;
const STEPS = 100;
const REFRESHES = 50;
const READS = 100;

type Adapter = 'inline' | 'ours' | 'peer';

/** The requests the bench sends, whichever way the adapter runs. */
interface Dap {
  request(command: string, args?: unknown): Promise<DebugProtocol.Response & { body?: any }>;
  waitForEvent(event: string): Promise<DebugProtocol.Event>;
  stop(): Promise<void>;
}

let inlineBundle: InlineBundle | undefined;

/** Ours inside this process: gdb spawned ahead, then the session created with it (the bundle is loaded before the clock). */
function inlineDap(): Dap {
  const ahead = new GdbAhead();
  ahead.start(findExecutable('gdb')!);
  const bundle = inlineBundle!;
  const client = new InlineClient(new bundle.InlineSession(ahead.take(bundle)));
  client.timeoutMs = 20_000;
  return {
    request: (command, args) => client.request(command, args),
    waitForEvent: (event) => client.waitForEvent(event),
    stop: async () => { await client.request('disconnect', {}); client.close(); },
  };
}

async function spawnedDap(adapter: 'ours' | 'peer'): Promise<Dap> {
  const dc = new DebugClient('node', adapter === 'ours' ? OURS : PEER, adapter === 'ours' ? 'syscall-gdb' : 'gdb');
  dc.defaultTimeout = 20_000;
  await dc.start();
  return {
    request: (command, args) => dc.customRequest(command, args),
    waitForEvent: (event) => dc.waitForEvent(event),
    stop: () => dc.stop(),
  };
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const now = () => performance.now();

/** npm ci into scripts/bench/peers (bounded); false when it cannot be installed. */
async function installPeer(): Promise<boolean> {
  if (existsSync(PEER)) return true;
  console.log('installing cdt-gdb-adapter into scripts/bench/peers (npm ci)…');
  const npm = spawn('npm', ['ci', '--no-audit', '--no-fund'], { cwd: PEERS, stdio: ['ignore', 'inherit', 'inherit'] });
  const timer = setTimeout(() => npm.kill('SIGKILL'), 300_000);
  const code = await new Promise<number | null>((resolve) => npm.on('exit', resolve).on('error', () => resolve(null)));
  clearTimeout(timer);
  return code === 0 && existsSync(PEER);
}

function launchArguments(adapter: Adapter, program: string): Record<string, unknown> {
  return adapter !== 'peer'
    ? { program, build: 'off', terminal: 'none', stopAtEntry: false }
    : { program, gdb: 'gdb' };
}

/** Starts the adapter, launches, and waits for the stop at the breakpoint on _start's first line. */
async function launch(adapter: Adapter, program: string): Promise<{ dc: Dap; elapsed: number }> {
  const start = now();
  const dc = adapter === 'inline' ? inlineDap() : await spawnedDap(adapter);
  const stopped = dc.waitForEvent('stopped');
  await dc.request('initialize', { adapterID: 'bench', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const configured = dc.waitForEvent('initialized').then(async () => {
    await dc.request('setBreakpoints', { source: { path: SPIN }, breakpoints: [{ line: FIRST_LINE }] });
    await dc.request('configurationDone');
  });
  await Promise.all([configured, dc.request('launch', launchArguments(adapter, program))]);
  await stopped;
  return { dc, elapsed: now() - start };
}

async function next(dc: Dap): Promise<void> {
  const stopped = dc.waitForEvent('stopped');
  await dc.request('next', { threadId: 1 });
  await stopped;
}

/** What VS Code fetches after a stop with the Variables view open: the stack, the scopes, the registers. */
async function refresh(dc: Dap, adapter: Adapter): Promise<number> {
  const trace = await dc.request('stackTrace', { threadId: 1, startFrame: 0, levels: 20 });
  const scopes = await dc.request('scopes', { frameId: trace.body.stackFrames[0]!.id });
  const registers = (scopes.body.scopes as DebugProtocol.Scope[]).find((scope) => scope.name === 'Registers')!;
  let variables = (await dc.request('variables', { variablesReference: registers.variablesReference })).body.variables as DebugProtocol.Variable[];
  // Ours groups the registers; the general-purpose ones are what the peer lists.
  if (adapter !== 'peer') {
    const general = variables.find((v) => v.name === 'General purpose')!;
    variables = (await dc.request('variables', { variablesReference: general.variablesReference })).body.variables;
  }
  const rsp = variables.find((v) => v.name === 'rsp')!;
  return variables.length + Number(rsp.value.length > 0);
}

async function stackPointer(dc: Dap): Promise<string> {
  const trace = await dc.request('stackTrace', { threadId: 1, startFrame: 0, levels: 1 });
  const reply = await dc.request('evaluate', { expression: '$rsp', frameId: trace.body.stackFrames[0]!.id, context: 'watch' });
  return `0x${BigInt((reply.body.result as string).split(' ')[0]!).toString(16)}`;
}

interface Times { launch: number[]; next: number[]; refresh: number[]; memory: number[] }

async function measure(adapter: Adapter, program: string, into: Times): Promise<void> {
  const { dc, elapsed } = await launch(adapter, program);
  into.launch.push(elapsed);
  for (let i = 0; i < STEPS; i++) {
    const start = now();
    await next(dc);
    into.next.push(now() - start);
  }
  for (let i = 0; i < REFRESHES; i++) {
    const start = now();
    await next(dc);
    await refresh(dc, adapter);
    into.refresh.push(now() - start);
  }
  const address = await stackPointer(dc);
  for (let i = 0; i < READS; i++) {
    const start = now();
    const reply = await dc.request('readMemory', { memoryReference: address, count: 256 }) as DebugProtocol.ReadMemoryResponse;
    if (!reply.body?.data) throw new Error(`${adapter}: readMemory returned no data`);
    into.memory.push(now() - start);
  }
  await dc.stop();
}

async function main(): Promise<void> {
  if (!(await installPeer())) {
    console.log('cdt-gdb-adapter could not be installed from the npm registry; the side-by-side bench did not run.');
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-peer-'));
  try {
    const program = path.join(dir, 'spin');
    spawnSync('nasm', ['-f', 'elf64', '-g', '-F', 'dwarf', '-o', `${program}.o`, SPIN], { timeout: 60_000 });
    spawnSync('ld', ['-o', program, `${program}.o`], { timeout: 60_000 });
    inlineBundle = loadInlineBundle(INLINE);
    const inline: Times = { launch: [], next: [], refresh: [], memory: [] };
    const ours: Times = { launch: [], next: [], refresh: [], memory: [] };
    const peer: Times = { launch: [], next: [], refresh: [], memory: [] };
    for (let round = 0; round < ROUNDS; round++) {
      await measure('peer', program, peer);
      await measure('inline', program, inline);
      await measure('ours', program, ours);
    }
    console.log(`ours vs cdt-gdb-adapter ${'1.7.0'} on the same NASM binary (medians; ratio < 1: ours is faster)`);
    for (const [name, times] of [['in the extension host', inline], ['spawned (syscall-lens dap)', ours]] as const) {
      console.log(` ours ${name}:`);
      for (const key of ['launch', 'next', 'refresh', 'memory'] as const) {
        const label = { launch: 'launch to first stop', next: 'next → stopped', refresh: 'step-then-refresh', memory: 'memory read 256 B' }[key];
        const [a, b] = [median(times[key]), median(peer[key])];
        console.log(`  ${label.padEnd(22)} ours ${a.toFixed(2)} ms, cdt ${b.toFixed(2)} ms: ratio ${(a / b).toFixed(2)}x (n=${times[key].length})`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
