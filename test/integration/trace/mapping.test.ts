import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { markerLine } from '../../support/markers';
import { buildProgram } from '../../../toolchain/build';
import { runProgram } from '../../../toolchain/tools';
import { ElfFile } from '../../../trace/map/elf';
import { loadStraceLog } from '../../../trace/logFile';
import { INHERITED } from '../../../trace/model/fds';
import { toRecord } from '../../../trace/model/jsonl';
import { parseStraceText } from '../../../trace/parse/parser';
import { SourceMapper } from '../../../trace/map/sourceMapper';
import type { SignalEvent, SyscallEvent, TraceEvent } from '../../../trace/events';
import { TraceSession, type TraceResult } from '../../../trace/session';
import { kernelRunsI386 } from '../../../toolchain/kernel';

const FIXTURES = path.resolve(__dirname, '../../fixtures/trace');
const buildRoot = mkdtempSync(path.join(os.tmpdir(), 'trace-mapping-'));

const lineOf = markerLine;

/** `stacks`: -k, which a C program is traced without by default (see trace/map/callSites.ts). */
async function trace(file: string, args: string[] = [], stacks?: 'stacks'): Promise<TraceResult> {
  const buildDirectory = mkdtempSync(path.join(buildRoot, 'b-'));
  const session = await TraceSession.start({ file, args, stdio: 'pipe', buildDirectory, workspaceRoots: [buildRoot, FIXTURES], ...(stacks ? { stackTraces: true } : {}) });
  session.child.stdin?.end();
  return session.done;
}

/** Builds calls.asm and runs plain strace with `flags` on it, as a user would, writing a log. */
async function straceLogOfCalls(flags: string[]): Promise<{ source: string; program: string; log: string }> {
  const source = path.join(FIXTURES, 'calls.asm');
  const dir = mkdtempSync(path.join(buildRoot, 'log-'));
  const build = await buildProgram({ source, buildDirectory: dir });
  const log = path.join(dir, 'calls.strace');
  expect((await runProgram('strace', [...flags, '-o', log, build.program])).exitCode).toBe(7);
  return { source, program: build.program, log };
}

/** Builds a fixture crate with cargo, offline, in a copy (cargo writes Cargo.lock beside the manifest, in whichever lock format it knows). */
async function buildCrate(name: string): Promise<{ crate: string; program: string }> {
  const crate = path.join(mkdtempSync(path.join(buildRoot, 'crate-')), name);
  cpSync(path.join(FIXTURES, name), crate, { recursive: true });
  const target = mkdtempSync(path.join(buildRoot, 'cargo-'));
  const built = await runProgram('cargo', ['build', '--offline', '--quiet', '--manifest-path', path.join(crate, 'Cargo.toml')], {
    timeoutMs: 300_000, env: { ...process.env, CARGO_TARGET_DIR: target },
  });
  expect(built.stderr).toBe('');
  return { crate, program: path.join(target, 'debug', name) };
}

const events = (result: TraceResult) => result.model.events.filter((e): e is TraceEvent => e !== undefined);
const calls = (result: TraceResult, name: string) => events(result).filter((e): e is SyscallEvent => e.kind === 'syscall' && e.name === name);

describe('exact lines in a NASM program (write, open, read, mmap, exit)', () => {
  it('maps every syscall to the line of its `syscall` instruction, not the line after', async () => {
    const source = path.join(FIXTURES, 'calls.asm');
    const result = await trace(source);
    for (const name of ['write', 'open', 'read', 'mmap', 'exit']) {
      const [call] = calls(result, name);
      expect(call, name).toBeDefined();
      expect(call!.location, name).toEqual({ file: source, line: lineOf(source, name) });
    }
    expect(calls(result, 'open')[0]).toMatchObject({ errno: 'ENOENT' });
    expect(calls(result, 'read')[0]).toMatchObject({ errno: 'EBADF' });
    expect(result.programExit).toMatchObject({ exitCode: 7 });
  });
});

describe.skipIf(!kernelRunsI386())('int 0x80 and signals', () => {
  it('maps int 0x80 (cd 80) and a SIGSEGV at the faulting instruction', async () => {
    const source = path.join(FIXTURES, 'edge.asm');
    const result = await trace(source);
    const write = calls(result, 'write')[0]!;
    expect(write.abi).toBe('i386');
    expect(write.location).toEqual({ file: source, line: lineOf(source, 'int80') });
    expect(calls(result, 'getpid')[0]!.location).toEqual({ file: source, line: lineOf(source, 'getpid') });
    const segv = events(result).find((e): e is SignalEvent => e.kind === 'signal')!;
    expect(segv.signal).toBe('SIGSEGV');
    expect(segv.location).toEqual({ file: source, line: lineOf(source, 'fault') });
    expect(result.programExit).toMatchObject({ killedBy: 'SIGSEGV' });
  });
});

describe('signals', () => {
  it('credits a signal sent to itself to the kill line, and a fault right after a syscall to the faulting line', async () => {
    const dir = mkdtempSync(path.join(buildRoot, 'signals-'));
    const write = (name: string, text: string) => { writeFileSync(path.join(dir, name), text); return path.join(dir, name); };
    const raise = write('raise.asm', [
      'section .text', 'global _start', '_start:', '    mov eax, 39', '    syscall', '    mov edi, eax', '    mov esi, 10',
      '    mov eax, 62', '    syscall                 ; @kill', '    mov eax, 60', '    syscall',
    ].join('\n') + '\n');
    const sent = events(await trace(raise)).find((e): e is SignalEvent => e.kind === 'signal')!;
    expect(sent.signal).toBe('SIGUSR1');
    expect(sent.location).toEqual({ file: raise, line: lineOf(raise, 'kill') });
    const fault = write('fault.asm', [
      'section .text', 'global _start', '_start:', '    mov eax, 39', '    syscall', '    mov rax, [0]             ; @fault', '    mov eax, 60', '    syscall',
    ].join('\n') + '\n');
    const segv = events(await trace(fault)).find((e): e is SignalEvent => e.kind === 'signal')!;
    expect(segv.signal).toBe('SIGSEGV');
    expect(segv.location).toEqual({ file: fault, line: lineOf(fault, 'fault') });
  });
});

