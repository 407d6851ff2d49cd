// Reading DWARF's encodings: LEB128 numbers, strings, and attribute values by form (shared by the
// `.debug_line` and `.debug_info` readers).

export class Reader {
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
export const DW_FORM = { block: 0x09, data1: 0x0b, data2: 0x05, data4: 0x06, data8: 0x07, data16: 0x1e, string: 0x08, strp: 0x0e, line_strp: 0x1f, udata: 0x0f, strx: 0x1a, strx1: 0x25, strx2: 0x26, strx4: 0x28 } as const;

export interface Strings {
  str?: Buffer;
  lineStr?: Buffer;
}

export function readForm(reader: Reader, form: number, offsetSize: number, strings: Strings): string | number {
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


/** A unit's initial length: where the unit ends and whether offsets in it are 4 or 8 bytes (64-bit DWARF). */
export function readUnitLength(reader: Reader): { end: number; offsetSize: number } {
  const length = reader.u32();
  if (length !== 0xffffffff) return { end: reader.offset + length, offsetSize: 4 };
  const long = reader.u64();
  return { end: reader.offset + long, offsetSize: 8 };
}

/** The string sections that strp and line_strp forms point into. */
export function stringSections(elf: { sectionData(name: string): Buffer | undefined }): Strings {
  const strings: Strings = {};
  const str = elf.sectionData('.debug_str');
  const lineStr = elf.sectionData('.debug_line_str');
  if (str) strings.str = str;
  if (lineStr) strings.lineStr = lineStr;
  return strings;
}
