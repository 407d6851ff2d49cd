// Reads DWARF `.debug_line` (versions 2 to 5) into an address → file:line table. Written for
// what nasm (DWARF 3) and gcc (DWARF 5) emit; one pass over the line programs, no other sections
// except the string tables that DWARF 5 file names point into.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { ElfFile } from './elf';
import { compilationDirectories } from './dwarfUnits';
import { readForm, Reader, readUnitLength, stringSections, type Strings } from './dwarfForms';

const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;

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

/**
 * Where a file a unit names relative to `dir` really is. nasm records the source's own folder as
 * DW_AT_comp_dir but the name as its command line gave it: `nasm -o obj/main.o src/main.s`, run at
 * the project's top by a Makefile, gives `<top>/src/` + `src/main.s`, a path that does not exist. When
 * `dir` ends with the name's folder and `dir/name` is not a file, the name's folder is that suffix.
 */
function sourceOnDisk(dir: string, name: string): string {
  const direct = path.resolve(dir, name);
  if (path.isAbsolute(name)) return direct;
  const folder = path.dirname(path.normalize(name));
  if (folder === '.' || folder.startsWith('..')) return direct;
  const base = path.resolve(dir);
  if (!base.endsWith(path.sep + folder) || existsSync(direct)) return direct;
  const corrected = path.join(base, path.basename(name));
  return existsSync(corrected) ? corrected : direct;
}

/**
 * Parses every line program of the file. Relative file names are resolved against the unit's
 * DW_AT_comp_dir (as addr2line and gdb do), or `baseDirectory` when the unit names none.
 */
export function readLineTable(elf: ElfFile, baseDirectory = path.dirname(elf.path)): LineTable {
  const compDirs = compilationDirectories(elf);
  const data = elf.sectionData('.debug_line');
  const strings = stringSections(elf);
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
    const unitBase = path.resolve(baseDirectory, compDirs.get(reader.offset) ?? '');
    const { end: unitEnd, offsetSize } = readUnitLength(reader);
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
      const compDir = dirs[0] ?? unitBase;
      for (const file of readEntryTable(reader, offsetSize, strings)) {
        const dir = dirs[file.dir] ?? compDir;
        fileTable.push(idOf(sourceOnDisk(path.resolve(unitBase, path.isAbsolute(dir) ? dir : path.join(compDir, dir)), file.path)));
      }
    } else {
      const dirs = [unitBase];
      for (let dir = reader.cstring(); dir; dir = reader.cstring()) dirs.push(dir);
      fileTable.push(-1); // DWARF 2-4 number files from 1
      for (let name = reader.cstring(); name; name = reader.cstring()) {
        const dir = reader.uleb();
        reader.uleb(); // modification time
        reader.uleb(); // length
        fileTable.push(idOf(sourceOnDisk(path.resolve(unitBase, dirs[dir] ?? ''), name)));
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
          fileTable.push(idOf(sourceOnDisk(unitBase, name)));
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
