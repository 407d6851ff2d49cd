// Small syscall wrappers (`print: mov eax, 1 / mov edi, 1 / syscall / ret`, called from many lines):
// their calls belong to the line that called the wrapper. strace -k can name that line only if it can
// unwind out of the wrapper, and a NASM program has no unwind tables. This finds the wrappers in
// nasm's listing, with the stack depth at their `syscall`, and writes the .eh_frame that describes
// exactly those instructions (DWARF CFI: the return address is at rsp + depth).
import type { ListingRecord } from '../../nasm/listing';

/** A `syscall` inside a wrapper: the address just after it (strace's ip) and what the wrapper pushed before it. */
export interface WrapperSyscall {
  returnAddress: number;
  /** The wrapper's first instruction, where its callers call it. */
  entry: number;
  /** Bytes between rsp at the syscall and the wrapper's return address. */
  depth: number;
}

/** A wrapper is short: at most this many instructions up to its `ret` (saving 8 registers around a call takes 17). */
const MAX_WRAPPER_INSTRUCTIONS = 40;

const REX_W = 0x48;

/** How an instruction moves rsp, in bytes pushed (negative: popped); undefined when not known to leave it alone. */
function stackEffect(bytes: Uint8Array, source: string): number | undefined | 'other' {
  let i = 0;
  if (bytes[i]! >= 0x40 && bytes[i]! <= 0x4f) i++;
  const opcode = bytes[i]!;
  if (opcode >= 0x50 && opcode <= 0x57) return 8; // push r64
  if (opcode >= 0x58 && opcode <= 0x5f) return -8; // pop r64
  if (opcode === 0x6a || opcode === 0x68) return 8; // push imm
  // sub/add rsp, imm8 / imm32: 48 83 EC ib, 48 81 EC id, 48 83 C4 ib, 48 81 C4 id.
  if (bytes[0] === REX_W && (opcode === 0x83 || opcode === 0x81) && (bytes[i + 1] === 0xec || bytes[i + 1] === 0xc4)) {
    const value = opcode === 0x83 ? (bytes[i + 2]! << 24) >> 24 : new DataView(bytes.buffer, bytes.byteOffset + i + 2, 4).getInt32(0, true);
    return bytes[i + 1] === 0xec ? value : -value;
  }
  // Anything else that names the stack pointer (mov rsp, leave, enter, pushf, popf) is not followed.
  if (/\b[re]?sp\b/i.test(source.replace(/;.*$/, '')) || opcode === 0xc9 || opcode === 0xc8 || opcode === 0x9c || opcode === 0x9d) return 'other';
  // Group 5 (FF /r) by its ModRM reg field: inc (/0) and dec (/1) leave rsp alone (`dec r8`, 49 FF C8, is
  // how many wrappers set mmap's fd to -1); push r/m64 (/6) pushes 8; calls and jumps (/2–/5) branch.
  if (opcode === 0xff) {
    const reg = ((bytes[i + 1] ?? 0xff) >> 3) & 7;
    return reg <= 1 ? 0 : reg === 6 ? 8 : 'other';
  }
  // pop r/m64 (8F /0) pops 8 (other reg fields are AMD's XOP prefix).
  if (opcode === 0x8f) return (((bytes[i + 1] ?? 0xff) >> 3) & 7) === 0 ? -8 : 'other';
  return 0;
}

const isSyscall = (b: Uint8Array) => b.length === 2 && b[0] === 0x0f && b[1] === 0x05;
const isReturn = (b: Uint8Array) => b[0] === 0xc3 || b[0] === 0xc2 || (b[0] === 0xf3 && b[1] === 0xc3);
/** Calls and jumps: a wrapper is straight-line code. */
const isBranch = (b: Uint8Array) => b[0] === 0xe8 || b[0] === 0xe9 || b[0] === 0xeb || (b[0]! >= 0x70 && b[0]! <= 0x7f) || (b[0] === 0x0f && b[1]! >= 0x80 && b[1]! <= 0x8f);

