// The search table strace -k's unwinder needs and `gcc -static` leaves out. gcc passes
// --eh-frame-hdr to ld only for dynamic links, so a static glibc program has its unwind records
// (.eh_frame) but no PT_GNU_EH_FRAME: libunwind then finds no record for most addresses, and a
// stack skips frames or stops (an openat under main credited to nothing, a close to libc start-up).
// The same program linked with -Wl,--eh-frame-hdr unwinds exactly. This builds the header ld would
// have written (.eh_frame_hdr: version 1, a pointer to .eh_frame, then a table of (start, record)
// pairs sorted by start) from the program's own .eh_frame and adds it to a copy as a new read-only
// segment: the code, data and every other address stay as they were.
//
// libunwind reads the header's phdr from the file but the table from the process's memory, so the
// table must be loaded: two PT_NOTE headers (static glibc programs have two) become a PT_LOAD for
// the table and its PT_GNU_EH_FRAME. A program without two notes is left as it is.
import { ElfFile, ELF } from './map/elf';

const PT_NOTE = 4;
const PT_GNU_EH_FRAME = 0x6474e550;
const PF_R = 4;
const PAGE = 0x1000;
// DW_EH_PE_* (the pointer encodings of the LSB's exception-frame format).
const PE_ABSPTR = 0x00, PE_UDATA2 = 0x02, PE_UDATA4 = 0x03, PE_UDATA8 = 0x04;
const PE_SDATA2 = 0x0a, PE_SDATA4 = 0x0b, PE_SDATA8 = 0x0c;
const PE_PCREL = 0x10, PE_DATAREL = 0x30, PE_OMIT = 0xff;

/** One unwind record: the first address it covers and the record's own address. */
interface FrameRecord { start: number; record: number }

/**
 * The records of an .eh_frame section loaded at `address`: every FDE with the address it starts
 * at. Undefined when the section uses something this reader does not follow (then nothing is added).
 */
export function frameRecords(section: Buffer, address: number): FrameRecord[] | undefined {
  const encodings = new Map<number, number>();
  const records: FrameRecord[] = [];
  let at = 0;
  while (at + 4 <= section.length) {
    const length = section.readUInt32LE(at);
    if (length === 0) break;
    if (length === 0xffffffff) return undefined;
    const body = at + 4;
    const end = body + length;
    if (end > section.length) return undefined;
    const id = section.readUInt32LE(body);
    if (id === 0) {
      const encoding = cieEncoding(section, body + 4, end);
      if (encoding === undefined) return undefined;
      encodings.set(at, encoding);
    } else {
      const cie = body - id;
      const encoding = encodings.get(cie);
      if (encoding === undefined) return undefined;
      const field = body + 4;
      const start = readEncoded(section, field, encoding, address + field);
      if (start === undefined) return undefined;
      records.push({ start, record: address + at });
    }
    at = end;
  }
  return records;
}

/** A CIE's FDE pointer encoding (its `R` augmentation; absolute pointers without one). */
function cieEncoding(section: Buffer, at: number, end: number): number | undefined {
  const version = section[at];
  let p = at + 1;
  const augmentationEnd = section.indexOf(0, p);
  if (augmentationEnd < 0 || augmentationEnd >= end) return undefined;
  const augmentation = section.toString('latin1', p, augmentationEnd);
  p = augmentationEnd + 1;
  if (augmentation.includes('eh')) return undefined;
  p = skipLeb(section, p); // code alignment
  p = skipLeb(section, p); // data alignment
  p = version === 1 ? p + 1 : skipLeb(section, p); // return address register
  if (!augmentation.startsWith('z')) return augmentation === '' ? PE_ABSPTR : undefined;
  p = skipLeb(section, p); // augmentation data length
  for (const letter of augmentation.slice(1)) {
    if (letter === 'R') return section[p];
    if (letter === 'L') p += 1;
    else if (letter === 'P') {
      const size = encodedSize(section[p]!);
      if (size === undefined) return undefined;
      p += 1 + size;
    } else if (letter !== 'S' && letter !== 'B') return undefined;
  }
  return PE_ABSPTR;
}

function skipLeb(data: Buffer, at: number): number {
  while (at < data.length && (data[at]! & 0x80) !== 0) at++;
  return at + 1;
}

function encodedSize(encoding: number): number | undefined {
  switch (encoding & 0x0f) {
    case PE_ABSPTR: case PE_UDATA8: case PE_SDATA8: return 8;
    case PE_UDATA4: case PE_SDATA4: return 4;
    case PE_UDATA2: case PE_SDATA2: return 2;
    default: return undefined;
  }
}

