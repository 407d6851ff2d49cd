// Rust's pretty-printers for gdb (Vec, String, Option… shown as values), found as rust-gdb finds them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ElfFile } from '../trace/map/elf';
import { findExecutable } from '../toolchain/tools';

/** The script a Rust program's `.debug_gdb_scripts` section names: the standard library's pretty-printers. */
const RUST_PRINTERS = 'gdb_load_rust_pretty_printers.py';

/**
 * Where gdb finds the pretty-printers (Vec, String, Option… shown as values) a Rust program asks for:
 * the toolchain's `lib/rustlib/etc`, as rust-gdb passes it. Undefined for other programs, or without
 * rustc or that folder.
 */
export function rustPrettyPrinters(program: string): string | undefined {
  let names: Buffer | undefined;
  try {
    names = ElfFile.read(program).sectionData('.debug_gdb_scripts');
  } catch {
    return undefined;
  }
  if (!names?.includes(RUST_PRINTERS)) return undefined;
  const rustc = findExecutable('rustc');
  if (!rustc) return undefined;
  const sysroot = spawnSync(rustc, ['--print', 'sysroot'], { encoding: 'utf8', timeout: 10_000, shell: false, stdio: ['ignore', 'pipe', 'ignore'] });
  const folder = sysroot.status === 0 ? path.join(sysroot.stdout.trim(), 'lib', 'rustlib', 'etc') : undefined;
  return folder && existsSync(path.join(folder, RUST_PRINTERS)) ? folder : undefined;
}
