import { createHook } from 'node:async_hooks';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { markerLine } from '../../support/markers';
import { ToolNotFoundError } from '../../../toolchain/tools';
import type { SyscallEvent } from '../../../trace/events';
import { TraceError } from '../../../trace/capture/runner';
import { TraceSession } from '../../../trace/session';
import { SUPERVISOR_SCRIPT } from '../../../trace/capture/supervisor';

const FIXTURES = path.resolve(__dirname, '../../fixtures/trace');
const work = mkdtempSync(path.join(os.tmpdir(), 'trace-runner-'));
const cli = path.join(work, 'cli.js');

beforeAll(async () => {
  // The CLI exactly as shipped: the same esbuild bundle as dist/cli.js.
  await build({ entryPoints: [path.resolve(__dirname, '../../../cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: cli, logLevel: 'error' });
  copyFileSync(SUPERVISOR_SCRIPT, path.join(work, 'supervisor.py'));
});

const lineOf = markerLine;

function runCli(args: string[], cwd = FIXTURES) {
  return spawnSync(process.execPath, [cli, 'trace', ...args], { cwd, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: work } });
}

describe('syscall-lens trace (CLI)', () => {
  it('prints each syscall beside its source line and reports the exit status', () => {
    const run = runCli(['calls.asm']);
    expect(run.status).toBe(0);
    const source = path.join(FIXTURES, 'calls.asm');
    expect(run.stdout).toContain(`calls.asm:${lineOf(source, 'write')}`.padEnd(14) + ' write(1, "calls\\n", 6) = 6');
    expect(run.stdout).toContain(`calls.asm:${lineOf(source, 'open')}`.padEnd(14) + ' open("/nonexistent/syscall-lens", O_RDONLY) = -1 ENOENT (No such file or directory)');
    // The program's own output goes to stderr, never into the trace.
    expect(run.stdout).not.toMatch(/^calls$/m);
    expect(run.stderr).toMatch(/^calls$/m);
    expect(run.stderr).toContain('calls exited with 7');
    // Each failed call explained, with the reason the local man page gives (manpages-dev).
    expect(run.stdout).toMatch(/^failed calls:\n {2}open → ENOENT \(No such file or directory\): \S.*\n {2}read → EBADF \(Bad file descriptor\): \S/m);
  });

  it('--json prints JSON Lines with the documented schema', () => {
    const run = runCli(['--json', 'calls.asm']);
    expect(run.status).toBe(0);
    const records = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const write = records.find((r) => r.name === 'write');
    expect(Object.keys(write)).toEqual(['type', 'seq', 'pid', 'time', 'duration', 'name', 'args', 'argOrigins', 'argPaths', 'result', 'resultPath', 'errno', 'signal', 'ip', 'file', 'line', 'macroLine', 'macroFile', 'procedureLine', 'procedureFile', 'origin', 'via', 'credit', 'creditFunction', 'creditModule', 'creditReason']);
    expect(write).toMatchObject({ credit: 'address', creditFunction: null, creditReason: null });
    expect(write).toMatchObject({ type: 'syscall', args: ['1', '"calls\\n"', '6'], result: '6', errno: null, file: path.join(FIXTURES, 'calls.asm'), line: lineOf(path.join(FIXTURES, 'calls.asm'), 'write'), macroLine: null });
    expect(write.ip).toMatch(/^0x[0-9a-f]+$/);
    // strace -y's descriptor paths stay: fd 1 is the pipe (a socket) to the CLI.
    expect(write.argPaths).toEqual([expect.stringMatching(/^(pipe|socket):\[\d+\]$/), null, null]);
    expect(records.at(-1)).toMatchObject({ type: 'exit', result: '7' });
  });

  it('says how each call of a C program got its line: "(call site)" with --no-stacks, with the rest summed up; by default it unwinds', () => {
    const source = path.join(FIXTURES, 'callsites.c');
    const plain = runCli(['--no-stacks', 'callsites.c']);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain(`callsites.c:${lineOf(source, 'getppid')} (call site) getppid() = `);
    expect(plain.stdout).toMatch(/^\[in umask\] +umask\(022\) = /m);
    expect(plain.stdout).toMatch(/^\[in write\] +write\(1, "ab\\n", 3\) = 3$/m);
    expect(plain.stderr).toMatch(/^syscall-lens: traced without stacks; 4 calls credited by their one call site; \d+ made inside a library have no line: .*libc\.so\.6 itself also calls write \(3\).*umask is called from 2 places \(2\).* --stacks credits every call exactly \(strace -k, slower\), --syscalls \S*\bumask\b\S*\bwrite\b\S* only those$/m);
    const stacks = runCli(['callsites.c']);
    expect(stacks.stdout).toContain(`callsites.c:${lineOf(source, 'umask-second')}`.padEnd(14) + ' umask(077) = ');
    expect(stacks.stdout).toContain(`callsites.c:${lineOf(source, 'note-write')}`.padEnd(14) + ' write(1, "ab\\n", 3) = 3');
    expect(stacks.stderr).not.toContain('traced without stacks');
    const json = runCli(['--json', '--no-stacks', 'callsites.c']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(json.find((r) => r.name === 'getppid')).toMatchObject({ credit: 'call-site', creditFunction: 'getppid', creditModule: 'libc.so.6', line: lineOf(source, 'getppid') });
    expect(json.find((r) => r.name === 'write')).toMatchObject({ credit: 'none', creditFunction: 'write', creditReason: 'libc.so.6 itself also calls write', line: null });
    expect(runCli(['--stacks', '--no-stacks', 'callsites.c']).status).toBe(2);
  });

  it('says that a program built without debug lines has none for its own calls, and suggests no stacks for them', () => {
    const dir = mkdtempSync(path.join(work, 'nodebug-'));
    const object = path.join(dir, 'calls.o');
    expect(spawnSync('nasm', ['-f', 'elf64', '-o', object, path.join(FIXTURES, 'calls.asm')]).status).toBe(0);
    expect(spawnSync('ld', ['-o', path.join(dir, 'calls'), object]).status).toBe(0);
    const run = runCli(['./calls'], dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\[user\] +write\(1, "calls\\n", 6\) = 6$/m);
    expect(run.stderr).toMatch(/^syscall-lens: 5 calls of your code have no line: calls has no debug line for this code: built without -g \(nasm -g -F dwarf, gcc -g\)$/m);
    expect(run.stderr).not.toContain('made inside a library');
  });

  it('--summary prints the strace -c style table', () => {
    const run = runCli(['--summary', 'calls.asm']);
    expect(run.stdout).toMatch(/^% time +seconds +usecs\/call +calls +errors syscall$/m);
    expect(run.stdout).toMatch(/^ *[\d.]+ +[\d.]+ +\d+ +1 +1 open$/m);
    expect(run.stdout).toMatch(/ 6 +2 total$/m);
  });

  it('exits 1 with the build error when the source does not assemble', () => {
    const bad = path.join(work, 'bad.asm');
    writeFileSync(bad, 'section .text\nglobal _start\n_start:\n    mov rax, nosuchlabel\n');
    const run = runCli([bad]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Build failed: bad\.asm:4: .*nosuchlabel/);
  });

  it('exits 1 for a missing program and 2 for wrong usage', () => {
    expect(runCli(['no-such-program']).stderr).toContain('Program not found: no-such-program');
    expect(runCli(['no-such-program']).status).toBe(1);
    expect(runCli(['--bogus', 'x']).status).toBe(2);
    const both = runCli(['--json', '--summary', 'calls.asm']);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('--json and --summary do not combine');
    expect(runCli([]).status).toBe(2);
    expect(runCli(['--help']).stdout).toContain('Usage: syscall-lens trace');
  });
});

describe('clear errors', () => {
  it('says how to install strace when it is missing', async () => {
    await expect(TraceSession.start({ file: path.join(FIXTURES, 'calls.asm'), args: [], stdio: 'pipe', tools: { strace: '/nonexistent/strace' } }))
      .rejects.toThrow(new ToolNotFoundError('strace', '/nonexistent/strace'));
  });
  it('refuses a file that is neither a source nor a program', async () => {
    const text = path.join(work, 'notes.txt');
    writeFileSync(text, 'hello');
    await expect(TraceSession.start({ file: text, args: [], stdio: 'pipe' })).rejects.toBeInstanceOf(TraceError);
  });
});

describe('strace\'s own messages', () => {
  it('never reach the program\'s stderr, and explain why nothing could be traced', async () => {
    const script = path.join(work, 'not-a-program');
    writeFileSync(script, 'just text\n', { mode: 0o755 });
    let programStderr = '';
    const session = await TraceSession.start({ file: script, args: [], stdio: 'pipe', onProgramStderr: (text) => { programStderr += text; } });
    await expect(session.done).rejects.toMatchObject({ reason: 'not-a-program', message: `Could not run ${script}: Exec format error` });
    expect(programStderr).toBe('');
  });
});

describe('capture paths', () => {
  it('gives the same trace through a FIFO as through the followed file', async () => {
    const run = async (capture: 'fifo' | 'file') => {
      const session = await TraceSession.start({ file: path.join(FIXTURES, 'calls.asm'), args: [], stdio: 'pipe', capture, buildDirectory: mkdtempSync(path.join(work, 'b-')) });
      const result = await session.done;
      return result.model.events.map((e) => (e?.kind === 'syscall' ? `${e.name}@${e.location?.line}${e.errno ?? ""}` : e?.kind));
    };
    const viaFile = await run('file');
    expect(viaFile).toHaveLength(7);
    expect(await run('fifo')).toEqual(viaFile);
  });

  it('leaves no timer running once the trace is done (the CLI exits at once)', async () => {
    const live = new Set<number>();
    const hook = createHook({
      init: (id, type) => { if (type === 'Timeout') live.add(id); },
      destroy: (id) => { live.delete(id); },
    }).enable();
    try {
      const session = await TraceSession.start({ file: path.join(FIXTURES, 'calls.asm'), args: [], stdio: 'pipe', buildDirectory: mkdtempSync(path.join(work, 'b-')) });
      await session.done;
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      hook.disable();
    }
    // A timer left running after strace's end held the CLI for another 500 ms after every trace.
    expect(live.size).toBe(0);
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('live tracing and Stop', () => {
  it('reports a blocked call as in progress, then completes it', async () => {
    const inProgress: SyscallEvent[] = [];
    const session = await TraceSession.start({
      file: path.join(FIXTURES, 'blocked.asm'), args: [], stdio: 'pipe', buildDirectory: mkdtempSync(path.join(work, 'b-')),
      onInProgress: (event) => inProgress.push(event),
    });
    await until(() => inProgress.length > 0);
    expect(inProgress.map((e) => [e.name, e.inProgress])).toEqual([['read', true]]);
    expect(inProgress[0]!.location?.line).toBe(lineOf(path.join(FIXTURES, 'blocked.asm'), 'read'));
    session.child.stdin!.end('hi\n');
    const result = await session.done;
    const read = result.model.get(inProgress[0]!.seq) as SyscallEvent;
    expect(read).toMatchObject({ name: 'read', inProgress: false, returnValue: 3 });
  });

  it('Stop also ends a traced child that left the process group (setsid)', async () => {
    let leftGroup = false;
    const session = await TraceSession.start({
      file: path.join(FIXTURES, 'daemon.asm'), args: [], stdio: 'pipe', ownProcessGroup: false, buildDirectory: mkdtempSync(path.join(work, 'b-')),
      onEvent: (event) => { leftGroup ||= event.kind === 'syscall' && event.name === 'setsid'; },
    });
    // Stop once the child has left the group (a fixed wait raced a slow start under load).
    await until(() => leftGroup, 30_000);
    session.stop();
    // A Stop that missed the child would hang here until the test's own time limit.
    const result = await session.done;
    const pids = [...result.model.processes.keys()];
    expect(pids.length).toBe(2);
    expect(result.model.summary().map((s) => s.name)).toContain('setsid');
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const pid of pids) expect(existsSync(`/proc/${pid}`) && !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'))).toBe(false);
  });

  it('the CLI prints a call made just before the program blocks, while it is blocked', async () => {
    const child = spawn(process.execPath, [cli, 'trace', '--build-dir', mkdtempSync(path.join(work, 'b-')), path.join(FIXTURES, 'prompt.asm')],
      { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    // The program is in read(0) now and stays there until its input ends.
    await until(() => /prompt\.asm:\d+.* write\(1, "name\? ", 6\) = 6$/m.test(out), 30_000);
    expect(out).not.toMatch(/read\(0/);
    child.stdin!.end('ada\n');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(out).toMatch(/read\(0, "ada\\n", 32\) = 4$/m);
  });

  it('Stop kills strace and the whole traced tree', async () => {
    let blocked = false;
    const session = await TraceSession.start({
      file: path.join(FIXTURES, 'blocked.asm'), args: [], stdio: 'pipe', ownProcessGroup: true, buildDirectory: mkdtempSync(path.join(work, 'b-')),
      onInProgress: (event) => { blocked ||= event.name === 'read'; },
    });
    // The supervisor's children: the program and strace.
    const children = () => readFileSync(`/proc/${session.child.pid}/task/${session.child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    await until(() => children().length === 2 && blocked);
    const tracees = children();
    session.stop();
    const result = await session.done;
    expect(result.stopped).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const pid of [session.child.pid!, ...tracees]) expect(existsSync(`/proc/${pid}`) && !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'))).toBe(false);
  });
});