describe.skipIf(!kernelRunsI386())('32-bit programs', () => {
  it('maps int 0x80 calls of an ELF32 program', async () => {
    const source = path.join(FIXTURES, 'calls32.asm');
    const result = await trace(source);
    expect(calls(result, 'write')[0]).toMatchObject({ abi: 'i386', returnValue: 8, location: { file: source, line: lineOf(source, 'write') } });
    expect(calls(result, 'exit')[0]!.location).toEqual({ file: source, line: lineOf(source, 'exit') });
    expect(result.programExit).toMatchObject({ exitCode: 5 });
  });
});

describe('a program built from a root and %included files with macros and procedures', () => {
  const project = path.join(FIXTURES, 'project');
  const io = path.join(project, 'lib/io.inc');
  const sys = path.join(project, 'lib/sys.inc');

  it('credits every call to the user\'s own line: the invocation of a macro, the line that called a wrapper procedure in an include', async () => {
    const main = path.join(project, 'main.asm');
    const result = await trace(main);
    const where = (name: string) => calls(result, name).map((e) => e.location);
    const writeBody = { macroLine: lineOf(sys, 'sys_write_body'), macroFile: sys };
    expect(where('write')).toEqual([
      { file: main, line: lineOf(main, 'first_macro'), ...writeBody },
      { file: main, line: lineOf(main, 'second_macro'), ...writeBody },
      // A small wrapper procedure in an include: the line that called it, the wrapper's syscall line as
      // detail (DW_AT_comp_dir: the included file's real path, not one in the build directory).
      { file: main, line: lineOf(main, 'call_print'), procedureLine: lineOf(io, 'print_syscall'), procedureFile: io },
      // A macro invoked inside an included wrapper: the caller, and the invocation line in that include.
      { file: main, line: lineOf(main, 'call_shout'), procedureLine: lineOf(io, 'shout_macro'), procedureFile: io },
    ]);
    expect(where('getpid')).toEqual([{ file: main, line: lineOf(main, 'call_whoami'), procedureLine: lineOf(io, 'whoami_syscall'), procedureFile: io }]);
    // Nested macros: the outermost invocation, the innermost body line.
    expect(where('exit')).toEqual([{ file: main, line: lineOf(main, 'nested_macro'), macroLine: lineOf(sys, 'sys_exit_body'), macroFile: sys }]);
    // Traced with -k (for the wrappers), a syscall instruction on the user's line is still credited by its address.
    expect(result.stackTraces).toBe(true);
    expect(calls(result, 'write').map((e) => e.credit?.method)).toEqual(['address', 'address', 'stack', 'stack']);
  });

  it('credits a macro invoked inside %rep to its line in the %rep body, once per copy', async () => {
    const repeat = path.join(project, 'repeat.asm');
    const result = await trace(repeat);
    const write = { file: repeat, line: lineOf(repeat, 'rep_write'), macroLine: lineOf(sys, 'sys_write_body'), macroFile: sys };
    expect(calls(result, 'write').map((e) => e.location)).toEqual([write, write]);
    expect(calls(result, 'exit')[0]!.location).toEqual({ file: repeat, line: lineOf(repeat, 'rep_exit'), macroLine: lineOf(sys, 'sys_exit_body'), macroFile: sys });
  });

  it('places a .data made only of a macro\'s expansion at its ELF address, not at a code row whose line number its body shares', async () => {
    const program = path.join(project, 'datamacro.asm');
    const records = path.join(project, 'lib/records.inc');
    // The collision the fixture is made of: the macro's first `dq` has the number of the getpid line.
    expect(lineOf(records, 'record_field')).toBe(lineOf(program, 'same_line_getpid'));
    const result = await trace(program);
    expect(calls(result, 'getpid')[0]!.location).toEqual({ file: program, line: lineOf(program, 'same_line_getpid') });
    expect(calls(result, 'getppid')[0]!.location).toEqual({ file: program, line: lineOf(program, 'same_line_getppid') });
  });

  it('maps a _start made only of macro calls (no top-level instruction to place the section by)', async () => {
    const only = path.join(project, 'onlymacros.asm');
    const result = await trace(only);
    expect(calls(result, 'write')[0]!.location).toEqual({ file: only, line: lineOf(only, 'only_write'), macroLine: lineOf(sys, 'sys_write_body'), macroFile: sys });
    expect(calls(result, 'exit')[0]!.location).toEqual({ file: only, line: lineOf(only, 'only_exit'), macroLine: lineOf(sys, 'sys_exit_body'), macroFile: sys });
  });
});

describe('a program a Makefile built from the project\'s top (nasm src/main.asm run there)', () => {
  it('maps its calls to the real files: nasm records the source\'s folder as DW_AT_comp_dir and the name as given', async () => {
    const top = mkdtempSync(path.join(buildRoot, 'top-'));
    cpSync(path.join(FIXTURES, 'topbuilt'), top, { recursive: true });
    for (const source of ['src/main.asm', 'src/lib/say.asm']) {
      const built = await runProgram('nasm', ['-f', 'elf64', '-g', '-F', 'dwarf', '-o', source.replace(/\.asm$/, '.o'), source], { cwd: top });
      expect(built.stderr).toBe('');
    }
    expect((await runProgram('ld', ['-o', 'said', 'src/main.o', 'src/lib/say.o'], { cwd: top })).exitCode).toBe(0);
    const session = await TraceSession.start({ file: path.join(top, 'said'), args: [], stdio: 'pipe', workspaceRoots: [top] });
    const result = await session.done;
    const main = path.join(top, 'src/main.asm');
    const say = path.join(top, 'src/lib/say.asm');
    expect(calls(result, 'write').map((e) => e.location)).toEqual([{ file: say, line: lineOf(say, 'say_write') }]);
    expect(calls(result, 'exit')[0]!.location).toEqual({ file: main, line: lineOf(main, 'exit') });
  });
});

