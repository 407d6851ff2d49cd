// Fault injection: after each fault, no process of the traced tree remains (checked by pid and start
// time, never by name), no private capture folder remains, and the user was told what happened.
// Each fault is tried several times; the table (test, tries, failures, orphans) is printed at the end.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPTURE_PREFIX } from '../../../trace/capture/runner';
import { SUPERVISOR_SCRIPT } from '../../../trace/capture/supervisor';
import { prepareTarget, TraceSession } from '../../../trace/session';

const FIXTURES = path.resolve(__dirname, '../../fixtures/trace');
const work = mkdtempSync(path.join(os.tmpdir(), 'trace-faults-'));
// Our own temporary directory: capture folders of traces in other test files never count here.
const temp = path.join(work, 'tmp');
mkdirSync(temp);
process.env.TMPDIR = temp;
const cli = path.join(work, 'cli.js');
const TRIES = 3;
const programs: Record<string, string> = {};
const table: Array<{ test: string; tries: number; failures: number; orphans: number }> = [];

beforeAll(async () => {
  // The CLI as shipped: the same bundle as dist/cli.js, with the supervisor beside it.
  await build({ entryPoints: [path.resolve(__dirname, '../../../cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: cli, logLevel: 'error' });
  copyFileSync(SUPERVISOR_SCRIPT, path.join(work, 'supervisor.py'));
  for (const name of ['spin', 'escape', 'loop']) {
    programs[name] = (await prepareTarget({ file: path.join(FIXTURES, `${name}.asm`), buildDirectory: path.join(work, 'build') })).program;
  }
  const denier = path.join(work, 'deny-ptrace');
  const compiled = spawnSync('gcc', ['-O2', '-o', denier, path.join(FIXTURES, 'deny-ptrace.c')], { encoding: 'utf8' });
  if (compiled.status !== 0) throw new Error(compiled.stderr);
  programs.denier = denier;
}, 120_000);

// Whatever a failed try left running is ended here, by pid (a failing test must not leak processes).
const started: ChildProcess[] = [];

afterAll(() => {
  for (const child of started) {
    for (const proc of treeOf(child.pid!)) {
      try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    child.kill('SIGKILL');
  }
  rmSync(work, { recursive: true, force: true });
  console.log(['test | tries | failures | orphans', '--- | --- | --- | ---', ...table.map((r) => `${r.test} | ${r.tries} | ${r.failures} | ${r.orphans}`)].join('\n'));
});

interface Proc { pid: number; start: string }

function stat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Every process below `root` (pid and start time, so a reused pid is not mistaken for it). */
function treeOf(root: number): Proc[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const fields = stat(Number(name));
    if (fields) children.set(Number(fields[1]), [...children.get(Number(fields[1])) ?? [], Number(name)]);
  }
  const found: Proc[] = [];
  const queue = [...children.get(root) ?? []];
  while (queue.length) {
    const pid = queue.shift()!;
    const fields = stat(pid);
    if (fields) found.push({ pid, start: fields[19]! });
    queue.push(...children.get(pid) ?? []);
  }
  return found;
}

/** Still there and not a zombie waiting for its parent. */
function alive(proc: Proc): boolean {
  const fields = stat(proc.pid);
  return fields !== undefined && fields[19] === proc.start && fields[0] !== 'Z';
}

function exeOf(pid: number): string | undefined {
  try { return readlinkSync(`/proc/${pid}/exe`); } catch { return undefined; }
}

async function until<T>(probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until `count` processes of `program` run below `root`, then returns the whole tree. */
function running(root: number, program: string, count: number): Promise<Proc[]> {
  return until(() => {
    const tree = treeOf(root);
    return tree.filter((p) => exeOf(p.pid) === program).length >= count && tree;
  });
}

function captureFolders(): string[] {
  return readdirSync(temp).filter((name) => name.startsWith(CAPTURE_PREFIX));
}

interface CliRun { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

function startCli(args: string[]): CliRun {
  const child = spawn(process.execPath, [cli, 'trace', ...args], { cwd: FIXTURES, env: { ...process.env, TMPDIR: temp }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/**
 * Runs `fault` TRIES times. Each try returns the tree it saw; afterwards every process of it must be
 * gone within 5 s and no capture folder left. Failures and orphans are counted for the table.
 */
async function tryFault(test: string, fault: () => Promise<Proc[]>): Promise<void> {
  let failures = 0;
  let orphans = 0;
  const errors: string[] = [];
  for (let i = 0; i < TRIES; i++) {
    try {
      const tree = await fault();
      expect(tree.length).toBeGreaterThan(0);
      const left = await until(() => tree.every((p) => !alive(p)), 5_000).then(() => [], () => tree.filter(alive));
      orphans += left.length;
      for (const proc of left) {
        try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
      }
      expect(left).toEqual([]);
      await until(() => captureFolders().length === 0, 5_000).catch(() => undefined);
      expect(captureFolders()).toEqual([]);
    } catch (error) {
      failures++;
      errors.push(String(error));
    }
  }
  table.push({ test, tries: TRIES, failures, orphans });
  expect(errors).toEqual([]);
}

describe('the CLI leaves nothing running', () => {
  it('when it is killed with SIGKILL (a daemon that ignores SIGHUP included)', async () => {
    await tryFault('CLI SIGKILL, daemon ignoring SIGHUP', async () => {
      const run = startCli([programs.escape!]);
      const tree = await running(run.child.pid!, programs.escape!, 2);
      run.child.kill('SIGKILL');
      await run.exit;
      return tree;
    });
  });

  it.each([['SIGHUP', 129], ['SIGINT', 130], ['SIGTERM', 143]] as const)('on %s, exiting 128+signal, even from a program that never made a syscall', async (signal, status) => {
    await tryFault(`CLI ${signal}, program without syscalls`, async () => {
      const run = startCli([signal === 'SIGHUP' ? programs.escape! : programs.spin!]);
      const tree = await running(run.child.pid!, signal === 'SIGHUP' ? programs.escape! : programs.spin!, signal === 'SIGHUP' ? 2 : 1);
      run.child.kill(signal);
      const exit = await run.exit;
      expect(exit.code).toBe(status);
      expect(run.stderr()).not.toMatch(/Error|at .*\.js:\d+/);
      return tree;
    });
  });

  it('on SIGINT with --summary, printing the summary of what it traced, as strace -c does', async () => {
    await tryFault('CLI SIGINT with --summary', async () => {
      const run = startCli(['--summary', programs.loop!]);
      const tree = await running(run.child.pid!, programs.loop!, 1);
      await new Promise((resolve) => setTimeout(resolve, 300)); // some calls made
      run.child.kill('SIGINT');
      expect((await run.exit).code).toBe(130);
      expect(run.stdout()).toMatch(/^% time +seconds +usecs\/call +calls +errors syscall$/m);
      expect(run.stdout()).toMatch(/^100\.00 .* total$/m);
      return tree;
    });
  });

  it('when the reader of its output goes away (`| head -1`): quietly, with status 141', async () => {
    await tryFault('CLI stdout closed (| head -1)', async () => {
      const run = startCli([programs.loop!]);
      await until(() => run.stdout().includes('\n'));
      const tree = treeOf(run.child.pid!);
      run.child.stdout!.destroy();
      const exit = await run.exit;
      expect(exit.code).toBe(141);
      expect(run.stderr()).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
      return tree;
    });
  });

  it('when strace itself is killed, and says so', async () => {
    await tryFault('strace SIGKILL under a daemon', async () => {
      const run = startCli([programs.escape!]);
      const tree = await running(run.child.pid!, programs.escape!, 2);
      const strace = tree.find((p) => exeOf(p.pid) === '/usr/bin/strace' || /strace$/.test(exeOf(p.pid) ?? ''))!;
      process.kill(strace.pid, 'SIGKILL');
      const exit = await run.exit;
      expect(exit.code).toBe(1);
      expect(run.stderr()).toContain('strace was killed by SIGKILL; the traced processes were ended');
      return tree;
    });
  });

  it('when ptrace is not permitted: status 1 and the hint', async () => {
    await tryFault('ptrace denied', async () => {
      const child = spawn(programs.denier!, [process.execPath, cli, 'trace', programs.spin!], { cwd: FIXTURES, env: { ...process.env, TMPDIR: temp }, stdio: ['ignore', 'pipe', 'pipe'] });
      started.push(child);
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const tree: Proc[] = [];
      const poll = setInterval(() => { for (const p of treeOf(child.pid!)) if (!tree.some((t) => t.pid === p.pid)) tree.push(p); }, 5);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      clearInterval(poll);
      expect(code).toBe(1);
      expect(stderr).toContain('strace may not trace processes here');
      return tree.length ? tree : [{ pid: child.pid!, start: '' }];
    });
  });
});

describe('Stop in the panel leaves nothing running', () => {
  it('ends a program on its own terminal that never made a syscall', async () => {
    await tryFault('panel Stop, program without syscalls', async () => {
      const session = await TraceSession.start({ file: programs.spin!, args: [], stdio: 'terminal', ownProcessGroup: true });
      const tree = await running(session.child.pid!, programs.spin!, 1);
      tree.unshift({ pid: session.child.pid!, start: stat(session.child.pid!)![19]! });
      session.stop();
      const result = await session.done;
      expect(result.stopped).toBe(true);
      return tree;
    });
  });

  it('ends a daemon that left the session and ignores SIGHUP', async () => {
    await tryFault('panel Stop, daemon ignoring SIGHUP', async () => {
      const session = await TraceSession.start({ file: programs.escape!, args: [], stdio: 'pipe', ownProcessGroup: true });
      const tree = await running(session.child.pid!, programs.escape!, 2);
      session.stop();
      expect((await session.done).stopped).toBe(true);
      return tree;
    });
  });
});

describe('program output is never taken for strace\'s', () => {
  it('keeps lines that look like strace\'s messages in the program\'s stderr', async () => {
    let stderr = '';
    const session = await TraceSession.start({
      file: path.join(FIXTURES, 'lying.asm'), args: [], stdio: 'pipe', buildDirectory: path.join(work, 'build'),
      onProgramStderr: (text) => { stderr += text; },
    });
    const result = await session.done;
    const events = result.model.events.filter((e) => e !== undefined);
    expect(events.filter((e) => e.kind === 'notice')).toEqual([]);
    expect(events.find((e) => e.kind === 'syscall' && e.name === 'getpid')).toMatchObject({ abi: 'x86_64' });
    expect(stderr).toBe('strace: Process 1 detached\n[ Process PID=1 runs in 32 bit mode. ]\nstrace: \x1b[2Jcleared\n');
    expect(existsSync(temp) && captureFolders()).toEqual([]);
  });
});
