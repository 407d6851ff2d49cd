// The traced copy of a program whose code segment starts in the middle of a page, as LLD lays
// programs out (the linker rustc uses by default here: `Linker: LLD` in .comment). strace -k's
// unwinder, libunwind, finds a module's unwind table only when the code segment's file offset is
// the page-aligned offset it is mapped from; otherwise the stack skips frames (a Rust File::open
// credited to nothing, main missing). Checked on one program: linked by GNU ld, or with this copy's
// header, every frame is there. The copy's executable segments begin at their page's start, which
// is where the kernel and ld.so map them from anyway: the same bytes at the same addresses.
// A program without an unwind search table (`gcc -static` links without one) gets one too: see
// frameIndex.ts.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultBuildDirectory } from '../toolchain/build';
import { ELF } from './map/elf';
import { withFrameIndex } from './frameIndex';

const { PT_LOAD, PF_X } = ELF;
const PAGE = 0x1000;

/** ELF64 x86-64 program headers: p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz. */
function loadSegments(data: Buffer): number[] {
  if (data.length < 64 || data.readUInt32BE(0) !== 0x7f454c46 || data[4] !== 2 || data[5] !== 1 || data.readUInt16LE(18) !== 62) return [];
  const phoff = Number(data.readBigUInt64LE(32));
  const size = data.readUInt16LE(54);
  const count = data.readUInt16LE(56);
  if (size < 56 || phoff + count * size > data.length) return [];
  const found: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = phoff + i * size;
    if (data.readUInt32LE(at) === PT_LOAD) found.push(at);
  }
  return found;
}

/** The header changes that start each executable segment at its page, or none when all do. */
export function pageAlignedHeaders(data: Buffer): Buffer | undefined {
  const loads = loadSegments(data);
  const segments = loads.filter((at) => (data.readUInt32LE(at + 4) & PF_X) !== 0 && Number(data.readBigUInt64LE(at + 8)) % PAGE !== 0);
  if (segments.length === 0) return undefined;
  const copy = Buffer.from(data);
  for (const at of segments) {
    const offset = data.readBigUInt64LE(at + 8);
    const address = data.readBigUInt64LE(at + 16);
    const into = offset % BigInt(PAGE);
    // Offset and address agree modulo the page (the loader requires it), so both go back by the same amount.
    if (address % BigInt(PAGE) !== into) return undefined;
    // The page's start must belong to no other segment (it never does: segments never share a page).
    const start = address - into;
    const overlaps = loads.some((other) => other !== at && data.readBigUInt64LE(other + 16) < address
      && data.readBigUInt64LE(other + 16) + data.readBigUInt64LE(other + 40) > start);
    if (overlaps) return undefined;
    copy.writeBigUInt64LE(offset - into, at + 8);
    copy.writeBigUInt64LE(address - into, at + 16);
    copy.writeBigUInt64LE(data.readBigUInt64LE(at + 24) - into, at + 24);
    copy.writeBigUInt64LE(data.readBigUInt64LE(at + 32) + into, at + 32);
    copy.writeBigUInt64LE(data.readBigUInt64LE(at + 40) + into, at + 40);
  }
  return copy;
}

/**
 * Writes the copy into a private folder and returns its path; undefined when the program needs
 * none or cannot be read (then it is traced as it is).
 */
export function writeAlignedCopy(program: string): string | undefined {
  try {
    const data = readFileSync(program);
    const aligned = pageAlignedHeaders(data);
    const copy = withFrameIndex(aligned ?? data) ?? aligned;
    if (!copy) return undefined;
    const folder = path.join(defaultBuildDirectory(program), 'unwind');
    mkdirSync(folder, { recursive: true });
    const traced = path.join(folder, path.basename(program));
    writeFileSync(traced, copy);
    chmodSync(traced, statSync(program).mode & 0o777);
    return traced;
  } catch {
    return undefined;
  }
}
