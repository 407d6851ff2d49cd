// How big a program is and why: the file's headers, sections and segments, the share of each
// label and of each source file. Read from the ELF file itself (and its DWARF line table), never
// estimated. The same build the debugger and the trace use (toolchain/target) feeds it.
import { statSync } from 'node:fs';
import { ELF, ElfFile } from './elf';
import { readLineTable } from './dwarfLines';
import { demangleNames } from '../../toolchain/demangle';

const SECTION_TYPES: Record<number, string> = {
  0: 'NULL', 1: 'PROGBITS', 2: 'SYMTAB', 3: 'STRTAB', 4: 'RELA', 5: 'HASH', 6: 'DYNAMIC', 7: 'NOTE', 8: 'NOBITS',
  9: 'REL', 11: 'DYNSYM', 14: 'INIT_ARRAY', 15: 'FINI_ARRAY', 16: 'PREINIT_ARRAY', 17: 'GROUP', 18: 'SYMTAB_SHNDX',
  0x6ffffff6: 'GNU_HASH', 0x6ffffffd: 'VERDEF', 0x6ffffffe: 'VERNEED', 0x6fffffff: 'VERSYM',
};
const SEGMENT_TYPES: Record<number, string> = {
  0: 'NULL', 1: 'LOAD', 2: 'DYNAMIC', 3: 'INTERP', 4: 'NOTE', 5: 'SHLIB', 6: 'PHDR', 7: 'TLS',
  0x6474e550: 'GNU_EH_FRAME', 0x6474e551: 'GNU_STACK', 0x6474e552: 'GNU_RELRO', 0x6474e553: 'GNU_PROPERTY',
};
const { SHT_NOBITS, STT_NOTYPE, STT_OBJECT, STT_FUNC } = ELF;

export interface SectionSize {
  name: string;
  type: string;
  address: number;
  offset: number;
  size: number;
  /** Occupies bytes of the file (not NOBITS such as .bss). */
  inFile: boolean;
  /** Has an address: loaded into memory when the program runs. */
  loaded: boolean;
}

export interface SegmentSize {
  type: string;
  offset: number;
  address: number;
  fileSize: number;
  memorySize: number;
  /** `r-x`, as readelf prints R E. */
  flags: string;
}

export interface LabelSize {
  name: string;
  section: string;
  address: number;
  /**
   * A function's st_size, which compilers set exactly. Otherwise the bytes from the label to the
   * next label of its section (or the section's end), alignment padding included — not st_size:
   * nasm -g gives a `db` label the size of one element.
   */
  size: number;
  /** The name as written in C++ or Rust (demangleLabels), when it differs from the symbol's. */
  demangled?: string;
}

export interface SizeReport {
  file: string;
  fileSize: number;
  format: 'ELF64' | 'ELF32';
  /** The ELF header, the program header table and the section header table. */
  headers: { elf: number; programHeaders: number; sectionHeaders: number };
  sections: SectionSize[];
  segments: SegmentSize[];
  /** Largest first. */
  labels: LabelSize[];
  /** Bytes of code per source file, from the DWARF line table; empty without debug information. */
  sourceFiles: { file: string; bytes: number }[];
  /** File bytes in no section and no header: alignment between them. */
  padding: number;
}

export function programSize(path: string): SizeReport {
  const elf = ElfFile.read(path);
  const fileSize = statSync(path).size;
  const sections: SectionSize[] = elf.sections.slice(1).map((s) => ({
    name: s.name, type: SECTION_TYPES[s.type] ?? `0x${s.type.toString(16)}`, address: s.address, offset: s.offset, size: s.size,
    inFile: s.type !== SHT_NOBITS, loaded: s.address !== 0,
  }));
  const segments = elf.segments.map((s) => ({
    type: SEGMENT_TYPES[s.type] ?? `0x${s.type.toString(16)}`, offset: s.offset, address: s.address,
    fileSize: s.fileSize, memorySize: s.memorySize,
    flags: `${s.flags & 4 ? 'r' : '-'}${s.flags & 2 ? 'w' : '-'}${s.flags & 1 ? 'x' : '-'}`,
  }));
  const headers = {
    elf: elf.is64 ? 64 : 52,
    programHeaders: elf.segments.length * (elf.is64 ? 56 : 32),
    sectionHeaders: elf.sections.length * (elf.is64 ? 64 : 40),
  };
  const inFile = sections.filter((s) => s.inFile).reduce((n, s) => n + s.size, 0);
  return {
    file: path, fileSize, format: elf.is64 ? 'ELF64' : 'ELF32', headers, sections, segments,
    labels: labelSizes(elf, sections), sourceFiles: sourceFileSizes(elf),
    padding: fileSize - inFile - headers.elf - headers.programHeaders - headers.sectionHeaders,
  };
}

/** NASM's local labels (`_start.loop`, untyped symbols) belong to their parent; they do not split it. */
function isLocalLabel(name: string, type: number): boolean {
  return type === STT_NOTYPE && name.indexOf('.', 1) > 0;
}

// Markers the linker and the C runtime define (section ends, table starts, the end of .eh_frame):
// places, not labels.
const LINKER_MARKERS = new Set(['_edata', 'edata', '_end', 'end', '_etext', 'etext', 'data_start', '_DYNAMIC', '_GLOBAL_OFFSET_TABLE_', '__FRAME_END__']);

function isMarker(name: string, type: number): boolean {
  return LINKER_MARKERS.has(name) || (type === STT_NOTYPE && name.startsWith('__'));
}

function labelSizes(elf: ElfFile, sections: readonly SectionSize[]): LabelSize[] {
  const loaded = sections.filter((s) => s.loaded && s.size > 0);
  const sectionOf = (address: number) => loaded.find((s) => address >= s.address && address < s.address + s.size);
  const candidates = elf.symbols
    .filter((s) => (s.type === STT_NOTYPE || s.type === STT_OBJECT || s.type === STT_FUNC) && !isLocalLabel(s.name, s.type) && !isMarker(s.name, s.type))
    .map((s) => ({ symbol: s, section: sectionOf(s.value) }))
    .filter((c): c is { symbol: typeof c.symbol; section: SectionSize } => c.section !== undefined)
    .sort((a, b) => a.symbol.value - b.symbol.value);
  const labels: LabelSize[] = [];
  candidates.forEach(({ symbol, section }, i) => {
    const next = candidates.slice(i + 1).find((c) => c.section === section && c.symbol.value > symbol.value);
    const size = symbol.type === STT_FUNC && symbol.size > 0 ? symbol.size : (next ? next.symbol.value : section.address + section.size) - symbol.value;
    labels.push({ name: symbol.name, section: section.name, address: symbol.value, size });
  });
  return labels.sort((a, b) => b.size - a.size || a.address - b.address);
}

function sourceFileSizes(elf: ElfFile): { file: string; bytes: number }[] {
  const bytes = new Map<string, number>();
  try {
    for (const row of readLineTable(elf).rows()) bytes.set(row.file, (bytes.get(row.file) ?? 0) + (row.end - row.start));
  } catch {
    return [];
  }
  return [...bytes].map(([file, count]) => ({ file, bytes: count })).sort((a, b) => b.bytes - a.bytes);
}

/** The report with each C++ and Rust label's readable name (through c++filt; unchanged without it). */
export async function demangleLabels(report: SizeReport): Promise<SizeReport> {
  const names = await demangleNames(report.labels.map((l) => l.name));
  return { ...report, labels: report.labels.map((label, i) => (names[i] !== label.name ? { ...label, demangled: names[i] } : label)) };
}