describe('C and Rust: the user\'s own line, and where each call comes from', () => {
  it('gives no origin to the calls of a child posix_spawn runs on a stack of its own (not libc start-up)', async () => {
    const source = path.join(FIXTURES, 'spawn.c');
    const result = await trace(source, [], 'stacks');
    const parent = calls(result, 'execve')[0]!.pid;
    const shell = calls(result, 'execve').find((e) => e.pid !== parent)!;
    const beforeExec = events(result).filter((e): e is SyscallEvent => e.kind === 'syscall' && e.pid === shell.pid && e.seq < shell.seq);
    expect(beforeExec.length).toBeGreaterThan(0);
    for (const call of beforeExec) expect(call.origin, `${call.name} ${call.via?.join(' ')}`).toBeUndefined();
    // The parent's calls inside system() are at its line; libc's start-up keeps its origin.
    expect(calls(result, 'rt_sigprocmask').find((e) => e.pid === parent)).toMatchObject({ origin: 'user', location: { file: source, line: lineOf(source, 'system') } });
    expect(calls(result, 'prlimit64').find((e) => e.pid === parent)?.origin).toBe('startup');
    expect(calls(result, 'clone3').find((e) => e.pid === parent)).toMatchObject({ origin: 'user', location: { file: source, line: lineOf(source, 'system') } });
  });

  it('names each libc frame by the function that holds it, not by the exported symbol strace found before it', async () => {
    const source = path.join(FIXTURES, 'libcframes.c');
    const result = await trace(source, [], 'stacks');
    // Calls with a short via (a long one elides its middle frames), one name per library frame.
    const libcCalls = events(result).filter((e): e is SyscallEvent => e.kind === 'syscall' && e.origin === 'user' && (e.via?.length ?? 0) > 0 && !e.via!.includes('…'));
    const libc = libcCalls[0]!.stack[0]!.module;
    // nm's view of libc's functions: name → [start, end).
    const nm = await runProgram('nm', ['-D', '--defined-only', '-S', libc]);
    const spans = new Map<string, Array<[number, number]>>();
    for (const line of nm.stdout.split('\n')) {
      const [start, size, type, name] = line.split(/\s+/);
      if (!name || !/^[TtWiI]$/.test(type!)) continue;
      const bare = name.replace(/@.*$/, '');
      spans.set(bare, [...(spans.get(bare) ?? []), [parseInt(start!, 16), parseInt(start!, 16) + parseInt(size!, 16)]]);
    }
    const holds = (name: string, offset: number) => spans.get(name)?.some(([start, end]) => offset >= start && offset < end) ?? false;
    const elf = ElfFile.read(libc);
    let misnamedByStrace = 0;
    for (const call of libcCalls) {
      const frames = call.stack.slice(0, call.via!.length).reverse();
      frames.forEach((frame, i) => {
        // A return address (or the ip after the syscall): the instruction before it is the function's.
        const address = elf.addressOfFileOffset(frame.address)! - 1;
        if (frame.symbol && spans.has(frame.symbol) && !holds(frame.symbol, address)) misnamedByStrace++;
        const shown = call.via![i]!;
        // Either a function nm says holds the address, or only the library's name.
        if (shown !== path.basename(libc)) expect(holds(shown, address), `${call.name} via ${shown} at 0x${address.toString(16)}`).toBe(true);
      });
    }
    expect(misnamedByStrace).toBeGreaterThan(0);
    const fopen = calls(result, 'openat').find((e) => e.args[1]?.text === '"/etc/hostname"')!;
    expect(fopen.location).toEqual({ file: source, line: lineOf(source, 'fopen') });
    const perror = calls(result, 'write').find((e) => e.args[1]?.text.startsWith('"fopen: '))!;
    expect(perror.location).toEqual({ file: source, line: lineOf(source, 'perror') });
  });

  it('without debug info (and for a #! script, its interpreter\'s) tells main\'s calls from libc start-up\'s and the loader\'s', async () => {
    const dir = mkdtempSync(path.join(buildRoot, 'nodebug-'));
    const source = path.join(dir, 'plain.c');
    writeFileSync(source, '#include <unistd.h>\n#include <stdlib.h>\nint main(void) { write(1, "main\\n", 5); return 0; }\n');
    const program = path.join(dir, 'plain');
    expect((await runProgram('gcc', ['-O0', '-o', program, source])).exitCode).toBe(0);
    const plain = await trace(program, [], 'stacks');
    expect(calls(plain, 'write')[0]!.origin).toBe('user'); // main, which has no line, called it
    expect(calls(plain, 'write')[0]!.location).toBeUndefined();
    expect(calls(plain, 'prlimit64')[0]?.origin).toBe('startup');
    expect(calls(plain, 'openat').find((e) => /libc\.so/.test(e.args[1]!.text))?.origin).toBe('loader');
    // A shell script: /bin/sh is the program whose loader and start-up these are.
    const script = path.join(dir, 'script.sh');
    writeFileSync(script, '#!/bin/sh\necho from the script\n', { mode: 0o755 });
    const shell = await trace(script, [], 'stacks');
    expect(calls(shell, 'openat').find((e) => /libc\.so/.test(e.args[1]!.text))?.origin).toBe('loader');
    expect(calls(shell, 'write').find((e) => /from the script/.test(e.args[1]!.text))?.origin).toBe('user');
    expect(shell.model.origins.get('startup')).toBeGreaterThanOrEqual(1);
  });

  it('counts an atexit handler\'s calls and the flush of an exit() called from a helper as exit, at their lines', async () => {
    const dir = mkdtempSync(path.join(buildRoot, 'atexit-'));
    const source = path.join(dir, 'atexit.c');
    writeFileSync(source, [
      '#include <stdio.h>', '#include <stdlib.h>', '#include <unistd.h>',
      'static void goodbye(void) { write(1, "bye\\n", 4); } // @handler',
      'static void quit(void) { exit(0); } // @quit',
      'int main(void) {', '  atexit(goodbye);', '  printf("buffered\\n");', '  write(1, "direct\\n", 7); // @direct', '  quit();', '}', '',
    ].join('\n'));
    const result = await trace(source, [], 'stacks');
    const written = (text: string) => calls(result, 'write').find((e) => e.args[1]!.text.includes(text))!;
    expect(written('direct')).toMatchObject({ origin: 'user', location: { file: source, line: lineOf(source, 'direct') } });
    expect(written('bye')).toMatchObject({ origin: 'exit', location: { file: source, line: lineOf(source, 'handler') } });
    expect(written('buffered')).toMatchObject({ origin: 'exit', location: { file: source, line: lineOf(source, 'quit') } });
  });

  it('with -k stacks credits a libc call to the line in main, and the exit-time flush of stdout to exit', async () => {
    const source = path.join(FIXTURES, 'flush.c');
    const result = await trace(source, [], 'stacks');
    const [direct, flushed] = calls(result, 'write');
    expect(direct).toMatchObject({ origin: 'user', location: { file: source, line: lineOf(source, 'direct') } });
    expect(direct!.via?.at(-1)).toMatch(/write/);
    expect(flushed!.args[1]!.text).toBe('"flushed at exit\\n"');
    expect(flushed!.origin).toBe('exit');
    expect(flushed!.location).toBeUndefined();
    expect(calls(result, 'execve')[0]!.origin).toBe('loader');
    // The dynamic loader opens libc before main runs.
    expect(calls(result, 'openat').find((e) => /libc\.so/.test(e.args[1]!.text))?.origin).toBe('loader');
    expect(result.model.origins.get('user')).toBeGreaterThanOrEqual(1);
    expect(result.model.origins.get('exit')).toBeGreaterThanOrEqual(2);
  });

  it('without -k stacks (stackTraces: false) credits no libc call to a line rather than a wrong one', async () => {
    const source = path.join(FIXTURES, 'flush.c');
    const session = await TraceSession.start({ file: source, args: [], stdio: 'pipe', buildDirectory: mkdtempSync(path.join(buildRoot, 'b-')),
      workspaceRoots: [buildRoot, FIXTURES], stackTraces: false });
    session.child.stdin?.end();
    const result = await session.done;
    const writes = calls(result, 'write');
    expect(writes).toHaveLength(2);
    // The ip is inside libc's write: no frame leads back to main, so no line is claimed.
    for (const write of writes) expect([write.stack.length, write.location]).toEqual([0, undefined]);
  });

  it('with a syscall filter traces only those calls, still credited through -k stacks; a name that is no syscall stops it first', async () => {
    const source = path.join(FIXTURES, 'flush.c');
    const session = await TraceSession.start({ file: source, args: [], stdio: 'pipe', buildDirectory: mkdtempSync(path.join(buildRoot, 'b-')),
      workspaceRoots: [buildRoot, FIXTURES], syscalls: ['write'] });
    session.child.stdin?.end();
    const result = await session.done;
    expect([...new Set(events(result).flatMap((e) => (e.kind === 'syscall' ? [e.name] : [])))].sort()).toEqual(['execve', 'write']);
    const [direct, flushed] = calls(result, 'write');
    expect(direct).toMatchObject({ origin: 'user', location: { file: source, line: lineOf(source, 'direct') } });
    expect(flushed!.origin).toBe('exit');
    await expect(TraceSession.start({ file: source, args: [], stdio: 'pipe', syscalls: ['write', 'wirte'] }))
      .rejects.toThrow(/Not a syscall of x86-64: "wirte"/);
  });

  it('builds a NASM program with its own _start that calls libc (extern), and credits the call to its line', async () => {
    const source = path.join(FIXTURES, 'extern-write.asm');
    const result = await trace(source, [], 'stacks');
    expect(result.target.usesLibc).toBe(true);
    const write = calls(result, 'write').find((e) => e.args[1]!.text === '"raw start, libc write\\n"');
    expect(write).toMatchObject({ origin: 'user', location: { file: source, line: lineOf(source, 'libc_write') } });
    expect(calls(result, 'exit')[0]!.location).toEqual({ file: source, line: lineOf(source, 'exit') });
    expect(calls(result, 'execve')[0]!.origin).toBe('loader');
  });

  it('credits a Rust std-only crate\'s write to src/main.rs, with the std frames as detail', async () => {
    const { crate, program } = await buildCrate('rust-hello');
    const session = await TraceSession.start({ file: program, args: [], stdio: 'pipe', workspaceRoots: [crate] });
    const result = await session.done;
    const main = path.join(crate, 'src/main.rs');
    const [stdout, stderr] = calls(result, 'write');
    expect(stdout).toMatchObject({ origin: 'user', location: { file: main, line: lineOf(main, 'println') } });
    expect(stdout!.via?.join(' ')).toContain('std::io::stdio::_print');
    expect(stderr).toMatchObject({ origin: 'user', location: { file: main, line: lineOf(main, 'stderr') } });
    // std's own set-up and clean-up (stack guard, signal handlers) is the runtime's, never a line of main.rs.
    expect(calls(result, 'sigaltstack').length).toBeGreaterThanOrEqual(2);
    expect(new Set(calls(result, 'sigaltstack').map((e) => e.origin))).toEqual(new Set(['runtime']));
    expect(calls(result, 'sigaltstack').every((e) => e.location === undefined)).toBe(true);
  }, 300_000);
});

