// A small reader for little-endian ELF32/ELF64 files: sections, loadable segments and symbols,
// enough to find `.debug_line`, read instruction bytes and turn file offsets into addresses.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { findExecutable } from '../../toolchain/tools';

export interface ElfSection {
  name: string;
  type: number;
  address: number;
  offset: number;
  size: number;
}

export interface ElfSegment {
  type: number;
  /** Where its program header is in the file (a copy of the program may rewrite it). */
  headerOffset: number;
  offset: number;
  address: number;
  fileSize: number;
  memorySize: number;
  flags: number;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** STT_* (low 4 bits of st_info). */
  type: number;
  /** st_shndx is not SHN_UNDEF: the symbol is defined here (an undefined dynamic one is an import). */
  defined: boolean;
  /** Its index in its table (relocations name symbols by index). */
  index: number;
  /** STB_GLOBAL or STB_WEAK (high 4 bits of st_info): other objects may refer to it. */
  global: boolean;
}

/** One entry of a SHT_RELA section (x86-64 relocation types: R_X86_64_*). */
export interface ElfRelocation {
  offset: number;
  type: number;
  /** The symbol the relocation names (in the section's linked table), if any. */
  symbol?: ElfSymbol;
  addend: number;
}

/** The numbers of <elf.h> (and the x86-64 psABI's relocation types) that the trace's readers use. */
export const ELF = {
  ET_DYN: 3,
  PT_LOAD: 1, PT_INTERP: 3, PF_X: 1,
  SHT_PROGBITS: 1, SHT_SYMTAB: 2, SHT_RELA: 4, SHT_NOBITS: 8, SHT_DYNSYM: 11,
  STT_NOTYPE: 0, STT_OBJECT: 1, STT_FUNC: 2, STT_GNU_IFUNC: 10,
  R_X86_64_64: 1, R_X86_64_GLOB_DAT: 6, R_X86_64_JUMP_SLOT: 7, R_X86_64_RELATIVE: 8,
} as const;
const { PT_LOAD, SHT_NOBITS, SHT_SYMTAB, SHT_RELA, SHT_DYNSYM, ET_DYN } = ELF;

/** Raised for files that are not ELF programs we can read; the message names the file. */
export class ElfFormatError extends Error {
  constructor(file: string, reason: string) {
    super(`${file} is not a readable ELF program: ${reason}`);
    this.name = 'ElfFormatError';
  }
}

export class ElfFile {
  readonly is64: boolean;
  /** ET_DYN: a PIE or static-pie (or a shared library), loaded at an address chosen at run time. */
  readonly isPositionIndependent: boolean;
  readonly entry: number;
  readonly sections: ElfSection[] = [];
  readonly segments: ElfSegment[] = [];
  private symbolCache: ElfSymbol[] | undefined;
  private dynamicSymbolCache: ElfSymbol[] | undefined;

  constructor(readonly path: string, readonly data: Buffer) {
    if (data.length < 52 || data.readUInt32BE(0) !== 0x7f454c46) throw new ElfFormatError(path, 'no ELF magic');
    if (data[5] !== 1) throw new ElfFormatError(path, 'big-endian ELF is not supported');
    this.is64 = data[4] === 2;
    const word = (offset: number) => (this.is64 ? Number(data.readBigUInt64LE(offset)) : data.readUInt32LE(offset));
    this.isPositionIndependent = data.readUInt16LE(16) === ET_DYN;
    this.entry = word(24);
    const phoff = word(this.is64 ? 32 : 28);
    const shoff = word(this.is64 ? 40 : 32);
    const base = this.is64 ? 52 : 40;
    const phentsize = data.readUInt16LE(base + 2);
    const phnum = data.readUInt16LE(base + 4);
    const shentsize = data.readUInt16LE(base + 6);
    const shnum = data.readUInt16LE(base + 8);
    const shstrndx = data.readUInt16LE(base + 10);
    if (phoff + phnum * phentsize > data.length || shoff + shnum * shentsize > data.length) {
      throw new ElfFormatError(path, 'truncated headers');
    }
    for (let i = 0; i < phnum; i++) {
      const at = phoff + i * phentsize;
      this.segments.push(this.is64
        ? { type: data.readUInt32LE(at), headerOffset: at, flags: data.readUInt32LE(at + 4), offset: word(at + 8), address: word(at + 16), fileSize: word(at + 32), memorySize: word(at + 40) }
        : { type: data.readUInt32LE(at), headerOffset: at, offset: word(at + 4), address: word(at + 8), fileSize: word(at + 16), memorySize: word(at + 20), flags: data.readUInt32LE(at + 24) });
    }
    const raw: (Omit<ElfSection, 'name'> & { nameOffset: number })[] = [];
    for (let i = 0; i < shnum; i++) {
      const at = shoff + i * shentsize;
      raw.push(this.is64
        ? { nameOffset: data.readUInt32LE(at), type: data.readUInt32LE(at + 4), address: word(at + 16), offset: word(at + 24), size: word(at + 32) }
        : { nameOffset: data.readUInt32LE(at), type: data.readUInt32LE(at + 4), address: word(at + 12), offset: word(at + 16), size: word(at + 20) });
    }
    const names = raw[shstrndx];
    for (const section of raw) {
      const name = names ? readCString(data, names.offset + section.nameOffset) : '';
      this.sections.push({ name, type: section.type, address: section.address, offset: section.offset, size: section.size });
    }
  }

