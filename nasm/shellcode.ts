// Shellcode checks over nasm's listing: the length, bytes a loader or a string copy would cut at
// (NUL by default), and absolute addresses that tie the code to one load address.
import { recordSize, type ListingRecord } from './listing';
import { parseLine } from './parser/statement';

export interface ShellcodeOptions {
  /** Bytes the shellcode must not contain; NUL by default. */
  badBytes?: readonly number[];
  /**
   * Whether relocated fields already hold their final value: true for `-f bin` (nasm resolves them),
   * false for object files, where the linker writes the address later (their bytes are not judged).
   */
  relocationsFinal?: boolean;
  /**
   * Where the unit's labels are (listingSymbolSections): names the symbol and section a relative
   * reference to another section points at. Without it those references are flagged unnamed.
   */
  symbolSections?: ReadonlyMap<string, string | undefined>;
}

export interface BadByte {
  kind: 'bad-byte';
  /** The main-source line (ListingRecord.mainLine). */
  line: number;
  section: string;
  /** Offset in the section of the first occurrence in this record. */
  offset: number;
  byte: number;
  /** Occurrences in this record, repeats included. */
  count: number;
}

export interface AbsoluteAddress {
  kind: 'absolute-address';
  line: number;
  section: string;
  offset: number;
  size: number;
}

/**
 * A relative field nasm could not resolve (`lea rsi, [rel msg]` with msg in .data, `call printf`):
 * the distance to another section or to an external symbol is fixed only by the linker, so the
 * extracted bytes of this section do not hold it.
 */
export interface CrossSectionReference {
  kind: 'cross-section-reference';
  line: number;
  section: string;
  offset: number;
  size: number;
  /** The label the statement refers to, when it names one the unit defines or declares extern. */
  symbol?: string;
  /** The label's section; undefined for an `extern` symbol or an unnamed one. */
  targetSection?: string;
}

export type ShellcodeFinding = BadByte | AbsoluteAddress | CrossSectionReference;

// Words in an operand that are not symbols.
const NOT_SYMBOLS = new Set(['rel', 'abs', 'wrt', 'byte', 'word', 'dword', 'qword', 'tword', 'oword', 'yword', 'zword', 'far', 'near', 'short', 'strict', 'seg']);

/** The label a relative field refers to: the first name in the statement that lives in another section or outside the unit. */
function referencedSymbol(record: ListingRecord, symbols: ReadonlyMap<string, string | undefined>): { symbol: string; targetSection?: string } | undefined {
  const names = parseLine(record.expanded ?? record.source).operands.flatMap((o) => o.tokens).filter((t) => t.kind === 'identifier' && !NOT_SYMBOLS.has(t.text.toLowerCase()));
  for (const { text } of names) {
    const local = text.startsWith('.') && !text.startsWith('..') ? [...symbols.keys()].filter((k) => k.endsWith(text) && k.length > text.length) : [];
    const name = symbols.has(text) ? text : local.length === 1 ? local[0]! : undefined;
    if (name === undefined) continue;
    const section = symbols.get(name);
    if (section !== record.section) return { symbol: text, targetSection: section };
  }
  return undefined;
}

export interface ShellcodeReport {
  /** Bytes in the file, by section, in the order sections first appear (sections with no file bytes left out). */
  sizes: Map<string, number>;
  /** Bytes reserved in memory only (`resb`), by section. */
  reserved: Map<string, number>;
  length: number;
  findings: ShellcodeFinding[];
  /** Bytes the listing only sizes (`incbin`): they could not be checked. */
  unchecked: number;
}

export function checkShellcode(records: readonly ListingRecord[], options: ShellcodeOptions = {}): ShellcodeReport {
  const bad = new Set(options.badBytes ?? [0]);
  const report: ShellcodeReport = { sizes: new Map(), reserved: new Map(), length: 0, findings: [], unchecked: 0 };
  for (const record of records) {
    const size = recordSize(record);
    if (size) report.sizes.set(record.section, (report.sizes.get(record.section) ?? 0) + size);
    if (record.reserved) report.reserved.set(record.section, (report.reserved.get(record.section) ?? 0) + record.reserved * record.repeat);
    report.length += size;
    report.unchecked += record.unshown;
    for (const relocation of record.relocations) {
      const at = { line: record.mainLine, section: record.section, offset: record.offset + relocation.offset, size: relocation.size };
      if (relocation.kind === 'absolute') report.findings.push({ kind: 'absolute-address', ...at });
      // In a flat binary nasm resolves relative fields itself: every section is in the one file.
      else if (!options.relocationsFinal) {
        report.findings.push({ kind: 'cross-section-reference', ...at, ...(options.symbolSections && referencedSymbol(record, options.symbolSections)) });
      }
    }
    if (!record.bytes) continue;
    const judged = (index: number) => options.relocationsFinal
      || !record.relocations.some((r) => index >= r.offset && index < r.offset + r.size);
    const seen = new Map<number, BadByte>();
    record.bytes.forEach((byte, index) => {
      if (!bad.has(byte) || !judged(index)) return;
      const found = seen.get(byte);
      if (found) found.count += record.repeat;
      else seen.set(byte, { kind: 'bad-byte', line: record.mainLine, section: record.section, offset: record.offset + index, byte, count: record.repeat });
    });
    report.findings.push(...seen.values());
  }
  return report;
}