describe('a Rust program linked by LLD (rustc\'s default linker here)', () => {
  it('is traced as a copy whose code segment starts at its page, so strace -k keeps every frame and each call is at the helper\'s line', async () => {
    const { crate, program } = await buildCrate('rust-files');
    // What this test is about: LLD starts the code segment mid-page (file offset not page aligned).
    const code = ElfFile.read(program).segments.find((s) => s.type === 1 && (s.flags & 1) !== 0)!;
    expect(code.offset % 4096, 'the program is no longer linked by LLD: nothing here to test').not.toBe(0);
    const session = await TraceSession.start({ file: program, args: [], cwd: crate, stdio: 'pipe', workspaceRoots: [crate] });
    const result = await session.done;
    const main = path.join(crate, 'src/main.rs');
    const opened = calls(result, 'openat').find((e) => e.args[1]?.text === '"Cargo.toml"')!;
    expect(opened).toMatchObject({ origin: 'user', location: { file: main, line: lineOf(main, 'open') } });
    const fd = opened.returnValue;
    const onFile = (name: string) => calls(result, name).filter((e) => e.seq > opened.seq && e.args[0]?.text === String(fd));
    expect(onFile('read').length).toBeGreaterThanOrEqual(1);
    for (const read of onFile('read')) expect(read).toMatchObject({ origin: 'user', location: { file: main, line: lineOf(main, 'read') } });
    expect(onFile('close')[0]).toMatchObject({ origin: 'user', location: { file: main, line: lineOf(main, 'drop') } });
    expect(calls(result, 'write')[0]).toMatchObject({ origin: 'user', location: { file: main, line: lineOf(main, 'println') } });
    // The copy maps the same file pages at the same addresses.
    const traced = calls(result, 'execve')[0]!.args[0]!.text.slice(1, -1);
    expect(traced).not.toBe(program);
    const pages = (file: string) => ElfFile.read(file).segments.filter((s) => s.type === 1)
      .map((s) => [s.offset - (s.offset % 4096), s.address - (s.address % 4096), s.address + s.memorySize, s.offset + s.fileSize, s.flags]);
    expect(pages(traced)).toEqual(pages(program));
    expect(readFileSync(traced).subarray(4096)).toEqual(readFileSync(program).subarray(4096));
  }, 300_000);
});

