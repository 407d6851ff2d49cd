// Each compile unit in `.debug_info`: its source (DW_AT_name), its compilation directory
// (DW_AT_comp_dir, which relative file names in its line program, DW_AT_stmt_list, are relative to)
// and the tool that made it (DW_AT_producer). Only the first entry of each unit (the compile unit
// itself) is read. Never throws: what cannot be read is
// left out. Codes from the DWARF 5 standard, section 7.5 (tables 7.3, 7.5 and 7.6).
import type { ElfFile } from './elf';
import { readForm, Reader, readUnitLength, stringSections, type Strings } from './dwarfForms';

const DW_AT_name = 0x03;
const DW_AT_stmt_list = 0x10;
const DW_AT_comp_dir = 0x1b;
const DW_AT_producer = 0x25;
const DW_UT_compile = 0x01;
const DW_UT_partial = 0x03;

// Forms whose value is skipped here: fixed sizes, and those sized by a length in front.
const FIXED_SIZE: Record<number, number> = {
  0x0c: 1, 0x11: 1, 0x12: 2, 0x13: 4, 0x14: 8, 0x19: 0, 0x1c: 4, 0x20: 8, 0x24: 8, 0x27: 3, 0x29: 1, 0x2a: 2, 0x2b: 3, 0x2c: 4,
};
const FORM = { addr: 0x01, block2: 0x03, block4: 0x04, block1: 0x0a, sdata: 0x0d, refAddr: 0x10, refUdata: 0x15, indirect: 0x16, secOffset: 0x17, exprloc: 0x18, addrx: 0x1b, strpSup: 0x1d, implicitConst: 0x21, loclistx: 0x22, rnglistx: 0x23 } as const;

interface UnitShape { offsetSize: number; addressSize: number; version: number; strings: Strings }

function readValue(reader: Reader, form: number, unit: UnitShape, implicit: number): string | number {
  if (form in FIXED_SIZE) {
    reader.offset += FIXED_SIZE[form]!;
    return 0;
  }
  switch (form) {
    case FORM.addr: return reader.address(unit.addressSize);
    case FORM.block1: reader.offset += reader.u8(); return 0;
    case FORM.block2: reader.offset += reader.u16(); return 0;
    case FORM.block4: reader.offset += reader.u32(); return 0;
    case FORM.exprloc: reader.offset += reader.uleb(); return 0;
    case FORM.sdata: return reader.sleb();
    case FORM.refUdata: case FORM.addrx: case FORM.loclistx: case FORM.rnglistx: return reader.uleb();
    // DWARF 2 sized DW_FORM_ref_addr like an address, later versions like an offset.
    case FORM.refAddr: return unit.version <= 2 ? reader.address(unit.addressSize) : reader.address(unit.offsetSize);
    case FORM.secOffset: case FORM.strpSup: return reader.address(unit.offsetSize);
    case FORM.implicitConst: return implicit;
    case FORM.indirect: return readValue(reader, reader.uleb(), unit, implicit);
    default: return readForm(reader, form, unit.offsetSize, unit.strings);
  }
}

/** The attribute specifications of abbreviation `code` in the table at `offset`. */
function abbreviation(abbrev: Buffer, offset: number, code: number): [number, number, number][] | undefined {
  const reader = new Reader(abbrev, offset);
  while (reader.offset < abbrev.length) {
    const entryCode = reader.uleb();
    if (entryCode === 0) return undefined;
    reader.uleb(); // tag
    reader.u8(); // has children
    const specs: [number, number, number][] = [];
    for (;;) {
      const attribute = reader.uleb();
      const form = reader.uleb();
      if (attribute === 0 && form === 0) break;
      specs.push([attribute, form, form === FORM.implicitConst ? reader.sleb() : 0]);
    }
    if (entryCode === code) return specs;
  }
  return undefined;
}

export interface CompilationUnit {
  /** The unit's source as the compiler was given it (relative to compDir, or absolute). */
  name?: string;
  compDir?: string;
  /** `NASM 2.16.01`, `GNU C17 12.2.0 -mtune=generic …`. */
  producer?: string;
  /** Offset of its line program in `.debug_line`. */
  stmtList?: number;
}

/** Each unit's compilation directory, keyed by its line program's offset. */
export function compilationDirectories(elf: ElfFile): Map<number, string> {
  const directories = new Map<number, string>();
  for (const unit of compilationUnits(elf)) {
    if (unit.compDir !== undefined && unit.stmtList !== undefined) directories.set(unit.stmtList, unit.compDir);
  }
  return directories;
}

export function compilationUnits(elf: ElfFile): CompilationUnit[] {
  const units: CompilationUnit[] = [];
  const info = elf.sectionData('.debug_info');
  const abbrev = elf.sectionData('.debug_abbrev');
  if (!info || !abbrev) return units;
  const strings = stringSections(elf);
  const reader = new Reader(info);
  try {
    while (reader.offset + 11 <= info.length) {
      const { end: unitEnd, offsetSize } = readUnitLength(reader);
      const version = reader.u16();
      let addressSize: number;
      let abbrevOffset: number;
      if (version >= 5) {
        const unitType = reader.u8();
        addressSize = reader.u8();
        abbrevOffset = reader.address(offsetSize);
        if (unitType !== DW_UT_compile && unitType !== DW_UT_partial) {
          reader.offset = unitEnd;
          continue;
        }
      } else {
        abbrevOffset = reader.address(offsetSize);
        addressSize = reader.u8();
      }
      const specs = abbreviation(abbrev, abbrevOffset, reader.uleb());
      const shape = { offsetSize, addressSize, version, strings };
      const unit: CompilationUnit = {};
      for (const [attribute, form, implicit] of specs ?? []) {
        const value = readValue(reader, form, shape, implicit);
        if (typeof value === 'string') {
          if (attribute === DW_AT_comp_dir) unit.compDir = value;
          else if (attribute === DW_AT_name) unit.name = value;
          else if (attribute === DW_AT_producer) unit.producer = value;
        } else if (attribute === DW_AT_stmt_list) unit.stmtList = value;
      }
      units.push(unit);
      reader.offset = unitEnd;
    }
  } catch {
    // A truncated or unusual unit: keep what was read.
  }
  return units;
}