  static read(path: string): ElfFile {
    return new ElfFile(path, readFileSync(path));
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** The bytes of a section, or undefined when it is absent or occupies no file space. */
  sectionData(name: string): Buffer | undefined {
    const section = this.section(name);
    if (!section || section.type === SHT_NOBITS || section.offset + section.size > this.data.length) return undefined;
    return this.data.subarray(section.offset, section.offset + section.size);
  }

  /** The link-time address of a file offset inside a loadable segment (libunwind's `-k` frames print offsets). */
  addressOfFileOffset(offset: number): number | undefined {
    for (const segment of this.segments) {
      // The end is included: the ip after a segment's last instruction (a final `syscall`) lies there.
      if (segment.type === PT_LOAD && offset >= segment.offset && offset <= segment.offset + segment.fileSize) {
        return offset - segment.offset + segment.address;
      }
    }
    return undefined;
  }

  /** Bytes at a link-time address, from the file; undefined when not backed by the file. */
  bytesAt(address: number, length: number): Buffer | undefined {
    for (const segment of this.segments) {
      if (segment.type !== PT_LOAD) continue;
      if (address >= segment.address && address + length <= segment.address + segment.fileSize) {
        const offset = address - segment.address + segment.offset;
        return this.data.subarray(offset, offset + length);
      }
    }
    return undefined;
  }

  /** Whether a link-time address lies in an executable loadable segment. */
  isCode(address: number): boolean {
    return this.segments.some((s) => s.type === PT_LOAD && (s.flags & 1) !== 0 && address >= s.address && address < s.address + s.memorySize);
  }

  get symbols(): ElfSymbol[] {
    this.symbolCache ??= this.readSymbolTable(this.sections.find((s) => s.type === SHT_SYMTAB));
    return this.symbolCache;
  }

  /** `.dynsym`: what a shared object exports and what a program imports (kept by `strip`). */
  get dynamicSymbols(): ElfSymbol[] {
    this.dynamicSymbolCache ??= this.readSymbolTable(this.sections.find((s) => s.type === SHT_DYNSYM));
    return this.dynamicSymbolCache;
  }

  /** Every SHT_RELA entry of the file (64-bit only: `.rela.dyn`, `.rela.plt`), symbols resolved. */
  relocations(): ElfRelocation[] {
    const relocations: ElfRelocation[] = [];
    if (!this.is64) return relocations;
    for (const section of this.sections) {
      if (section.type !== SHT_RELA || section.offset + section.size > this.data.length) continue;
      const linked = this.sections[this.sectionIndexOfLink(section)];
      const symbols = linked?.type === SHT_DYNSYM ? this.dynamicSymbols : linked?.type === SHT_SYMTAB ? this.symbols : [];
      const byIndex: ElfSymbol[] = [];
      for (const symbol of symbols) byIndex[symbol.index] = symbol;
      for (let at = section.offset; at + 24 <= section.offset + section.size; at += 24) {
        const info = this.data.readBigUInt64LE(at + 8);
        const relocation: ElfRelocation = { offset: Number(this.data.readBigUInt64LE(at)), type: Number(info & 0xffffffffn), addend: Number(this.data.readBigInt64LE(at + 16)) };
        const symbol = byIndex[Number(info >> 32n)];
        if (symbol) relocation.symbol = symbol;
        relocations.push(relocation);
      }
    }
    return relocations;
  }

  private readSymbolTable(table: ElfSection | undefined): ElfSymbol[] {
    const symbols: ElfSymbol[] = [];
    const strings = table ? this.sections[this.sectionIndexOfLink(table)] : undefined;
    if (table && strings) {
      const size = this.is64 ? 24 : 16;
      for (let at = table.offset, index = 0; at + size <= table.offset + table.size; at += size, index++) {
        const nameOffset = this.data.readUInt32LE(at);
        const info = this.data[this.is64 ? at + 4 : at + 12]!;
        const sectionIndex = this.data.readUInt16LE(this.is64 ? at + 6 : at + 14);
        const value = this.is64 ? Number(this.data.readBigUInt64LE(at + 8)) : this.data.readUInt32LE(at + 4);
        const symbolSize = this.is64 ? Number(this.data.readBigUInt64LE(at + 16)) : this.data.readUInt32LE(at + 8);
        const name = readCString(this.data, strings.offset + nameOffset);
        if (name) symbols.push({ name, value, size: symbolSize, type: info & 0xf, defined: sectionIndex !== 0, index, global: info >> 4 === 1 || info >> 4 === 2 });
      }
    }
    return symbols;
  }

  private sectionIndexOfLink(section: ElfSection): number {
    const index = this.sections.indexOf(section);
    const shoff = this.is64 ? Number(this.data.readBigUInt64LE(40)) : this.data.readUInt32LE(32);
    const shentsize = this.data.readUInt16LE(this.is64 ? 58 : 46);
    return this.data.readUInt32LE(shoff + index * shentsize + (this.is64 ? 40 : 24));
  }
}

export function readCString(data: Buffer, offset: number): string {
  let end = offset;
  while (end < data.length && data[end] !== 0) end++;
  return data.toString('utf8', offset, end);
}

/** A dynamically linked program (PT_INTERP) or one with libc's start code goes through libc. */
export function programUsesLibc(program: string): boolean {
  return libcProgram(program)?.usesLibc ?? false;
}

/**
 * Whether a program starts in libc's start code, which calls its `main`: a C program, or NASM that
 * declares `global main` and links with libc (nasm gives `main` no symbol type, so gdb lists no such
 * function). Undefined when the file is no readable ELF.
 */
export function libcProgram(program: string): { usesLibc: boolean; hasMain: boolean } | undefined {
  try {
    const elf = ElfFile.read(program);
    const usesLibc = elf.segments.some((s) => s.type === ELF.PT_INTERP) || elf.symbols.some((s) => s.name === '__libc_start_main');
    return { usesLibc, hasMain: usesLibc && elf.symbols.some((s) => s.name === 'main' && s.defined) };
  } catch {
    return undefined;
  }
}

/** `#!` nesting the kernel follows (binfmt_script, then the interpreter's own `#!`). */
const MAX_SCRIPT_DEPTH = 4;

/**
 * The file the kernel really runs for `file`: the file itself, or for a `#!` script its interpreter
 * (the first word of the `#!` line; `env NAME` is NAME found in `PATH`), followed through interpreters
 * that are scripts themselves. The file itself when it cannot be read.
 */
export function executableImage(file: string, envPath = process.env.PATH ?? ''): string {
  let current = file;
  for (let depth = 0; depth < MAX_SCRIPT_DEPTH; depth++) {
    const line = shebangLine(current);
    if (line === undefined) return current;
    // The kernel splits the line once: the interpreter, then everything else as one argument.
    const [interpreter = '', argument = ''] = line.trim().split(/[ \t]+(.*)/s);
    if (!interpreter.startsWith('/')) return current;
    const name = /(^|\/)env$/.test(interpreter) ? argument.split(/[ \t]+/).find((word) => word && !word.startsWith('-') && !word.includes('=')) : undefined;
    const next = name !== undefined ? findExecutable(name, envPath) : interpreter;
    if (!next) return interpreter;
    current = next;
  }
  return current;
}

/** The text after `#!` on a script's first line (the kernel reads at most 256 bytes of it). */
function shebangLine(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(256);
    const length = readSync(fd, head, 0, head.length, 0);
    if (length < 2 || head[0] !== 0x23 || head[1] !== 0x21) return undefined;
    return head.toString('latin1', 2, length).split('\n')[0];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