describe('a C program linked with gcc -static (no .eh_frame_hdr)', () => {
  it('is traced as a copy with an unwind search table: each call at its line, with its origin', async () => {
    const dir = mkdtempSync(path.join(buildRoot, 'static-'));
    const source = path.join(FIXTURES, 'static.c');
    const program = path.join(dir, 'static');
    expect((await runProgram('gcc', ['-static', '-g', '-O0', '-o', program, source])).exitCode).toBe(0);
    // What this test is about: gcc links statically without --eh-frame-hdr.
    const PT_GNU_EH_FRAME = 0x6474e550;
    expect(ElfFile.read(program).segments.some((s) => s.type === PT_GNU_EH_FRAME), 'gcc -static now writes .eh_frame_hdr: nothing here to test').toBe(false);
    const result = await trace(program, [], 'stacks');
    const opened = calls(result, 'openat').find((e) => e.args[1]?.text === '"/etc/hostname"')!;
    expect(opened).toMatchObject({ origin: 'user', location: { file: source, line: lineOf(source, 'open') } });
    expect(calls(result, 'read').find((e) => e.args[0]?.text === String(opened.returnValue))).toMatchObject({ origin: 'user', location: { file: source, line: lineOf(source, 'read') } });
    expect(calls(result, 'close').find((e) => e.args[0]?.text === String(opened.returnValue))).toMatchObject({ origin: 'user', location: { file: source, line: lineOf(source, 'close') } });
    expect(calls(result, 'write').find((e) => /read \d+ bytes/.test(e.args[1]!.text))?.origin).toBe('exit');
    expect(calls(result, 'arch_prctl')[0]?.origin).toBe('startup');
    // The copy runs the same code at the same addresses: only a segment with the table is added.
    const traced = calls(result, 'execve')[0]!.args[0]!.text.slice(1, -1);
    expect(traced).not.toBe(program);
    const loads = (file: string) => ElfFile.read(file).segments.filter((s) => s.type === 1);
    expect(loads(traced).slice(0, loads(program).length)).toEqual(loads(program));
    expect(ElfFile.read(traced).segments.filter((s) => s.type === PT_GNU_EH_FRAME)).toHaveLength(1);
    expect(readFileSync(traced).subarray(0, 64)).toEqual(readFileSync(program).subarray(0, 64));
  }, 120_000);
});

describe('a child that runs another program (execve)', () => {
  it('credits none of the other program\'s calls to the traced program\'s lines, though its code sits at the same addresses', async () => {
    const other = await buildProgram({ source: path.join(FIXTURES, 'execed.asm'), buildDirectory: mkdtempSync(path.join(buildRoot, 'execed-')) });
    expect(other.ok).toBe(true);
    const source = path.join(FIXTURES, 'execother.asm');
    const result = await trace(source, [other.program]);
    const child = calls(result, 'execve').find((e) => e.args[0]?.text === JSON.stringify(other.program))!;
    expect(child).toBeDefined();
    const afterExec = events(result).filter((e): e is SyscallEvent => e.kind === 'syscall' && e.pid === child.pid && e.seq > child.seq);
    expect(afterExec.map((e) => e.name)).toEqual(['write', 'getpid', 'exit']);
    for (const call of afterExec) expect(call.location, call.name).toBeUndefined();
    expect(calls(result, 'wait4')[0]!.location).toEqual({ file: source, line: lineOf(source, 'wait') });
    expect(calls(result, 'exit').find((e) => e.pid !== child.pid)!.location).toEqual({ file: source, line: lineOf(source, 'exit') });
    // The child's execve is its own call, at its line; only the launcher's, which starts the program, is loading.
    expect(child).toMatchObject({ origin: 'user', location: { file: source, line: lineOf(source, 'execve') } });
    expect(calls(result, 'execve')[0]!.origin).toBe('loader');
  });

  it('names the loading of a dynamic program that a static one runs: its loader is the one that program names', async () => {
    const source = path.join(FIXTURES, 'execother.asm');
    const result = await trace(source, ['/bin/true'], 'stacks');
    const child = calls(result, 'execve').find((e) => e.args[0]?.text === '"/bin/true"')!;
    expect(child).toMatchObject({ returnValue: 0, origin: 'user' });
    const afterExec = events(result).filter((e): e is SyscallEvent => e.kind === 'syscall' && e.pid === child.pid && e.seq > child.seq);
    // ld.so finds libc through its cache, then maps it: the loader's calls, as in a dynamic program's own trace.
    const cache = afterExec.find((e) => e.name === 'openat' && e.args[1]?.text === '"/etc/ld.so.cache"');
    expect(cache?.origin).toBe('loader');
    expect(afterExec.find((e) => e.name === 'arch_prctl')?.origin).toBe('loader');
    expect(afterExec.find((e) => e.name === 'exit_group')?.origin).toBe('exit');
    for (const call of afterExec) expect(call.location, call.name).toBeUndefined();
  });

  it('credits a C program\'s execl, failed or not, to its line through the stack', async () => {
    const dir = mkdtempSync(path.join(buildRoot, 'execl-'));
    const source = path.join(dir, 'execl.c');
    writeFileSync(source, '#include <unistd.h>\nint main(void) {\n  execl("/nonexistent/tool", "tool", (char *)0); // @missing\n  execl("/bin/true", "true", (char *)0); // @true\n  return 1;\n}\n');
    const result = await trace(source, [], 'stacks');
    const [launcher, missing, replaced] = calls(result, 'execve');
    expect(launcher!.origin).toBe('loader');
    expect(missing).toMatchObject({ errno: 'ENOENT', origin: 'user', location: { file: source, line: lineOf(source, 'missing') } });
    expect(replaced).toMatchObject({ returnValue: 0, origin: 'user', location: { file: source, line: lineOf(source, 'true') } });
    // /bin/true's own calls are another program's: no line of execl.c.
    const after = events(result).filter((e): e is SyscallEvent => e.kind === 'syscall' && e.seq > replaced!.seq);
    expect(after.length).toBeGreaterThan(0);
    for (const call of after) expect(call.location, call.name).toBeUndefined();
  });
});

