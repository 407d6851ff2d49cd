// Reads DWARF `.debug_line` (versions 2 to 5) into an address → file:line table. Written for
// what nasm (DWARF 3) and gcc (DWARF 5) emit; one pass over the line programs, no other sections
// except the string tables that DWARF 5 file names point into.
import * as path from 'node:path';
import type { ElfFile } from './elf';

export interface LineRow {
  address: number;
  file: number;
  line: number;
}

/** Address ranges sorted by start, each with the source file and line that produced it. */
export class LineTable {
  constructor(
    readonly files: string[],
    private readonly starts: Float64Array,
    private readonly ends: Float64Array,
    private readonly fileIndexes: Int32Array,
    private readonly lines: Int32Array,
  ) {}

  get size(): number {
    return this.starts.length;
  }

  /** The file and line of the instruction at `address`; undefined outside every range. */
  lookup(address: number): { file: string; line: number } | undefined {
    const index = this.indexOf(address);
    if (index < 0) return undefined;
    return { file: this.files[this.fileIndexes[index]!]!, line: this.lines[index]! };
  }

  /** Start address of the row that covers `address`. */
  rowStart(address: number): number | undefined {
    const index = this.indexOf(address);
    return index < 0 ? undefined : this.starts[index];
  }

  private indexOf(address: number): number {
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (starts[mid]! <= address) low = mid + 1;
      else high = mid - 1;
    }
    if (high < 0 || address >= this.ends[high]! || this.lines[high]! <= 0) return -1;
    return high;
  }

  /** Every address range, in address order, for the listing-based macro attribution. */
  *rows(): IterableIterator<{ start: number; end: number; file: string; line: number }> {
    for (let i = 0; i < this.starts.length; i++) {
      yield { start: this.starts[i]!, end: this.ends[i]!, file: this.files[this.fileIndexes[i]!]!, line: this.lines[i]! };
    }
  }

  /** First address of a line of a file (to place breakpoints or check a mapping). */
  addressesOfLine(file: string, line: number): number[] {
    const result: number[] = [];
    for (const row of this.rows()) if (row.line === line && row.file === file) result.push(row.start);
    return result;
  }
}

class Reader {
  offset: number;
  constructor(readonly data: Buffer, offset = 0) {
    this.offset = offset;
  }
  u8(): number { return this.data[this.offset++]!; }
  u16(): number { const v = this.data.readUInt16LE(this.offset); this.offset += 2; return v; }
  u32(): number { const v = this.data.readUInt32LE(this.offset); this.offset += 4; return v; }
  u64(): number { const v = Number(this.data.readBigUInt64LE(this.offset)); this.offset += 8; return v; }
  address(size: number): number { return size === 8 ? this.u64() : size === 4 ? this.u32() : size === 2 ? this.u16() : this.u8(); }
  uleb(): number {
    let result = 0;
    let shift = 1;
    for (;;) {
      const byte = this.data[this.offset++]!;
      result += (byte & 0x7f) * shift;
      if ((byte & 0x80) === 0 || this.offset >= this.data.length) return result;
      shift *= 128;
    }
  }
  sleb(): number {
    let result = 0;
    let shift = 1;
    for (;;) {
      const byte = this.data[this.offset++]!;
      result += (byte & 0x7f) * shift;
      shift *= 128;
      if ((byte & 0x80) === 0 || this.offset >= this.data.length) {
        return (byte & 0x40) !== 0 ? result - shift : result;
      }
    }
  }
  cstring(): string {
    const end = this.data.indexOf(0, this.offset);
    const stop = end < 0 ? this.data.length : end;
    const text = this.data.toString('utf8', this.offset, stop);
    this.offset = stop + 1;
    return text;
  }
}

// DWARF forms that may describe directory and file entries in a version 5 header.
const DW_FORM = { block: 0x09, data1: 0x0b, data2: 0x05, data4: 0x06, data8: 0x07, data16: 0x1e, string: 0x08, strp: 0x0e, line_strp: 0x1f, udata: 0x0f, strx: 0x1a, strx1: 0x25, strx2: 0x26, strx4: 0x28 } as const;
const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;

