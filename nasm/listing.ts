// nasm's own listing (`nasm -l`): the bytes it emitted for every line, read, never guessed. Shared
// by the trace (which macro call an instruction came from) and the binary lens (bytes per line).
import { parseLine } from './parser/statement';
import { sectionSwitchOfLine } from './parser/sections';

/** A relocated field: nasm prints `[…]` for an absolute address, `(…)` for one relative to another section or symbol. */
export interface ListingRelocation {
  /** Byte offset of the field within the record's bytes. */
  offset: number;
  size: number;
  kind: 'absolute' | 'relative';
}

/** One listed statement that has a position in its section. */
export interface ListingRecord {
  /** The line number nasm printed: in the main source at depth 0, else in the macro's or the included file. */
  line: number;
  /** Macro, `%rep` or `%include` nesting (`<1>`); 0 for the main source. */
  depth: number;
  /** The last depth-0 line before this record: the macro invocation, `%include` or `%endrep`. */
  topLine: number;
  /**
   * The main-source line the record belongs to: its own at depth 0; for expanded code, the macro
   * call or `%include` it came from — except that a `%rep` block's copies belong to the body lines
   * they repeat (nasm lists them after `%endrep`, numbered in the main source), and what those lines
   * expand to in turn belongs to them.
   */
  mainLine: number;
  section: string;
  /** Offset in the section. */
  offset: number;
  /**
   * The bytes of one repetition, in order (continuation lines joined); relocated fields hold nasm's
   * placeholder value. Undefined when the listing shows a size only (`incbin`: `<bin 9h>`).
   */
  bytes: Uint8Array | undefined;
  /** `times N` and `align` padding: the bytes repeat this many times (`<rep N>`). */
  repeat: number;
  /** `resb` and friends: bytes reserved in memory, none in the file (`<res N>`). */
  reserved: number;
  /** Bytes the listing sizes without showing them (`<bin N>`). */
  unshown: number;
  relocations: ListingRelocation[];
  /** The statement's source text. */
  source: string;
  /** In a macro's expansion, the source with `%1`…`%9` replaced by the call's operands (nasm lists the text as written). */
  expanded?: string;
}

// `    17 0000000A 48BE-                   mov rsi, msg` — line, offset, bytes (a trailing `-` continues
// on the next listing line), `<depth>` for expanded lines, source. `-Ld` prints counts in decimal.
const COUNT = '(?:[0-9A-F]+h|\\d+)';
const CODE_LINE = new RegExp(
  `^ *(\\d+) ([0-9A-F]{8,16}) (<(?:res|bin) ${COUNT}>|\\?+|[0-9A-F\\[\\]()]*(?:<rep ${COUNT}>)?)(-?) *(?:<(\\d+)>)?(.*)$`,
);
const TEXT_LINE = /^ *(\d+) +(?:<(\d+)>)?(.*)$/;

function count(text: string): number {
  return text.endsWith('h') ? parseInt(text, 16) : Number(text);
}

/**
 * The section each listed line is in. Followed at every depth (a macro may switch to `.data` and
 * back), but not inside `%macro` definitions, which nasm lists without running them. `section X`
 * also sets what `__SECT__` returns to; the primitive `[section X]` does not.
 */
class SectionTracker {
  current = '.text';
  /** Inside `struc` or `absolute`: offsets are in no section (nasm lists struc fields as `????`). */
  outside = false;
  private user = '.text';
  private definingAt: number | undefined;