/** One line a user reads: `NUL 0x00 at .text+0x2 (3 times)`, `absolute address at .text+0x8 (8 bytes): …`. */
export function describeShellcodeFinding(finding: ShellcodeFinding): string {
  const where = `${finding.section}+0x${finding.offset.toString(16)}`;
  if (finding.kind === 'absolute-address') return `absolute address at ${where} (${finding.size} bytes): not position-independent`;
  if (finding.kind === 'cross-section-reference') {
    const target = finding.symbol === undefined ? 'a symbol outside this section'
      : finding.targetSection === undefined ? `external symbol ${finding.symbol}` : `${finding.symbol} in ${finding.targetSection}`;
    return `relative reference at ${where} to ${target}: the linker fixes that distance, so the bytes of ${finding.section} alone are not position-independent`;
  }
  const name = finding.byte === 0 ? 'NUL' : 'bad byte';
  return `${name} 0x${finding.byte.toString(16).padStart(2, '0')} at ${where}${finding.count > 1 ? ` (${finding.count} times)` : ''}`;
}

/** `\x48\x31\xc0`, the form shellcode is pasted as into C and Python strings. */
export function escapedBytes(bytes: Iterable<number>): string {
  let text = '';
  for (const byte of bytes) text += `\\x${byte.toString(16).padStart(2, '0')}`;
  return text;
}

export type ShellcodeForm = 'string' | 'c' | 'python';

/**
 * The bytes as they are pasted into a program: a `\x..` string, a C array (with its length) or a
 * Python bytes literal, 16 bytes to a line.
 */
export function shellcodeAs(bytes: Uint8Array, form: ShellcodeForm): string {
  const rows: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 16) rows.push(bytes.subarray(i, i + 16));
  if (form === 'string') return `"${escapedBytes(bytes)}"`;
  if (form === 'python') return `shellcode = (\n${rows.map((r) => `    b"${escapedBytes(r)}"`).join('\n')}\n)`;
  const lines = rows.map((r) => `    ${[...r].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')},`);
  return `unsigned char shellcode[${bytes.length}] = {\n${lines.join('\n')}\n};`;
}

/** All file bytes of the records in order, repeats expanded; undefined when some are not listed (incbin). */
export function shellcodeBytes(records: readonly ListingRecord[], section?: string): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  for (const record of records) {
    if (section !== undefined && record.section !== section) continue;
    if (record.unshown) return undefined;
    if (!record.bytes) continue;
    for (let i = 0; i < record.repeat; i++) parts.push(record.bytes);
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

/**
 * The shellcode as one block of bytes, to paste into a program, or why there is none: bytes in more
 * than one section (shellcode runs as one block), or bytes the listing does not show (incbin).
 */
export function shellcodeBlock(records: readonly ListingRecord[]): { bytes: Uint8Array } | { problem: string } {
  const sections = new Set(records.filter((r) => r.bytes?.length || r.unshown).map((r) => r.section));
  if (sections.size > 1) return { problem: `${[...sections].join(', ')} all hold bytes; shellcode is one block, so put it in one section.` };
  const bytes = shellcodeBytes(records);
  return bytes ? { bytes } : { problem: 'the listing does not show every byte (incbin), so they cannot be given as one block.' };
}

/**
 * A file asks for shellcode checks with a comment line `; syscall-lens: shellcode`, optionally
 * naming its bad bytes: `; syscall-lens: shellcode bad=00,0a,0d`. Undefined when it does not ask.
 */
export function shellcodeModeOf(text: string): { badBytes: number[] } | undefined {
  const match = /^[ \t]*;[ \t]*syscall-lens:[ \t]*shellcode\b([^\n]*)$/im.exec(text);
  if (!match) return undefined;
  const list = /\bbad=([0-9a-fx, ]+)/i.exec(match[1]!)?.[1];
  return { badBytes: list ? parseByteList(list) ?? [0] : [0] };
}

/** `00,0a,0x0d, 20` → bytes; undefined when an entry is not a byte in hex. */
export function parseByteList(text: string): number[] | undefined {
  const bytes: number[] = [];
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const digits = part.replace(/^(0x|\\x)/i, '');
    if (!/^[0-9a-f]{1,2}$/i.test(digits)) return undefined;
    bytes.push(parseInt(digits, 16));
  }
  return bytes;
}
