import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { markerLine } from '../../support/markers';
import { runProgram } from '../../../toolchain/tools';
import type { SyscallEvent } from '../../../trace/events';
import { functionAt, moduleCode, publicName } from '../../../trace/map/callSites';
import { loadStraceLog } from '../../../trace/logFile';
import { buildProgram } from '../../../toolchain/build';
import { TraceSession, type TraceResult } from '../../../trace/session';

const FIXTURES = path.resolve(__dirname, '../../fixtures/trace');
const SOURCE = path.join(FIXTURES, 'callsites.c');
const buildRoot = mkdtempSync(path.join(os.tmpdir(), 'trace-callsites-'));

const lineOf = markerLine;

async function trace(file: string, stackTraces: boolean | undefined): Promise<TraceResult> {
  const session = await TraceSession.start({ file, args: [], stdio: 'pipe', buildDirectory: mkdtempSync(path.join(buildRoot, 'b-')),
    workspaceRoots: [FIXTURES], ...(stackTraces !== undefined ? { stackTraces } : {}) });
  session.child.stdin?.end();
  return session.done;
}

const syscalls = (result: TraceResult) => result.model.events.filter((e): e is SyscallEvent => e?.kind === 'syscall' && !e.inProgress);
const named = (result: TraceResult, name: string) => syscalls(result).filter((e) => e.name === name);
const at = (marker: string) => ({ file: SOURCE, line: lineOf(SOURCE, marker) });

/**
 * The same program traced with -k stacks (ground truth) and without: the calls are the same, in the
 * same order per syscall, so the n-th call of each name is the same call in both runs.
 */
function pairByName(withStacks: TraceResult, without: TraceResult): Array<[SyscallEvent, SyscallEvent]> {
  const pairs: Array<[SyscallEvent, SyscallEvent]> = [];
  const names = new Set(syscalls(without).map((e) => e.name));
  for (const name of names) {
    const a = named(withStacks, name);
    const b = named(without, name);
    for (let i = 0; i < Math.min(a.length, b.length); i++) pairs.push([a[i]!, b[i]!]);
  }
  return pairs;
}

function expectAgreesWithStacks(withStacks: TraceResult, without: TraceResult): void {
  const pairs = pairByName(withStacks, without);
  expect(pairs.length).toBeGreaterThan(10);
  for (const [truth, statically] of pairs) {
    // Every line claimed without a stack is the line the stack names; nothing is claimed wrongly.
    if (statically.location) expect(statically.location, `${statically.name} #${statically.seq}`).toEqual(truth.location);
  }
}

