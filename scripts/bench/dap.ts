// Debug adapter benchmarks, each a ratio against a baseline measured side by side in this run:
//  1. step round trip: DAP `next` → `stopped` event, against gdb's own `-exec-next` → `*stopped`;
//  2. launch to first stop, build included, against nasm + ld + `gdb -batch -ex starti` by hand.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';

const ADAPTER = path.resolve('dist/debug-adapter.js');
const SPIN = path.resolve('test/fixtures/dap/spin.asm');
const HELLO = path.resolve('test/fixtures/dap/hello.asm');
const STEPS = 200;
const LAUNCHES = 8;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const now = () => performance.now();

async function startSession(program: string, buildDirectory: string, extra: Record<string, unknown> = {}): Promise<DebugClient> {
  const dc = new DebugClient('node', ADAPTER, 'syscall-gdb');
  await dc.start();
  const stopped = dc.waitForEvent('stopped');
  await Promise.all([dc.configurationSequence(), dc.launch({ program, terminal: 'none', buildDirectory, ...extra })]);
  await stopped;
  return dc;
}

/** DAP next → stopped, and (as the floor any DAP adapter pays) a trivial request's round trip. */
async function dapStepTimes(buildDirectory: string, extra: Record<string, unknown> = {}): Promise<{ steps: number[]; floor: number[] }> {
  const dc = await startSession(SPIN, buildDirectory, extra);
  const steps: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    let start = now();
    const stopped = dc.waitForEvent('stopped');
    await dc.nextRequest({ threadId: 1 });
    await stopped;
    steps.push(now() - start);
    start = now();
    await dc.threadsRequest();
    floor.push(now() - start);
  }
  await dc.stop();
  return { steps, floor };
}

/**
 * A node process that only passes bytes between its stdio and gdb's: what any adapter in a separate node
 * process pays on a step at the least (two more process hops, node's stream handling), with no work of its own.
 */
const RELAY = `const gdb = require('node:child_process').spawn('gdb', process.argv.slice(1), { stdio: ['pipe', 'pipe', 'ignore'] });
process.stdin.pipe(gdb.stdin); gdb.stdout.pipe(process.stdout); process.stdin.on('end', () => gdb.kill('SIGKILL'));`;

/** gdb alone (or behind the relay), driven over MI the same way: each -exec-next until its *stopped. */
async function gdbStepTimes(program: string, { record = false, relay = false } = {}): Promise<number[]> {
  const args = ['--interpreter=mi3', '-q', '-nx'];
  const gdb = relay
    ? spawn(process.execPath, ['-e', RELAY, '--', ...args], { stdio: ['pipe', 'pipe', 'ignore'] })
    : spawn('gdb', args, { stdio: ['pipe', 'pipe', 'ignore'] });
  let buffer = '';
  let waiting: { marker: string; resolve: () => void } | undefined;
  gdb.stdout.setEncoding('utf8');
  gdb.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    if (waiting && buffer.includes(waiting.marker)) {
      buffer = '';
      const done = waiting;
      waiting = undefined;
      done.resolve();
    }
  });
  const send = (command: string, marker: string) => new Promise<void>((resolve) => {
    waiting = { marker, resolve };
    gdb.stdin.write(command + '\n');
  });
  await send('-gdb-set mi-async on', '^done');
  await send(`-file-exec-and-symbols "${program}"`, '^done');
  await send('-inferior-tty-set /dev/null', '^done');
  await send('-interpreter-exec console starti', '*stopped');
  // What the adapter does for Step Back from the first stop, so both sides step while recording.
  if (record) await send('-interpreter-exec console "record full"', '^done');
  const times: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const start = now();
    await send('-exec-next', '*stopped');
    times.push(now() - start);
  }
  if (relay) gdb.stdin.end(); // the relay ends its gdb
  else gdb.kill('SIGKILL');
  return times;
}

/** From spawning the adapter, and from the launch request (VS Code starts adapters ahead). */
async function dapLaunchTime(): Promise<{ fromSpawn: number; fromLaunch: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-dap-'));
  const start = now();
  const dc = new DebugClient('node', ADAPTER, 'syscall-gdb');
  await dc.start();
  const stopped = dc.waitForEvent('stopped');
  await dc.initializeRequest();
  const launchAt = now();
  const configured = dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest());
  await Promise.all([configured, dc.launchRequest({ program: HELLO, terminal: 'none', buildDirectory: dir } as never)]);
  await stopped;
  const end = now();
  await dc.stop();
  rmSync(dir, { recursive: true, force: true });
  return { fromSpawn: end - start, fromLaunch: end - launchAt };
}