  see(source: string, depth: number): void {
    const keyword = parseLine(source).keyword?.name;
    if (this.definingAt !== undefined) {
      if ((keyword === '%endmacro' || keyword === '%endm') && depth === this.definingAt) this.definingAt = undefined;
      return;
    }
    if (keyword === '%macro' || keyword === '%imacro') {
      this.definingAt = depth;
      return;
    }
    if (keyword === 'struc' || keyword === 'absolute') this.outside = true;
    else if (keyword === 'endstruc') this.outside = false;
    if (/^\s*__\??SECT\??__\s*(;.*)?$/.test(source)) {
      this.outside = false;
      this.current = this.user;
      return;
    }
    const name = sectionSwitchOfLine(source);
    if (!name) return;
    this.outside = false;
    this.current = name;
    if (!/^\s*\[/.test(source)) this.user = name;
  }
}

/** One listed line: a statement, the text of a macro or include line, or a comment. */
export interface ListingLine {
  line: number;
  depth: number;
  /** The source column, trimmed. */
  source: string;
  /** The section the line is in (after its own switch, for a `section` line). */
  section: string;
  /** Set when the line has a position in its section (continuation lines already joined into it). */
  record?: ListingRecord;
  /** As ListingRecord.expanded. */
  expanded?: string;
}

/**
 * Reads a whole listing line by line, in order. Total: lines it does not recognise (nasm's warnings,
 * anything that is not a listing) are skipped. Records are filled in as described on ListingRecord.
 */
export function listingLines(text: string): ListingLine[] {
  const lines: ListingLine[] = [];
  const sections = new SectionTracker();
  let topLine = 0;
  let topIsEndRep = false;
  let repBodyLine = 0;
  let continued: { record: ListingRecord; hex: string } | undefined;
  // The last unpositioned line at each depth: what the lines one deeper were expanded from.
  const callers = new Map<number, string>();
  const expand = (source: string, depth: number): string | undefined => {
    if (depth === 0 || !/%\d/.test(source)) return undefined;
    const caller = parseLine(callers.get(depth - 1) ?? '');
    if (caller.kind !== 'macroCall') return undefined;
    const operands = caller.operands.map((o) => o.text);
    return source.replace(/%(\d+)/g, (written, n: string) => operands[Number(n) - 1] ?? written);
  };
  for (const raw of text.split('\n')) {
    const code = sections.outside ? undefined : CODE_LINE.exec(raw);
    if (code) {
      const [, lineText, offsetText, field, dash, depthText, source] = code;
      const line = Number(lineText);
      const depth = Number(depthText ?? 0);
      if (continued && continued.record.line === line && !source!.trim()) {
        continued.hex += field!;
        if (!dash) finish(continued.record, continued.hex), continued = undefined;
        continue;
      }
      if (depth === 0) {
        topLine = line;
        topIsEndRep = false;
      } else if (depth === 1 && topIsEndRep) repBodyLine = line;
      const record: ListingRecord = {
        line, depth, topLine, mainLine: depth === 0 ? line : topIsEndRep ? repBodyLine : topLine,
        section: sections.current, offset: parseInt(offsetText!, 16), bytes: undefined,
        repeat: 1, reserved: 0, unshown: 0, relocations: [], source: source!.trim(),
      };
      const expanded = expand(record.source, depth);
      if (expanded !== undefined) record.expanded = expanded;
      callers.set(depth, record.source);
      lines.push({ line, depth, source: record.source, section: record.section, record, ...(expanded !== undefined && { expanded }) });
      if (dash) continued = { record, hex: field! };
      else finish(record, field!);
      continue;
    }
    const textLine = TEXT_LINE.exec(raw);
    // `     2          ******************       warning: …` belongs to the line above it.
    if (!textLine || textLine[3]!.trimStart().startsWith('*****')) continue;
    const [, lineText, depthText, source] = textLine;
    const line = Number(lineText);
    const depth = Number(depthText ?? 0);
    sections.see(source!, depth);
    if (depth === 0) {
      topLine = line;
      topIsEndRep = parseLine(source!).keyword?.name === '%endrep';
    } else if (depth === 1 && topIsEndRep) repBodyLine = line;
    const trimmed = source!.trim();
    const expanded = expand(trimmed, depth);
    callers.set(depth, trimmed);
    lines.push({ line, depth, source: trimmed, section: sections.current, ...(expanded !== undefined && { expanded }) });
  }
  if (continued) finish(continued.record, continued.hex);
  return lines;
}

/** The records of a listing: every listed statement that has a position in its section. */
export function parseListing(text: string): ListingRecord[] {
  return listingLines(text).flatMap((listed) => (listed.record ? [listed.record] : []));
}

/** Reads one byte field: `B8<rep 2h>`, `48BE[0000000000000000]`, `<res 20h>`, `<bin 9h>`, `????`. */
function finish(record: ListingRecord, field: string): void {
  // `????????`: space nasm reserves without a count it can print (`resb point_size`, `dd ?`).
  if (/^\?+$/.test(field)) {
    record.reserved = field.length / 2;
    return;
  }
  const sized = /^<(res|bin) (.+)>$/.exec(field);
  if (sized) {
    if (sized[1] === 'res') record.reserved = count(sized[2]!);
    else record.unshown = count(sized[2]!);
    return;
  }
  const rep = /<rep (.+)>$/.exec(field);
  if (rep) record.repeat = count(rep[1]!);
  const hex = field.replace(/<rep .+>$/, '');
  const bytes: number[] = [];
  for (const part of hex.matchAll(/\[([0-9A-F]*)\]|\(([0-9A-F]*)\)|([0-9A-F]+)/g)) {
    const digits = part[1] ?? part[2] ?? part[3]!;
    if (part[3] === undefined) {
      record.relocations.push({ offset: bytes.length, size: digits.length / 2, kind: part[1] !== undefined ? 'absolute' : 'relative' });
    }
    for (let i = 0; i + 1 < digits.length; i += 2) bytes.push(parseInt(digits.slice(i, i + 2), 16));
  }
  record.bytes = Uint8Array.from(bytes);
}

/** The file bytes a record stands for: its bytes times its repeat count (reserved space is not in the file). */
export function recordSize(record: ListingRecord): number {
  return (record.bytes?.length ?? 0) * record.repeat + record.unshown;
}

/** What one line of the main source assembled to, its macro expansions and `%rep` copies included. */
export interface LineBytes {
  line: number;
  /** The records that make up the line, in listing order. */
  records: ListingRecord[];
  /** Bytes in the file. */
  size: number;
  /** Bytes reserved in memory only (`resb`). */
  reserved: number;
}

/** Groups the records by the main-source line they belong to (`mainLine`). */
export function bytesByLine(records: readonly ListingRecord[]): Map<number, LineBytes> {
  const lines = new Map<number, LineBytes>();
  for (const record of records) {
    let entry = lines.get(record.mainLine);
    if (!entry) lines.set(record.mainLine, entry = { line: record.mainLine, records: [], size: 0, reserved: 0 });
    entry.records.push(record);
    entry.size += recordSize(record);
    entry.reserved += record.reserved * record.repeat;
  }
  return lines;
}

/**
 * A line's bytes as people write them, `48 be [00 00 00 00 00 00 00 00]`: repeats expanded, relocated
 * fields in nasm's `[absolute]` / `(relative)` marks, reserved and incbin space in words, at most
 * `limit` bytes and then `…`.
 */
export function formatLineBytes(entry: LineBytes, limit: number): string {
  const parts: string[] = [];
  let shown = 0;
  for (const record of entry.records) {
    if (record.unshown) parts.push(`<${record.unshown} bytes from a file>`);
    if (record.reserved) parts.push(`<${record.reserved * record.repeat} bytes reserved>`);
    if (!record.bytes) continue;
    for (let copy = 0; copy < record.repeat && shown < limit; copy++) {
      let index = 0;
      while (index < record.bytes.length && shown < limit) {
        const relocation = record.relocations.find((r) => r.offset === index);
        const length = relocation ? relocation.size : 1;
        const hex = [...record.bytes.subarray(index, index + length)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
        parts.push(relocation ? (relocation.kind === 'absolute' ? `[${hex}]` : `(${hex})`) : hex);
        shown += length;
        index += length;
      }
    }
  }
  return parts.join(' ') + (entry.size > shown && entry.size > limit ? ' …' : '');
}