/** The target offset of a `call rel32` in the same section (nasm resolves those itself), else undefined. */
function callTarget(record: ListingRecord): number | undefined {
  const b = record.bytes;
  if (!b || b.length !== 5 || b[0] !== 0xe8 || record.relocations.length) return undefined;
  return record.offset + 5 + new DataView(b.buffer, b.byteOffset + 1, 4).getInt32(0, true);
}

/**
 * The `syscall`s of the program's wrappers: procedures reached by `call` whose code up to their
 * `ret` is at most MAX_WRAPPER_INSTRUCTIONS straight-line instructions with one `syscall`, and whose
 * pushes and pops are followed exactly. `sectionAddress` gives each section's link address;
 * `calledFromElsewhere`, the addresses of global labels that other objects of the program call;
 * `labels`, the program's label addresses, where a routine may begin.
 */
export function findWrapperSyscalls(
  records: readonly ListingRecord[], sectionAddress: (section: string) => number | undefined, calledFromElsewhere: readonly number[] = [],
  labels: readonly number[] = [],
): WrapperSyscall[] {
  const bySection = new Map<string, ListingRecord[]>();
  for (const record of records) {
    if (!record.bytes || record.bytes.length === 0 || record.repeat !== 1) continue;
    const list = bySection.get(record.section) ?? [];
    list.push(record);
    bySection.set(record.section, list);
  }
  const found = new Map<number, WrapperSyscall>();
  for (const [section, list] of bySection) {
    const base = sectionAddress(section);
    if (base === undefined) continue;
    list.sort((a, b) => a.offset - b.offset);
    const targets = new Set(list.map(callTarget).filter((t): t is number => t !== undefined));
    // Global labels another object may call (their addresses in the program).
    for (const address of calledFromElsewhere) targets.add(address - base);
    // Where a routine may start: a wrapper that never returns (an exit helper) ends at the next one.
    const starts = new Set([...targets, ...labels.map((address) => address - base)]);
    for (const target of targets) {
      const start = list.findIndex((r) => r.offset === target);
      if (start < 0) continue;
      const site = wrapperSyscallFrom(list, start, starts);
      if (site) found.set(base + site.offset, { returnAddress: base + site.offset, entry: base + target, depth: site.depth });
    }
  }
  return [...found.values()].sort((a, b) => a.returnAddress - b.returnAddress);
}