function readEncoded(data: Buffer, at: number, encoding: number, fieldAddress: number): number | undefined {
  if (encoding === PE_OMIT || (encoding & 0xf0 & ~PE_PCREL) !== 0) return undefined;
  let value: number;
  switch (encoding & 0x0f) {
    case PE_ABSPTR: case PE_UDATA8: value = Number(data.readBigUInt64LE(at)); break;
    case PE_SDATA8: value = Number(data.readBigInt64LE(at)); break;
    case PE_UDATA4: value = data.readUInt32LE(at); break;
    case PE_SDATA4: value = data.readInt32LE(at); break;
    case PE_UDATA2: value = data.readUInt16LE(at); break;
    case PE_SDATA2: value = data.readInt16LE(at); break;
    default: return undefined; // ULEB128/SLEB128 pointers: never seen in an FDE's start.
  }
  return (encoding & PE_PCREL) !== 0 ? fieldAddress + value : value;
}

/** The .eh_frame_hdr bytes for these records, loaded at `address`, for an .eh_frame at `frames`. */
export function frameHeader(records: readonly FrameRecord[], address: number, frames: number): Buffer {
  const sorted = [...records].sort((a, b) => a.start - b.start);
  const header = Buffer.alloc(12 + sorted.length * 8);
  header.writeUInt8(1, 0);
  header.writeUInt8(PE_PCREL | PE_SDATA4, 1);
  header.writeUInt8(PE_UDATA4, 2);
  header.writeUInt8(PE_DATAREL | PE_SDATA4, 3);
  header.writeInt32LE(frames - (address + 4), 4);
  header.writeUInt32LE(sorted.length, 8);
  sorted.forEach((r, i) => {
    header.writeInt32LE(r.start - address, 12 + i * 8);
    header.writeInt32LE(r.record - address, 16 + i * 8);
  });
  return header;
}

/**
 * A copy of a 64-bit program with an unwind search table added, or undefined when it has one
 * already (or is not a program this can change: no .eh_frame, fewer than two PT_NOTEs, a record
 * this reader does not follow, addresses beyond 32-bit reach of the table).
 */
export function withFrameIndex(data: Buffer): Buffer | undefined {
  let elf: ElfFile;
  try {
    elf = new ElfFile('program', data);
  } catch {
    return undefined;
  }
  if (!elf.is64 || elf.segments.some((s) => s.type === PT_GNU_EH_FRAME)) return undefined;
  const frames = elf.sections.find((s) => s.name === '.eh_frame' && s.address > 0);
  if (!frames) return undefined;
  const notes = elf.segments.filter((s) => s.type === PT_NOTE).map((s) => s.headerOffset);
  if (notes.length < 2) return undefined;
  const records = frameRecords(data.subarray(frames.offset, frames.offset + frames.size), frames.address);
  if (!records?.length) return undefined;
  // The table goes at the end of the file, on a page of its own (offset and address agree modulo
  // the page, as the loader requires), at an address no segment uses: below the first segment
  // when there is room (the program's break, set after its highest segment, does not move), else
  // above the last.
  const loads = elf.segments.filter((s) => s.type === ELF.PT_LOAD);
  const size = 12 + records.length * 8;
  const offset = Math.ceil(data.length / PAGE) * PAGE;
  const lowest = Math.min(...loads.map((s) => s.address));
  const highest = Math.max(...loads.map((s) => s.address + s.memorySize));
  const pages = Math.ceil(size / PAGE) * PAGE;
  const below = lowest - pages - PAGE;
  const address = !elf.isPositionIndependent && below >= 0x100000 ? below : Math.ceil(highest / PAGE) * PAGE + PAGE;
  if (Math.abs(address - lowest) > 0x7fff0000 || Math.abs(highest - address) > 0x7fff0000) return undefined;
  const header = frameHeader(records, address, frames.address);
  const copy = Buffer.alloc(offset + header.length);
  data.copy(copy);
  header.copy(copy, offset);
  const program = (at: number, type: number) => {
    copy.writeUInt32LE(type, at);
    copy.writeUInt32LE(PF_R, at + 4);
    copy.writeBigUInt64LE(BigInt(offset), at + 8);
    copy.writeBigUInt64LE(BigInt(address), at + 16);
    copy.writeBigUInt64LE(BigInt(address), at + 24);
    copy.writeBigUInt64LE(BigInt(header.length), at + 32);
    copy.writeBigUInt64LE(BigInt(header.length), at + 40);
    copy.writeBigUInt64LE(BigInt(type === ELF.PT_LOAD ? PAGE : 4), at + 48);
  };
  program(notes[0]!, ELF.PT_LOAD);
  program(notes[1]!, PT_GNU_EH_FRAME);
  return copy;
}