describe('a C program traced without -k: calls credited by their one call site, checked against -k stacks', () => {
  it('credits a libc wrapper called from one line (getppid in a loop) to that line, as the stack does', async () => {
    const [withStacks, without] = [await trace(SOURCE, true), await trace(SOURCE, false)];
    expect([withStacks.stackTraces, without.stackTraces]).toEqual([true, false]);
    expectAgreesWithStacks(withStacks, without);
    const getppid = named(without, 'getppid');
    expect(getppid).toHaveLength(3);
    for (const call of getppid) {
      expect(call).toMatchObject({ origin: 'user', location: at('getppid'), credit: { method: 'call-site', function: 'getppid', module: 'libc.so.6' } });
      expect(call.stack).toEqual([]);
    }
    expect(named(withStacks, 'getppid')[0]).toMatchObject({ location: at('getppid'), credit: { method: 'stack' } });
    // symlink is called once, fails, and is still that line's call.
    expect(named(without, 'symlink')[0]).toMatchObject({ errno: 'ENOENT', location: at('symlink'), credit: { method: 'call-site' } });
  });

  it('claims no line where only a stack can tell: two call sites, libc calling write itself (stdio, the exit-time flush)', async () => {
    const [withStacks, without] = [await trace(SOURCE, true), await trace(SOURCE, false)];
    const umask = named(without, 'umask');
    expect(umask.map((e) => e.location)).toEqual([undefined, undefined]);
    expect(umask[0]!.credit).toEqual({ method: 'none', function: 'umask', module: 'libc.so.6', reason: 'umask is called from 2 places' });
    expect(named(withStacks, 'umask').map((e) => e.location)).toEqual([at('umask-first'), at('umask-second')]);
    const writes = named(without, 'write');
    expect(writes.map((e) => e.args[1]!.text)).toEqual(['"ab\\n"', '"cd\\n"', '"symlink failed, as expected\\n"']);
    for (const write of writes) {
      expect(write.location).toBeUndefined();
      expect(write.credit).toMatchObject({ method: 'none', function: 'write', reason: 'libc.so.6 itself also calls write' });
    }
    // The stack places them: note's write line for both notes, and the flush at exit.
    expect(named(withStacks, 'write').map((e) => e.location ?? e.origin)).toEqual([at('note-write'), at('note-write'), 'exit']);
    // The dynamic loader's calls are known by their address.
    expect(named(without, 'openat').find((e) => /libc\.so/.test(e.args[1]!.text))).toMatchObject({ origin: 'loader' });
  });

  it('a static program (gcc -static): libc inside the program, the same rule on its own code', async () => {
    const dir = mkdtempSync(path.join(buildRoot, 'static-'));
    const program = path.join(dir, 'callsites-static');
    const built = await runProgram('gcc', ['-static', '-g', '-O0', '-o', program, SOURCE], { timeoutMs: 120_000 });
    expect(built.exitCode, built.stderr).toBe(0);
    // No -k comparison here: Debian's strace unwinds a static glibc's getppid straight to
    // __libc_start_call_main, skipping main, so its stacks name no line of this program at all.
    const without = await trace(program, false);
    expect(named(without, 'getppid').map((e) => e.credit?.method)).toEqual(['call-site', 'call-site', 'call-site']);
    expect(named(without, 'symlink')[0]).toMatchObject({ location: at('symlink'), credit: { method: 'call-site' } });
    expect(named(without, 'getppid')[0]!.location).toEqual(at('getppid'));
    expect(named(without, 'umask')[0]!.credit).toMatchObject({ method: 'none', reason: 'umask is called from 2 places' });
    expect(named(without, 'write')[0]!.credit).toMatchObject({ method: 'none', reason: expect.stringMatching(/^write is called from [3-9] places/) });
  });

  it('a tail call (gcc -O2 jumps to getppid): credited to the line that makes it, where -k names the caller\'s caller', async () => {
    const source = path.join(FIXTURES, 'tailcall.c');
    const program = path.join(mkdtempSync(path.join(buildRoot, 'tail-')), 'tailcall');
    const built = await runProgram('gcc', ['-O2', '-g', '-o', program, source], { timeoutMs: 120_000 });
    expect(built.exitCode, built.stderr).toBe(0);
    const call = named(await trace(program, false), 'getppid')[0];
    expect(call).toMatchObject({ location: { file: source, line: lineOf(source, 'tail-getppid') }, credit: { method: 'call-site' } });
    // parent's frame is gone when getppid runs: its stack goes from getppid straight to main.
    expect(named(await trace(program, true), 'getppid')[0]!.location).toEqual({ file: source, line: lineOf(source, 'calls-parent') });
  });

  it('credits nothing to a function whose address the program takes, however it is compiled', async () => {
    const source = path.join(FIXTURES, 'addresstaken.c');
    const dir = mkdtempSync(path.join(buildRoot, 'pointer-'));
    // PIE (a GOT load), non-PIE (a data relocation) and non-PIC code (an absolute immediate: the
    // symbol gets its PLT stub as its one address).
    for (const flags of [[], ['-no-pie'], ['-fno-pic', '-no-pie']]) {
      const program = path.join(dir, `addresstaken${flags.join('')}`);
      const built = await runProgram('gcc', [...flags, '-g', '-O0', '-o', program, source], { timeoutMs: 120_000 });
      expect(built.exitCode, built.stderr).toBe(0);
      const calls = named(await trace(program, false), 'getppid');
      expect(calls.map((e) => [e.location, e.credit?.reason]), flags.join(' ')).toEqual([[undefined, 'the address of getppid is taken'], [undefined, 'the address of getppid is taken']]);
    }
  });

  it('by default traces a C program with debug lines with stacks, one without them without', async () => {
    expect((await trace(SOURCE, undefined)).stackTraces).toBe(true);
    // A program without debug lines: no stack could name a line of it either.
    const bare = path.join(mkdtempSync(path.join(buildRoot, 'bare-')), 'callsites');
    expect((await runProgram('gcc', ['-O0', '-o', bare, SOURCE], { timeoutMs: 120_000 })).exitCode).toBe(0);
    expect((await trace(bare, undefined)).stackTraces).toBe(false);
    const session = await TraceSession.start({ file: SOURCE, args: [], stdio: 'pipe', buildDirectory: mkdtempSync(path.join(buildRoot, 'b-')), workspaceRoots: [FIXTURES], syscalls: ['umask'] });
    const filtered = await session.done;
    expect(filtered.stackTraces).toBe(true);
    expect(named(filtered, 'umask').map((e) => e.location)).toEqual([at('umask-first'), at('umask-second')]);
  });
});