function byHandLaunchTime(): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-hand-'));
  const start = now();
  spawnSync('nasm', ['-f', 'elf64', '-g', '-F', 'dwarf', '-o', path.join(dir, 'hello.o'), HELLO]);
  spawnSync('ld', ['-o', path.join(dir, 'hello'), path.join(dir, 'hello.o')]);
  spawnSync('gdb', ['-q', '-nx', '-batch', '-ex', 'starti', path.join(dir, 'hello')], { stdio: 'ignore' });
  const elapsed = now() - start;
  rmSync(dir, { recursive: true, force: true });
  return elapsed;
}

/** node starting and ending with nothing to run: paid by any adapter written for node before its first line runs. */
function nodeStartTime(): number {
  const start = now();
  spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  return now() - start;
}

async function main(): Promise<void> {
  const buildDirectory = mkdtempSync(path.join(os.tmpdir(), 'bench-dap-build-'));
  // Build the loop once through the adapter, so both sides step the same program.
  await (await startSession(SPIN, buildDirectory)).stop();
  const program = path.join(buildDirectory, 'spin');

  const dapSteps: number[] = [];
  const dapFloor: number[] = [];
  const gdbSteps: number[] = [];
  const unrecordedSteps: number[] = [];
  const gdbRecordedSteps: number[] = [];
  const relayedSteps: number[] = [];
  for (let round = 0; round < 2; round++) {
    gdbSteps.push(...(await gdbStepTimes(program)));
    gdbRecordedSteps.push(...(await gdbStepTimes(program, { record: true })));
    relayedSteps.push(...(await gdbStepTimes(program, { relay: true })));
    const { steps, floor } = await dapStepTimes(buildDirectory);
    dapSteps.push(...steps);
    dapFloor.push(...floor);
    // Step Back records every step from the first stop (gdb's record full); here it is off.
    unrecordedSteps.push(...(await dapStepTimes(buildDirectory, { stepBackLimit: 0 })).steps);
  }
  const stepRatio = median(dapSteps) / median(gdbSteps);
  console.log(`step round trip: DAP next→stopped ${median(dapSteps).toFixed(2)} ms, gdb -exec-next→*stopped ${median(gdbSteps).toFixed(2)} ms (median of ${dapSteps.length})`);
  console.log(`  ratio ${stepRatio.toFixed(2)}x against gdb not recording (target ≤ 1.7x)`);
  console.log(`  recording on both sides (gdb -exec-next after 'record full' ${median(gdbRecordedSteps).toFixed(2)} ms): ratio ${(median(dapSteps) / median(gdbRecordedSteps)).toFixed(2)}x (target ≤ 1.7x)`);
  console.log(`  with Step Back's recording off (stepBackLimit 0): ${median(unrecordedSteps).toFixed(2)} ms, ratio ${(median(unrecordedSteps) / median(gdbSteps)).toFixed(2)}x against gdb not recording (target ≤ 1.7x)`);
  const beyondFloor = median(dapSteps) - median(dapFloor);
  console.log(`  a DAP threads request alone takes ${median(dapFloor).toFixed(2)} ms; next→stopped beyond that: ${beyondFloor.toFixed(2)} ms = ${(beyondFloor / median(gdbSteps)).toFixed(2)}x gdb`);
  console.log(`  gdb behind a node process that only relays bytes (the least any separate adapter process pays): ${median(relayedSteps).toFixed(2)} ms = ${(median(relayedSteps) / median(gdbSteps)).toFixed(2)}x gdb; ours ÷ that: ${(median(dapSteps) / median(relayedSteps)).toFixed(2)}x`);

  const fromSpawn: number[] = [];
  const fromLaunch: number[] = [];
  const handLaunch: number[] = [];
  const nodeStart: number[] = [];
  for (let i = 0; i < LAUNCHES; i++) {
    handLaunch.push(byHandLaunchTime());
    nodeStart.push(nodeStartTime());
    const times = await dapLaunchTime();
    fromSpawn.push(times.fromSpawn);
    fromLaunch.push(times.fromLaunch);
  }
  const hand = median(handLaunch);
  console.log(`launch to first stop, build included (median of ${LAUNCHES}): nasm + ld + gdb -batch -ex starti by hand ${hand.toFixed(0)} ms`);
  console.log(`  adapter from its spawn ${median(fromSpawn).toFixed(0)} ms: ratio ${(median(fromSpawn) / hand).toFixed(2)}x (target ≤ 1.5x)`);
  console.log(`  adapter from the launch request ${median(fromLaunch).toFixed(0)} ms: ratio ${(median(fromLaunch) / hand).toFixed(2)}x`);
  console.log(`  node's own start and exit (node -e 0), before any adapter code runs: ${median(nodeStart).toFixed(0)} ms = ${(median(nodeStart) / hand).toFixed(2)}x by hand`);
  rmSync(buildDirectory, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