describe('a program built without debug lines (nasm without -g, as a Makefile may build it)', () => {
  it('shows its calls as the user\'s code, without a line, and says why: with or without stacks', async () => {
    const dir = mkdtempSync(path.join(buildRoot, 'nodebug-'));
    const object = path.join(dir, 'calls.o');
    const program = path.join(dir, 'calls');
    expect((await runProgram('nasm', ['-f', 'elf64', '-o', object, path.join(FIXTURES, 'calls.asm')])).exitCode).toBe(0);
    expect((await runProgram('ld', ['-o', program, object])).exitCode).toBe(0);
    for (const stacks of [undefined, 'stacks'] as const) {
      const result = await trace(program, [], stacks);
      expect(result.stackTraces).toBe(stacks === 'stacks');
      for (const name of ['write', 'open', 'read', 'mmap', 'exit']) {
        const [call] = calls(result, name);
        expect(call, name).toMatchObject({ origin: 'user', credit: { method: 'none' } });
        expect(call!.location, name).toBeUndefined();
        expect(call!.credit!.reason, name).toMatch(/no debug line .*-g/);
      }
    }
  });
});

describe('file-descriptor provenance', () => {
  it('links every descriptor argument to the call that created it: reuse after close, dup, pipe across fork, inherited 0/1/2', async () => {
    const source = path.join(FIXTURES, 'fds.asm');
    const result = await trace(source);
    const at = (marker: string) => events(result).find((e): e is SyscallEvent => e.kind === 'syscall' && e.location?.line === lineOf(source, marker))!;
    expect(at('first_read').fdOrigins?.[0]).toBe(at('first_open').seq);
    expect(at('close').fdOrigins?.[0]).toBe(at('first_open').seq);
    // The same number after close is a new incarnation.
    expect(at('second_open').returnValue).toBe(at('first_open').returnValue);
    expect(at('dup').fdOrigins?.[0]).toBe(at('second_open').seq);
    expect(at('dup_read').fdOrigins?.[0]).toBe(at('dup').seq);
    // The child inherits the table at fork.
    expect(at('child_write').pid).not.toBe(at('pipe').pid);
    expect(at('child_write').fdOrigins?.[0]).toBe(at('pipe').seq);
    expect(at('pipe_read').fdOrigins?.[0]).toBe(at('pipe').seq);
    expect(at('stdout_write').fdOrigins?.[0]).toBe(INHERITED);
    expect(toRecord(at('dup_read')).argOrigins).toEqual([at('dup').seq, null, null]);
  });
});

