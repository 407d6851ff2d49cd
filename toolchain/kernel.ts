// What the running kernel does that no build can see: whether it runs 32-bit (i386) code at all.
// A kernel built without IA32 emulation, or booted with `ia32_emulation=0` (some virtual machines
// and sandboxes are), refuses an ELF32 program at execve with ENOEXEC, and ends a 64-bit program at
// its first `int 0x80` with SIGSEGV. The answer comes from the kernel itself: a 96-byte i386 program
// that exits with 42 through `int 0x80` is run once per process.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pythonInterpreter } from './python';

const PROBE_STATUS = 42;
let runsI386: boolean | undefined;

/** An ELF32 i386 program of one PT_LOAD segment: `mov eax, 1; mov ebx, 42; int 0x80`. */
export function i386ProbeProgram(): Buffer {
  const base = 0x0804_8000;
  const code = Buffer.from([0xb8, 1, 0, 0, 0, 0xbb, PROBE_STATUS, 0, 0, 0, 0xcd, 0x80]);
  const file = Buffer.alloc(52 + 32 + code.length);
  file.set([0x7f, 0x45, 0x4c, 0x46, 1 /* ELFCLASS32 */, 1 /* little-endian */, 1 /* EV_CURRENT */], 0);
  file.writeUInt16LE(2, 16); // e_type: ET_EXEC
  file.writeUInt16LE(3, 18); // e_machine: EM_386
  file.writeUInt32LE(1, 20); // e_version
  file.writeUInt32LE(base + 84, 24); // e_entry: the code after the two headers
  file.writeUInt32LE(52, 28); // e_phoff
  file.writeUInt16LE(52, 40); // e_ehsize
  file.writeUInt16LE(32, 42); // e_phentsize
  file.writeUInt16LE(1, 44); // e_phnum
  file.writeUInt32LE(1, 52); // p_type: PT_LOAD
  file.writeUInt32LE(0, 56); // p_offset
  file.writeUInt32LE(base, 60); // p_vaddr
  file.writeUInt32LE(base, 64); // p_paddr
  file.writeUInt32LE(file.length, 68); // p_filesz
  file.writeUInt32LE(file.length, 72); // p_memsz
  file.writeUInt32LE(5, 76); // p_flags: R + X
  file.writeUInt32LE(0x1000, 80); // p_align
  code.copy(file, 84);
  return file;
}

/** Whether this kernel runs i386 programs (and `int 0x80`); asked of the kernel once per process. */
export function kernelRunsI386(): boolean {
  if (runsI386 !== undefined) return runsI386;
  if (process.platform !== 'linux' || process.arch !== 'x64') return (runsI386 = false);
  const folder = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-i386-'));
  try {
    const program = path.join(folder, 'probe');
    writeFileSync(program, i386ProbeProgram(), { mode: 0o700 });
    // Through execv, which fails with ENOEXEC where the kernel refuses the program. Node's spawn (like
    // execvp) would then run the ELF as a /bin/sh script, a shell reading binary bytes as commands.
    const python = pythonInterpreter();
    const run = python
      ? spawnSync(python, ['-c', 'import os, sys; os.execv(sys.argv[1], [sys.argv[1]])', program], { stdio: 'ignore', timeout: 5_000, shell: false })
      : spawnSync(program, [], { stdio: 'ignore', timeout: 5_000, shell: false });
    runsI386 = run.status === PROBE_STATUS;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return runsI386;
}

/** Whether `file` is an ELF32 i386 program (false for anything unreadable or else). */
export function isI386Program(file: string): boolean {
  const header = Buffer.alloc(20);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    if (readSync(fd, header, 0, header.length, 0) < header.length) return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return header.readUInt32BE(0) === 0x7f454c46 && header[4] === 1 && header.readUInt16LE(18) === 3;
}

export const NO_I386_EXPLANATION = 'This kernel does not run 32-bit (i386) programs: it was built without IA32 emulation '
  + 'or booted with ia32_emulation=0, as some virtual machines and sandboxes are, so execve refuses them and '
  + '`int 0x80` ends a 64-bit program with SIGSEGV. Assemble for x86-64 (`bits 64`, `nasm -f elf64`, the '
  + '`syscall` instruction), or run the program on a kernel with IA32 emulation.';

/** Why `program` cannot run on this kernel, or undefined when nothing here stops it. */
export function kernelRefusal(program: string): string | undefined {
  return isI386Program(program) && !kernelRunsI386() ? `${path.basename(program)} is a 32-bit (i386) program. ${NO_I386_EXPLANATION}` : undefined;
}