interface Strings {
  str?: Buffer;
  lineStr?: Buffer;
}

function readForm(reader: Reader, form: number, offsetSize: number, strings: Strings): string | number {
  switch (form) {
    case DW_FORM.string: return reader.cstring();
    case DW_FORM.line_strp: {
      const at = offsetSize === 8 ? reader.u64() : reader.u32();
      return strings.lineStr ? new Reader(strings.lineStr, at).cstring() : '';
    }
    case DW_FORM.strp: {
      const at = offsetSize === 8 ? reader.u64() : reader.u32();
      return strings.str ? new Reader(strings.str, at).cstring() : '';
    }
    case DW_FORM.udata: return reader.uleb();
    case DW_FORM.data1: case DW_FORM.strx1: return reader.u8();
    case DW_FORM.data2: case DW_FORM.strx2: return reader.u16();
    case DW_FORM.data4: case DW_FORM.strx4: return reader.u32();
    case DW_FORM.data8: return reader.u64();
    case DW_FORM.data16: reader.offset += 16; return 0;
    case DW_FORM.block: reader.offset += reader.uleb(); return 0;
    case DW_FORM.strx: return reader.uleb();
    default: throw new Error(`unsupported DWARF form 0x${form.toString(16)} in .debug_line`);
  }
}

function readEntryTable(reader: Reader, offsetSize: number, strings: Strings): { path: string; dir: number }[] {
  const formatCount = reader.u8();
  const formats: [number, number][] = [];
  for (let i = 0; i < formatCount; i++) formats.push([reader.uleb(), reader.uleb()]);
  const count = reader.uleb();
  const entries: { path: string; dir: number }[] = [];
  for (let i = 0; i < count; i++) {
    const entry = { path: '', dir: 0 };
    for (const [content, form] of formats) {
      const value = readForm(reader, form, offsetSize, strings);
      if (content === DW_LNCT_path) entry.path = String(value);
      else if (content === DW_LNCT_directory_index) entry.dir = Number(value);
    }
    entries.push(entry);
  }
  return entries;
}