describe('opening an existing strace log', () => {
  it('maps a log written by plain strace -i to the program\'s lines', async () => {
    const { source, program, log } = await straceLogOfCalls(['-i']);
    const loaded = await loadStraceLog(readFileSync(log, 'utf8'), log);
    expect(loaded.program).toBe(program);
    const write = loaded.model.events.find((e): e is SyscallEvent => e?.kind === 'syscall' && e.name === 'write');
    expect(write?.location).toEqual({ file: source, line: lineOf(source, 'write') });
  });

  /** The log with its execve naming `program` instead (a log is data from anywhere). */
  function logNaming(text: string, program: string, into: string): string {
    const log = path.join(into, 'renamed.strace');
    writeFileSync(log, text.replace(/execve\("[^"]*"/, `execve(${JSON.stringify(program)}`));
    return log;
  }

  it('reads only a regular file: a log naming /dev/zero or a FIFO opens at once, unmapped', async () => {
    const { log } = await straceLogOfCalls(['-i']);
    const text = readFileSync(log, 'utf8');
    const fifo = path.join(path.dirname(log), 'fifo');
    expect((await runProgram('mkfifo', [fifo])).exitCode).toBe(0);
    for (const named of ['/dev/zero', fifo, path.dirname(log)]) {
      const renamed = logNaming(text, named, path.dirname(log));
      const loaded = await loadStraceLog(readFileSync(renamed, 'utf8'), renamed);
      expect(loaded.program).toBe(named);
      expect(loaded.mapped).toBeUndefined();
      expect(loaded.model.summary().find((s) => s.name === 'write')?.calls).toBe(1);
    }
  });

  it('in an untrusted folder reads the program only from inside the workspace (links followed)', async () => {
    const { source, program, log } = await straceLogOfCalls(['-i']);
    const text = readFileSync(log, 'utf8');
    const workspace = mkdtempSync(path.join(buildRoot, 'workspace-'));
    const inside = path.join(workspace, 'calls');
    copyFileSync(program, inside);
    const link = path.join(workspace, 'link-out');
    symlinkSync(program, link);
    const untrusted = { workspaceRoots: [workspace], trusted: false };
    const mappedWrite = (loaded: Awaited<ReturnType<typeof loadStraceLog>>) =>
      loaded.model.events.find((e): e is SyscallEvent => e?.kind === 'syscall' && e.name === 'write')?.location;
    const fromInside = logNaming(text, inside, workspace);
    expect(mappedWrite(await loadStraceLog(readFileSync(fromInside, 'utf8'), fromInside, untrusted))).toEqual({ file: source, line: lineOf(source, 'write') });
    for (const outside of [program, link]) {
      const renamed = logNaming(text, outside, workspace);
      const loaded = await loadStraceLog(readFileSync(renamed, 'utf8'), renamed, untrusted);
      expect(loaded.mapped).toBeUndefined();
      expect(mappedWrite(loaded)).toBeUndefined();
      // Trusted, the same log maps.
      expect((await loadStraceLog(readFileSync(renamed, 'utf8'), renamed, { workspaceRoots: [workspace], trusted: true })).mapped).toBe(true);
    }
  });
});

describe('fault injection', () => {
  it('re-runs with the chosen call failing (strace -e inject)', async () => {
    const source = path.join(FIXTURES, 'calls.asm');
    const session = await TraceSession.start({
      file: source, args: [], stdio: 'pipe', buildDirectory: mkdtempSync(path.join(buildRoot, 'inject-')),
      inject: { syscall: 'write', errno: 'EACCES', when: 1 },
    });
    const result = await session.done;
    expect(calls(result, 'write')[0]).toMatchObject({ result: '-1', errno: 'EACCES', annotations: ['(INJECTED)'], location: { line: lineOf(source, 'write') } });
  });
});

describe('macro-wrapped syscalls', () => {
  it('attributes each expansion to its invoking line and keeps the macro line', async () => {
    const source = path.join(FIXTURES, 'macro.asm');
    const result = await trace(source);
    const writes = calls(result, 'write');
    expect(writes.map((w) => w.location)).toEqual([
      { file: source, line: lineOf(source, 'first'), macroLine: lineOf(source, 'macro-syscall'), macroFile: source },
      { file: source, line: lineOf(source, 'second'), macroLine: lineOf(source, 'macro-syscall'), macroFile: source },
    ]);
    expect(calls(result, 'exit')[0]!.location).toEqual({ file: source, line: lineOf(source, 'exit') });
  });
});

describe('forking and threaded programs (-f)', () => {
  it('follows the child of fork() and maps both processes', async () => {
    const source = path.join(FIXTURES, 'fork.asm');
    const result = await trace(source);
    const fork = calls(result, 'fork')[0]!;
    expect(fork.location?.line).toBe(lineOf(source, 'fork'));
    const child = fork.returnValue!;
    const writes = calls(result, 'write');
    expect(writes.find((w) => w.pid === child)?.location?.line).toBe(lineOf(source, 'child-write'));
    expect(writes.find((w) => w.pid !== child)?.location?.line).toBe(lineOf(source, 'parent-write'));
    expect(calls(result, 'wait4')[0]!.location?.line).toBe(lineOf(source, 'wait'));
    expect(result.model.processes.get(child)).toMatchObject({ parent: fork.pid, thread: false, exit: 'exited with 3' });
  });

  it('maps libc calls of a threaded C program through -k frames to the calling line', async () => {
    const source = path.join(FIXTURES, 'threads.c');
    const result = await trace(source, [], 'stacks');
    const writes = calls(result, 'write');
    const threadWrites = writes.filter((w) => w.location?.line === lineOf(source, 'thread-write'));
    expect(threadWrites).toHaveLength(2);
    expect(new Set(threadWrites.map((w) => w.pid)).size).toBe(2);
    expect(writes.find((w) => w.args[1]?.text === '"main\\n"')?.location).toEqual({ file: source, line: lineOf(source, 'main-write') });
    const threads = [...result.model.processes.values()].filter((p) => p.thread);
    expect(threads).toHaveLength(2);
    // glibc's clone3 unwinds no further than itself: credited as the call before it, inside pthread_create.
    const created = calls(result, 'clone3');
    expect(created).toHaveLength(2);
    created.forEach((call, i) => {
      expect(call).toMatchObject({ origin: 'user', location: { file: source, line: lineOf(source, ['create', 'create2'][i]!) }, credit: { method: 'previous-call' } });
    });
    // Each thread's own calls around its write are libc starting it (rseq, set_robust_list) and ending it (madvise, exit).
    for (const thread of threads) {
      const own = events(result).filter((e): e is SyscallEvent => e.kind === 'syscall' && e.pid === thread.pid);
      const write = own.findIndex((e) => e.name === 'write');
      expect(write).toBeGreaterThan(0);
      expect(own.slice(0, write).map((e) => e.origin)).toEqual(own.slice(0, write).map(() => 'startup'));
      expect(own.slice(write + 1).map((e) => e.origin)).toEqual(own.slice(write + 1).map(() => 'exit'));
      expect(own.slice(write + 1).map((e) => e.name)).toContain('exit');
    }
  });
});

describe('-k frames from both kinds of strace', () => {
  it('maps file offsets (libunwind, Debian) and module addresses (libdw) to the same lines', async () => {
    // Debian's strace -k: frames carry file offsets (`[0x101b]`), no -i ip to fall back on.
    const { source, program, log } = await straceLogOfCalls(['-k']);
    const build = { program };
    const libunwind = readFileSync(log, 'utf8');
    const elf = ElfFile.read(build.program);
    // The same trace as a libdw strace prints it: the frame's address inside the module.
    const libdw = libunwind.replace(/\[0x([0-9a-f]+)\]$/gm, (_, offset: string) => `[0x${elf.addressOfFileOffset(parseInt(offset, 16))!.toString(16)}]`);
    expect(libdw).not.toBe(libunwind);
    for (const [text, frameAddresses] of [[libunwind, 'file-offset'], [libdw, 'module-address']] as const) {
      const mapper = new SourceMapper({ program: build.program, frameAddresses });
      const lines = new Map<string, number | undefined>();
      for (const event of parseStraceText(text).events) {
        if (event.kind === 'syscall') lines.set(event.name, mapper.map(event)?.line);
      }
      for (const name of ['write', 'open', 'read', 'mmap', 'exit']) expect(lines.get(name), `${frameAddresses} ${name}`).toBe(lineOf(source, name));
    }
  });
});

describe('NASM programs linked with libc', () => {
  it('maps a write made inside libc to the `call` that led there', async () => {
    const source = path.join(FIXTURES, 'libc-main.asm');
    const result = await trace(source, [], 'stacks');
    expect(result.target.usesLibc).toBe(true);
    const write = calls(result, 'write').find((w) => w.args[1]?.text === '"via libc\\n"');
    expect(write?.location).toEqual({ file: source, line: lineOf(source, 'call-write') });
  });
});

describe('position-independent programs', () => {
  it('rebases a static-pie by its run-time load address', async () => {
    const dir = mkdtempSync(path.join(buildRoot, 'pie-'));
    const source = path.join(dir, 'calls.asm');
    copyFileSync(path.join(FIXTURES, 'calls.asm'), source);
    // `default rel` keeps the code position independent; the fixture's absolute `mov rsi, msg` is patched to lea.
    const text = readFileSync(source, 'utf8').replace('global  _start', 'default rel\n        global  _start')
      .replace(/mov {5}(rsi|rdi), (msg|path)/g, 'lea     $1, [$2]');
    writeFileSync(source, text);
    const object = path.join(dir, 'calls.o');
    const program = path.join(dir, 'calls-pie');
    expect((await runProgram('nasm', ['-f', 'elf64', '-g', '-F', 'dwarf', '-o', object, source])).exitCode).toBe(0);
    expect((await runProgram('ld', ['-pie', '--no-dynamic-linker', '-o', program, object])).exitCode).toBe(0);
    const result = await trace(program);
    const write = calls(result, 'write')[0]!;
    expect(write.ip! > 0x10000).toBe(true);
    for (const name of ['write', 'open', 'read', 'mmap', 'exit']) {
      expect(calls(result, name)[0]!.location, name).toEqual({ file: source, line: lineOf(source, name) });
    }
  });
});

describe('odd file names', () => {
  it('traces and maps a source whose path has spaces, parentheses and quotes', async () => {
    const dir = path.join(mkdtempSync(path.join(buildRoot, 'odd-')), 'my (odd) "dir"');
    mkdirSync(dir);
    const source = path.join(dir, "it's a (test).asm");
    copyFileSync(path.join(FIXTURES, 'calls.asm'), source);
    const result = await trace(source);
    expect(calls(result, 'write')[0]!.location).toEqual({ file: source, line: lineOf(source, 'write') });
    expect(calls(result, 'exit')[0]!.location).toEqual({ file: source, line: lineOf(source, 'exit') });
  });
});

describe('a NASM program built elsewhere (a Makefile)', () => {
  /** The fixture's sources in a folder of their own, built as its Makefile would: nasm -I macros/ each source, then ld. */
  async function buildLikeMake(): Promise<{ folder: string; program: string }> {
    const folder = path.join(mkdtempSync(path.join(buildRoot, 'make-')), 'prebuilt');
    cpSync(path.join(FIXTURES, 'prebuilt'), folder, { recursive: true });
    for (const source of ['main', 'greet']) {
      const assembled = await runProgram('nasm', ['-f', 'elf64', '-g', '-F', 'dwarf', '-I', 'macros/', `${source}.asm`, '-o', `${source}.o`], { cwd: folder });
      expect(assembled.stderr).toBe('');
    }
    expect((await runProgram('ld', ['-o', 'prebuilt', 'main.o', 'greet.o'], { cwd: folder })).exitCode).toBe(0);
    return { folder, program: path.join(folder, 'prebuilt') };
  }

  async function traceProgram(program: string): Promise<{ result: TraceResult; unlisted: ReadonlyArray<{ source: string; reason: string }> }> {
    const session = await TraceSession.start({ file: program, args: [], stdio: 'pipe', workspaceRoots: [path.dirname(program)] });
    session.child.stdin?.end();
    return { result: await session.done, unlisted: session.unlistedSources };
  }

  it('credits calls made inside macros to the lines that used them, in every source, from listings made again, and a wrapper\'s call to the line that called it', async () => {
    const { folder, program } = await buildLikeMake();
    const before = readdirSync(folder).sort();
    const { result, unlisted } = await traceProgram(program);
    expect(unlisted).toEqual([]);
    const macros = path.join(folder, 'macros', 'sys.inc');
    const body = { macroLine: lineOf(macros, 'body-syscall'), macroFile: macros };
    const main = path.join(folder, 'main.asm');
    const greet = path.join(folder, 'greet.asm');
    expect(calls(result, 'write').map((call) => call.location)).toEqual([
      { file: main, line: lineOf(main, 'print-banner'), ...body },
      // greet is a small wrapper: the program was traced as a copy linked from the sources assembled
      // again, with unwind rules for its syscall, and each call is the `call greet` line's.
      ...Array.from({ length: 2 }, () => ({ file: main, line: lineOf(main, 'call-greet'), procedureFile: greet, procedureLine: lineOf(greet, 'print-hello') })),
    ]);
    expect(calls(result, 'exit')[0]?.location).toEqual({ file: main, line: lineOf(main, 'exit'), ...body });
    // Nothing was written beside the user's sources.
    expect(readdirSync(folder).sort()).toEqual(before);
  });

  it('leaves out a source changed since the build, and says so: its macro calls keep the body\'s line', async () => {
    const { folder, program } = await buildLikeMake();
    const main = path.join(folder, 'main.asm');
    writeFileSync(main, readFileSync(main, 'utf8').replace('print banner, banner_len', 'print banner, 3'));
    const { result, unlisted } = await traceProgram(program);
    expect(unlisted).toEqual([{ source: main, reason: expect.stringMatching(new RegExp(`^line ${lineOf(main, 'print-banner')} assembles to other bytes than the program has`)) }]);
    const macros = path.join(folder, 'macros', 'sys.inc');
    const greet = path.join(folder, 'greet.asm');
    const [banner, hello] = calls(result, 'write').map((call) => call.location);
    expect(banner).toEqual({ file: macros, line: lineOf(macros, 'body-syscall') });
    expect(hello).toMatchObject({ file: greet, line: lineOf(greet, 'print-hello') });
  });
});

describe('a log of a NASM program built elsewhere', () => {
  it('credits its macro calls to their lines in a trusted folder, and runs no nasm for an untrusted one', async () => {
    const folder = path.join(mkdtempSync(path.join(buildRoot, 'makelog-')), 'prebuilt');
    cpSync(path.join(FIXTURES, 'prebuilt'), folder, { recursive: true });
    for (const source of ['main', 'greet']) {
      expect((await runProgram('nasm', ['-f', 'elf64', '-g', '-F', 'dwarf', '-I', 'macros/', `${source}.asm`, '-o', `${source}.o`], { cwd: folder })).exitCode).toBe(0);
    }
    expect((await runProgram('ld', ['-o', 'prebuilt', 'main.o', 'greet.o'], { cwd: folder })).exitCode).toBe(0);
    const log = path.join(folder, 'prebuilt.strace');
    expect((await runProgram('strace', ['-i', '-o', log, './prebuilt'], { cwd: folder })).exitCode).toBe(0);
    const main = path.join(folder, 'main.asm');
    const macros = path.join(folder, 'macros', 'sys.inc');
    const firstWrite = async (trusted: boolean) => {
      const loaded = await loadStraceLog(readFileSync(log, 'utf8'), log, { workspaceRoots: [folder], trusted });
      return loaded.model.events.find((e): e is SyscallEvent => e?.kind === 'syscall' && e.name === 'write')?.location;
    };
    expect(await firstWrite(true)).toEqual({ file: main, line: lineOf(main, 'print-banner'), macroLine: lineOf(macros, 'body-syscall'), macroFile: macros });
    expect(await firstWrite(false)).toEqual({ file: macros, line: lineOf(macros, 'body-syscall') });
  });
});