describe('an strace log of a C program (strace -f -i -y, no -k)', () => {
  it('credits its calls by call site when the folder is trusted; untrusted, reads no library the log names', async () => {
    const dir = mkdtempSync(path.join(buildRoot, 'log-'));
    const build = await buildProgram({ source: SOURCE, buildDirectory: dir });
    expect(build.ok).toBe(true);
    const log = path.join(dir, 'callsites.strace');
    expect((await runProgram('strace', ['-f', '-i', '-y', '-o', log, build.program])).exitCode).toBe(0);
    const text = readFileSync(log, 'utf8');
    const getppid = async (trusted: boolean) => (await loadStraceLog(text, log, { workspaceRoots: [dir, FIXTURES], trusted }))
      .model.events.find((e): e is SyscallEvent => e?.kind === 'syscall' && e.name === 'getppid');
    expect(await getppid(true)).toMatchObject({ location: at('getppid'), credit: { method: 'call-site', function: 'getppid' } });
    const untrusted = await getppid(false);
    expect([untrusted?.location, untrusted?.credit]).toEqual([undefined, undefined]);
  });
});

describe('which libc functions the binaries prove are reached from outside only', () => {
  it('never calls a function exclusive that objdump shows referenced from elsewhere in libc', async () => {
    const libc = (await runProgram('gcc', ['-print-file-name=libc.so.6'])).stdout.trim();
    const code = moduleCode(libc);
    expect(code, libc).toBeDefined();
    const disassembly = await runProgram('objdump', ['-d', '--no-show-raw-insn', libc], { timeoutMs: 120_000 });
    expect(disassembly.exitCode).toBe(0);
    // objdump names each branch or rip-relative target: `call   f8340 <write>`, `# 1d2d40 <…>`.
    const referenced: Array<{ from: number; to: number }> = [];
    for (const match of disassembly.stdout.matchAll(/^\s*([0-9a-f]+):\t[^\n]*?\b([0-9a-f]+) <[^>\n]+>/gm)) {
      referenced.push({ from: parseInt(match[1]!, 16), to: parseInt(match[2]!, 16) });
    }
    expect(referenced.length).toBeGreaterThan(10_000);
    let exclusive = 0;
    for (const name of ['getppid', 'umask', 'symlink', 'flock', 'write', 'read', 'getpid', 'close', 'openat', 'mmap']) {
      const address = [...code!.exports.get(name) ?? []][0];
      const span = address !== undefined ? functionAt(code!.functions, address) : undefined;
      expect(span, name).toBeDefined();
      const fromOutside = referenced.filter((r) => r.to >= span!.start && r.to < span!.end && (r.from < span!.start || r.from >= span!.end));
      const ours = code!.references.into(span!.start, span!.end).filter((r) => r.from < span!.start || r.from >= span!.end);
      if (fromOutside.length > 0) expect(ours.length, `${publicName(span!)}: objdump shows ${fromOutside.length} references`).toBeGreaterThan(0);
      if (ours.length === 0) exclusive++;
    }
    // getppid, umask, symlink and flock are plain wrappers nothing in libc calls.
    expect(exclusive).toBe(4);
  });
});