/** Parses every line program of the file. Relative file names are resolved against `baseDirectory`. */
export function readLineTable(elf: ElfFile, baseDirectory = path.dirname(elf.path)): LineTable {
  const data = elf.sectionData('.debug_line');
  const strings: Strings = {};
  const str = elf.sectionData('.debug_str');
  const lineStr = elf.sectionData('.debug_line_str');
  if (str) strings.str = str;
  if (lineStr) strings.lineStr = lineStr;
  const files: string[] = [];
  const fileIds = new Map<string, number>();
  const idOf = (name: string) => {
    let id = fileIds.get(name);
    if (id === undefined) {
      id = files.length;
      files.push(name);
      fileIds.set(name, id);
    }
    return id;
  };
  const ranges: { start: number; end: number; file: number; line: number }[] = [];
  if (!data) return new LineTable(files, new Float64Array(0), new Float64Array(0), new Int32Array(0), new Int32Array(0));

  const reader = new Reader(data);
  while (reader.offset + 4 <= data.length) {
    let unitLength = reader.u32();
    let offsetSize = 4;
    if (unitLength === 0xffffffff) {
      unitLength = reader.u64();
      offsetSize = 8;
    }
    const unitEnd = reader.offset + unitLength;
    if (unitEnd > data.length) break;
    const version = reader.u16();
    let addressSize = elf.is64 ? 8 : 4;
    if (version >= 5) {
      addressSize = reader.u8();
      reader.u8(); // segment selector size
    }
    const headerLength = offsetSize === 8 ? reader.u64() : reader.u32();
    const programStart = reader.offset + headerLength;
    const minInstructionLength = reader.u8();
    if (version >= 4) reader.u8(); // maximum operations per instruction (VLIW only)
    reader.u8(); // default_is_stmt: every row counts here, statement or not
    const lineBase = (reader.u8() << 24) >> 24;
    const lineRange = reader.u8();
    const opcodeBase = reader.u8();
    const opcodeLengths: number[] = [0];
    for (let i = 1; i < opcodeBase; i++) opcodeLengths.push(reader.u8());

    // File ids of this unit, indexed the way the line program refers to them.
    const fileTable: number[] = [];
    if (version >= 5) {
      const dirs = readEntryTable(reader, offsetSize, strings).map((d) => d.path);
      const compDir = dirs[0] ?? baseDirectory;
      for (const file of readEntryTable(reader, offsetSize, strings)) {
        const dir = dirs[file.dir] ?? compDir;
        fileTable.push(idOf(path.resolve(baseDirectory, path.isAbsolute(dir) ? dir : path.join(compDir, dir), file.path)));
      }
    } else {
      const dirs = [baseDirectory];
      for (let dir = reader.cstring(); dir; dir = reader.cstring()) dirs.push(dir);
      fileTable.push(-1); // DWARF 2-4 number files from 1
      for (let name = reader.cstring(); name; name = reader.cstring()) {
        const dir = reader.uleb();
        reader.uleb(); // modification time
        reader.uleb(); // length
        fileTable.push(idOf(path.resolve(baseDirectory, dirs[dir] ?? '', name)));
      }
    }
    reader.offset = programStart;

    let address = 0, file = 1, line = 1;
    let rowAddress = -1, rowFile = 0, rowLine = 0;
    const fileId = (index: number) => fileTable[index] ?? fileTable[1] ?? fileTable[0] ?? 0;
    const emitRow = () => {
      if (rowAddress >= 0 && address > rowAddress) ranges.push({ start: rowAddress, end: address, file: rowFile, line: rowLine });
      rowAddress = address; rowFile = fileId(file); rowLine = line;
    };
    const reset = () => { address = 0; file = 1; line = 1; rowAddress = -1; };
    while (reader.offset < unitEnd) {
      const opcode = reader.u8();
      if (opcode >= opcodeBase) {
        const adjusted = opcode - opcodeBase;
        address += Math.floor(adjusted / lineRange) * minInstructionLength;
        line += lineBase + (adjusted % lineRange);
        emitRow();
      } else if (opcode === 0) {
        const length = reader.uleb();
        const end = reader.offset + length;
        const extended = reader.u8();
        if (extended === 1) { // end_sequence
          emitRow();
          reset();
        } else if (extended === 2) address = reader.address(length - 1 || addressSize);
        else if (extended === 3) { // define_file (DWARF 2-4)
          const name = reader.cstring();
          reader.uleb(); // directory index: define_file is obsolete and nasm/gcc never emit it
          fileTable.push(idOf(path.resolve(baseDirectory, name)));
        }
        reader.offset = end;
      } else if (opcode === 1) emitRow(); // copy
      else if (opcode === 2) address += reader.uleb() * minInstructionLength;
      else if (opcode === 3) line += reader.sleb();
      else if (opcode === 4) file = reader.uleb();
      else if (opcode === 8) address += Math.floor((255 - opcodeBase) / lineRange) * minInstructionLength;
      else if (opcode === 9) address += reader.u16();
      else for (let i = 0; i < opcodeLengths[opcode]!; i++) reader.uleb(); // column, stmt, block, prologue, isa...
    }
    reader.offset = unitEnd;
  }
  ranges.sort((a, b) => a.start - b.start);
  const starts = new Float64Array(ranges.length), ends = new Float64Array(ranges.length);
  const fileIndexes = new Int32Array(ranges.length), lines = new Int32Array(ranges.length);
  ranges.forEach((r, i) => { starts[i] = r.start; ends[i] = r.end; fileIndexes[i] = r.file; lines[i] = r.line; });
  return new LineTable(files, starts, ends, fileIndexes, lines);
}
