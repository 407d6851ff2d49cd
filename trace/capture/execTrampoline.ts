// The exec trampoline: a 158-byte program the supervisor's child runs instead of the program when
// strace unwinds stacks (-k), and which only runs the program: `trampoline PATH ARGV0 ARGS...` calls
// execve(PATH, [ARGV0, ARGS...], its own environment) and exits 127 if that fails.
//
// Why: strace 6.1 keeps one libunwind-ptrace context per process from the moment it attaches, and
// that context remembers the last ELF image it unwound by its address range. The supervisor's child
// is python until its execve, and strace unwinds it there (the SIGCONT that lets it go, the execve
// itself). Debian's /usr/bin/python3 is not position-independent: it is mapped from 0x400000 on, where
// ld puts a static NASM program too. After the execve, the program's first address falls inside the
// remembered python image, libunwind looks for its unwind rules in python's tables, finds none, and
// every stack stops at its first frame: a wrapper procedure's caller is lost. The trampoline sits at
// an address no program is linked at, so unwinding its execve makes libunwind drop python's image,
// and the program's own calls are unwound from the program's tables.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { cacheDirectory } from '../../toolchain/cacheDirectory';
import { SEGMENT_EXECUTE, SEGMENT_READ, tinyElfProgram } from '../../toolchain/tinyElf';

/** Where the trampoline is mapped: far above where linkers put programs (0x400000, 0x8048000, PIE bases are randomised near 0x5555_5555_4000). */
export const TRAMPOLINE_BASE = 0x1000_0000_0000;

/**
 * The trampoline's code. The kernel starts it with rsp at argc, then argv[0..argc-1], a NULL, then
 * the environment: argv[1] is PATH, &argv[2] the program's argv, rsp + 8 * argc + 16 the environment.
 */
export const TRAMPOLINE_CODE = Buffer.from([
  0x48, 0x8b, 0x04, 0x24, // mov rax, [rsp]               argc
  0x48, 0x8d, 0x54, 0xc4, 0x10, // lea rdx, [rsp+rax*8+16]  envp
  0x48, 0x8b, 0x7c, 0x24, 0x10, // mov rdi, [rsp+16]        argv[1]: the path
  0x48, 0x8d, 0x74, 0x24, 0x18, // lea rsi, [rsp+24]        &argv[2]: the program's argv
  0xb8, 59, 0, 0, 0, // mov eax, 59                         execve
  0x0f, 0x05, // syscall
  0xbf, 127, 0, 0, 0, // mov edi, 127                       as a shell says "could not run it"
  0xb8, 231, 0, 0, 0, // mov eax, 231                       exit_group
  0x0f, 0x05, // syscall
]);

/** The trampoline as an x86-64 ELF executable: header, one read+execute PT_LOAD, the code. */
export function execTrampolineProgram(): Buffer {
  return tinyElfProgram(TRAMPOLINE_BASE, TRAMPOLINE_CODE, SEGMENT_READ | SEGMENT_EXECUTE);
}

let written: string | undefined;

/**
 * The trampoline's file under our cache directory, written (atomically) when missing or different;
 * undefined when it cannot be written: the program is then started directly, as without -k.
 */
export function execTrampolineFile(folder = cacheDirectory('exec')): string | undefined {
  const file = path.join(folder, 'exec-trampoline');
  if (written === file) return file;
  const image = execTrampolineProgram();
  try {
    let current: Buffer | undefined;
    try {
      // Executable by us (a umask may have kept the others' bits off).
      if (statSync(file).mode & 0o100) current = readFileSync(file);
    } catch { /* not written yet */ }
    if (!current?.equals(image)) {
      mkdirSync(folder, { recursive: true });
      const temporary = `${file}.${process.pid}`;
      writeFileSync(temporary, image, { mode: 0o755 });
      renameSync(temporary, file);
    }
    written = file;
    return file;
  } catch {
    return undefined;
  }
}

/**
 * The trampoline for a supervised trace with these strace options: under -k only, and not when an
 * execve is to fail (strace counts `when=N` per process, and the trampoline's execve would count as
 * the traced process's first).
 */
export function execTrampolineFor(straceOptions: readonly string[]): string | undefined {
  if (!straceOptions.includes('-k') || straceOptions.some((o) => o.startsWith('inject=execve:'))) return undefined;
  return execTrampolineFile();
}
