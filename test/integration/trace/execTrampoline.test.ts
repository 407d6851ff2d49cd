// The exec trampoline the supervisor starts a program through under strace -k: its bytes are what
// nasm makes of its source, it runs the program with exactly the argv and environment it was given,
// and through it a trace run by a python3 that is not position-independent (Debian's own, mapped at
// 0x400000 like a static NASM program) keeps the -k stacks of the program's wrapper procedures.
// Without it, strace 6.1's libunwind went on reading python's unwind tables after the execve and
// every stack stopped at its first frame. Real nasm, ld, strace and python3.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { markerLine } from '../../support/markers';
import { execTrampolineFile, execTrampolineProgram, TRAMPOLINE_BASE, TRAMPOLINE_CODE } from '../../../trace/capture/execTrampoline';
import { findSupervisorInterpreter } from '../../../trace/capture/supervisor';
import type { SyscallEvent } from '../../../trace/events';
import { ElfFile } from '../../../trace/map/elf';
import { TraceSession } from '../../../trace/session';

const work = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-trampoline-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The trampoline's code as NASM source, for nasm to assemble. */
const SOURCE = `bits 64
mov rax, [rsp]
lea rdx, [rsp + rax*8 + 16]
mov rdi, [rsp + 16]
lea rsi, [rsp + 24]
mov eax, 59
syscall
mov edi, 127
mov eax, 231
syscall
`;

/** An ELF program mapped where it was linked (ET_EXEC), not position-independent. */
function isFixedAddressElf(file: string): boolean {
  try {
    return !ElfFile.read(file).isPositionIndependent;
  } catch {
    return false;
  }
}

describe('the exec trampoline', () => {
  it('is the code nasm assembles from its source, at an address no program is linked at', () => {
    const source = path.join(work, 'trampoline.asm');
    const output = path.join(work, 'trampoline.bin');
    writeFileSync(source, SOURCE);
    const run = spawnSync('nasm', ['-f', 'bin', '-o', output, source], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(readFileSync(output).equals(TRAMPOLINE_CODE)).toBe(true);
    const file = path.join(work, 'trampoline');
    writeFileSync(file, execTrampolineProgram());
    const elf = ElfFile.read(file);
    expect(elf.entry).toBe(TRAMPOLINE_BASE + 120);
  });

  it('runs the program with exactly its argv and environment, and exits 127 when it cannot', () => {
    const trampoline = execTrampolineFile(path.join(work, 'cache'))!;
    expect(trampoline).toBeDefined();
    // argv[0] is the program's own (not its path); arguments keep their spaces and empty strings.
    const cmdline = spawnSync(trampoline, ['/bin/cat', 'my cat', '/proc/self/cmdline', '', 'x y'], { timeout: 10_000 });
    expect(cmdline.status).toBe(1); // cat: '' is no file
    expect(cmdline.stdout.toString('utf8').split('\0')).toEqual(['my cat', '/proc/self/cmdline', '', 'x y', '']);
    const env = spawnSync(trampoline, ['/usr/bin/env', 'env'], { env: { ONLY: 'this one', EMPTY: '' }, encoding: 'utf8', timeout: 10_000 });
    expect(env.stdout.split('\n').filter(Boolean).sort()).toEqual(['EMPTY=', 'ONLY=this one']);
    const missing = spawnSync(trampoline, [path.join(work, 'no-such-program'), 'x'], { timeout: 10_000 });
    expect(missing.status).toBe(127);
    // Written once: asked again, the same file.
    expect(execTrampolineFile(path.join(work, 'cache'))).toBe(trampoline);
  });
});

describe('a trace with -k stacks run by a python3 mapped at a fixed address', () => {
  // Debian's /usr/bin/python3 is ET_EXEC at 0x400000; CI installs it (python3), so the case is there.
  const fixed = ['/usr/bin/python3', '/usr/local/bin/python3', '/bin/python3'].find(isFixedAddressElf);
  it.skipIf(!fixed)('keeps the wrapper procedures\' callers of a program of several NASM sources', async () => {
    cpSync(path.resolve(__dirname, '../../fixtures/toolchain/multiobject'), path.join(work, 'multiobject'), { recursive: true });
    const main = path.join(work, 'multiobject/src/main.asm');
    const calls = path.join(work, 'multiobject/src/sys/calls.asm');
    const saved = process.env.PATH;
    process.env.PATH = `${path.dirname(fixed!)}${path.delimiter}${saved ?? ''}`;
    try {
      expect(findSupervisorInterpreter()).toBe(fixed);
      const session = await TraceSession.start({ file: main, args: [], stdio: 'pipe', buildDirectory: path.join(work, 'multiobject/trace') });
      const result = await session.done;
      const events = result.model.events.filter((e): e is SyscallEvent => e?.kind === 'syscall');
      // The program's own execve comes first; the trampoline's is the supervisor's, not shown.
      expect(events[0]).toMatchObject({ name: 'execve', returnValue: 0 });
      expect(events.some((e) => e.args.some((a) => a.text.includes('exec-trampoline')))).toBe(false);
      const getpids = events.filter((e) => e.name === 'getpid');
      expect(getpids.map((e) => e.stack.length)).toEqual([2, 2]);
      expect(getpids.map((e) => [e.location?.file, e.location?.line, e.location?.procedureLine])).toEqual([
        [main, markerLine(main, 'getpid_first'), markerLine(calls, 'getpid_syscall')],
        [main, markerLine(main, 'getpid_second'), markerLine(calls, 'getpid_syscall')],
      ]);
      expect(result.programExit?.exitCode).toBe(3);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('a failure injected into execve under -k', () => {
  it('is the program\'s first execve, not the trampoline\'s (strace counts when=N per process)', async () => {
    const source = path.resolve(__dirname, '../../fixtures/trace/calls.asm');
    const session = await TraceSession.start({
      file: source, args: [], stdio: 'pipe', buildDirectory: path.join(work, 'inject'), stackTraces: true,
      inject: { syscall: 'execve', errno: 'EACCES', when: 1 },
    });
    // The program never runs: its only execve failed as asked.
    await expect(session.done).rejects.toMatchObject({ reason: 'not-a-program', message: expect.stringContaining('Permission denied') });
  });
});