/** `mov rbp, rsp` (89 /r and 8b /r forms): a frame pointer that holds rsp's value from here. */
const isFrameSetup = (b: Uint8Array) => b.length === 3 && b[0] === REX_W && ((b[1] === 0x89 && b[2] === 0xe5) || (b[1] === 0x8b && b[2] === 0xec));
/** `mov rsp, rbp`: rsp takes the frame pointer's value back. */
const isFrameRestore = (b: Uint8Array) => b.length === 3 && b[0] === REX_W && ((b[1] === 0x89 && b[2] === 0xec) || (b[1] === 0x8b && b[2] === 0xe5));
/** An instruction that writes rbp (its first operand), after which the frame pointer is not known. */
const WRITES_RBP = /^\s*(?:[\w.?$@#~]+:\s*)?(?:mov|lea|add|sub|xor|and|or|pop|xchg|imul|shl|shr|sar|inc|dec|not|neg|cmov\w+)\s+[re]?bp\b/i;

/**
 * The wrapper's `syscall` from `start`: straight-line code up to its `ret` (or, for a wrapper that
 * never returns, an exit helper, up to the next routine or the end of the code), one `syscall`, and
 * the stack depth at it followed exactly, a frame pointer (`push rbp / mov rbp, rsp … leave`) included.
 */
function wrapperSyscallFrom(list: readonly ListingRecord[], start: number, routines: ReadonlySet<number>): { offset: number; depth: number } | undefined {
  let depth = 0;
  let frame: number | undefined; // the depth rbp stands for, after `mov rbp, rsp`
  let site: { offset: number; depth: number } | undefined;
  for (let i = start; i < list.length && i - start < MAX_WRAPPER_INSTRUCTIONS; i++) {
    const record = list[i]!;
    const bytes = record.bytes!;
    // Code that falls into the next instruction must be contiguous; a wrapper that never returns ends
    // where its code does, or where another routine starts.
    if (i > start && record.offset !== list[i - 1]!.offset + list[i - 1]!.bytes!.length) return site && isSyscallEnd(list[i - 1]!) ? site : undefined;
    if (i > start && site && routines.has(record.offset) && isSyscallEnd(list[i - 1]!)) return site;
    if (isReturn(bytes)) return depth === 0 ? site : undefined;
    if (isSyscall(bytes)) {
      if (site) return undefined;
      site = { offset: record.offset + 2, depth };
      continue;
    }
    if (isBranch(bytes)) return undefined;
    if (isFrameSetup(bytes)) {
      frame = depth;
      continue;
    }
    if (isFrameRestore(bytes) || (bytes.length === 1 && bytes[0] === 0xc9)) { // mov rsp, rbp; leave (= that, then pop rbp)
      if (frame === undefined) return undefined;
      depth = bytes.length === 1 ? frame - 8 : frame;
      if (depth < 0) return undefined;
      continue;
    }
    const source = record.expanded ?? record.source;
    if (WRITES_RBP.test(source)) frame = undefined;
    const effect = stackEffect(bytes, source);
    if (effect === undefined || effect === 'other') return undefined;
    depth += effect;
    if (depth < 0) return undefined;
  }
  return site && list.length - start <= MAX_WRAPPER_INSTRUCTIONS && isSyscallEnd(list[list.length - 1]!) ? site : undefined;
}

/** The record is the wrapper's `syscall` itself: nothing of the routine follows it. */
const isSyscallEnd = (record: ListingRecord) => isSyscall(record.bytes!);

function uleb128(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    bytes.push(byte);
  } while (value);
  return bytes;
}

/**
 * NASM source of an .eh_frame with one FDE per wrapper `syscall`, covering the single byte at its
 * return address (where strace -k starts unwinding): CFA = rsp + 8 + depth, return address at CFA − 8.
 * Addresses are written relative to `anchor`, a global symbol of the program at `anchorAddress`
 * (ld builds its .eh_frame_hdr only for FDEs relocated against a symbol of the same object, hence
 * `ld -r` with the program's object first).
 */
export function unwindTableSource(sites: readonly WrapperSyscall[], anchor: string, anchorAddress: number): string {
  const lines = [
    `; Generated by Syscall Lens for strace -k: unwind rules at the syscalls of small wrapper procedures.`,
    `extern ${anchor}`,
    'section .eh_frame progbits alloc noexec nowrite align=8',
    'cie:', '    dd cie_end - cie_start', 'cie_start:',
    // CIE id 0, version 1, "zR", code alignment 1, data alignment -8, return address column 16 (rip),
    // augmentation data: FDE addresses pc-relative 4-byte (0x1b); CFA = rsp + 8; rip saved at CFA - 8.
    '    dd 0', '    db 1, "zR", 0, 1, 0x78, 16, 1, 0x1b', '    db 0x0c, 7, 8, 0x90, 1', '    align 8, db 0', 'cie_end:',
  ];
  sites.forEach((site, i) => {
    const delta = site.returnAddress - anchorAddress;
    // DW_CFA_def_cfa_offset: the wrapper's pushes lie between rsp and its return address.
    const cfa = site.depth ? `    db 0x0e, ${uleb128(8 + site.depth).join(', ')}` : '';
    lines.push(
      `fde${i}:`, `    dd fde${i}_end - fde${i}_start`, `fde${i}_start:`, `    dd fde${i}_start - cie`,
      `    dd ${anchor} ${delta < 0 ? '-' : '+'} ${Math.abs(delta)} - $`, '    dd 1', '    db 0', ...(cfa ? [cfa] : []), '    align 8, db 0', `fde${i}_end:`,
    );
  });
  return lines.join('\n') + '\n';
}
