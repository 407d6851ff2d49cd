// The size report as text: what `syscall-lens size FILE` prints and what the editor's size view shows
// (one formatter, so the two never disagree).
import type { SizeReport } from './programSize';

const hex = (n: number) => `0x${n.toString(16)}`;
/** Source files listed by name; a Rust or C++ program's code comes from hundreds (std's included). */
const SOURCE_FILES = 20;

/** Bytes of the sections that have an address (loaded into memory when the program runs). */
export const loadedBytes = (report: SizeReport): number => report.sections.filter((s) => s.loaded).reduce((n, s) => n + s.size, 0);

export interface SizeTextOptions {
  /** How many of the largest labels to list (0: none). */
  labels: number;
  /** The program's syscall count, when it was traced. */
  syscalls?: number;
}

/** The report for one program: headline, headers, sections, segments, largest labels, code by source file. */
export function sizeReportText(name: string, r: SizeReport, options: SizeTextOptions): string {
  const out = [`${name}: ${r.format}, ${r.fileSize} bytes in the file, ${loadedBytes(r)} loaded${options.syscalls !== undefined ? `, ${options.syscalls} syscalls` : ''}`, ''];
  out.push(`headers: ${r.headers.elf} ELF header, ${r.headers.programHeaders} program headers, ${r.headers.sectionHeaders} section headers; ${r.padding} bytes of alignment padding`, '');
  out.push('section                  type             address    offset      size');
  for (const s of r.sections) {
    out.push(`${s.name.padEnd(24)} ${s.type.padEnd(14)} ${hex(s.address).padStart(9)} ${hex(s.offset).padStart(9)} ${String(s.size).padStart(9)}${s.inFile ? '' : '  (memory only)'}`);
  }
  if (r.segments.length) {
    out.push('', 'segment        flags    offset   address   file size  memory size');
    for (const s of r.segments) out.push(`${s.type.padEnd(14)} ${s.flags}   ${hex(s.offset).padStart(8)} ${hex(s.address).padStart(9)} ${String(s.fileSize).padStart(11)} ${String(s.memorySize).padStart(12)}`);
  }
  if (options.labels > 0 && r.labels.length) {
    out.push('', 'largest labels');
    // Size first, the name last: a C++ or Rust name can run to hundreds of characters.
    for (const l of r.labels.slice(0, options.labels)) out.push(`  ${String(l.size).padStart(8)}  ${l.section.padEnd(12)} ${l.demangled ?? l.name}`);
  }
  if (r.sourceFiles.length) {
    out.push('', 'code by source file');
    for (const f of r.sourceFiles.slice(0, SOURCE_FILES)) out.push(`  ${String(f.bytes).padStart(8)}  ${f.file}`);
    const rest = r.sourceFiles.slice(SOURCE_FILES);
    if (rest.length) out.push(`  ${String(rest.reduce((n, f) => n + f.bytes, 0)).padStart(8)}  in ${rest.length} more files`);
  }
  return out.join('\n');
}

/** A program's size report, with its syscall count when it was traced. */
export interface MeasuredProgram {
  name: string;
  report: SizeReport;
  syscalls?: number;
}

export interface SizeComparisonRow {
  what: string;
  a: number | null;
  b: number | null;
}

/** Row by row, the two programs' sizes: file, loaded bytes, syscalls (when either was traced), each section. */
export function compareSizes(a: MeasuredProgram, b: MeasuredProgram): { rows: SizeComparisonRow[] } {
  const rows: SizeComparisonRow[] = [
    { what: 'file size', a: a.report.fileSize, b: b.report.fileSize },
    { what: 'loaded bytes', a: loadedBytes(a.report), b: loadedBytes(b.report) },
  ];
  if (a.syscalls !== undefined || b.syscalls !== undefined) rows.push({ what: 'syscalls', a: a.syscalls ?? null, b: b.syscalls ?? null });
  const names = [...new Set([...a.report.sections, ...b.report.sections].map((s) => s.name))];
  for (const name of names) {
    rows.push({ what: name, a: a.report.sections.find((s) => s.name === name)?.size ?? null, b: b.report.sections.find((s) => s.name === name)?.size ?? null });
  }
  return { rows };
}

/** `-7480 (-44%)`; empty when a side is missing. */
function change(a: number | null, b: number | null): string {
  if (a === null || b === null) return '';
  const difference = b - a;
  const sign = difference > 0 ? '+' : '';
  return a === 0 || difference === 0 ? `${sign}${difference}` : `${sign}${difference} (${sign}${Math.round((difference / a) * 100)}%)`;
}

/** `63 syscalls / 16992 bytes`, or just the bytes when not traced. */
const journeyStep = (m: MeasuredProgram) => `${m.syscalls !== undefined ? `${m.syscalls} syscalls / ` : ''}${m.report.fileSize} bytes`;

/**
 * Two programs side by side: the journey in one line (`hello.c → hello.asm: 35 syscalls / 16992 bytes
 * → 3 syscalls / 9512 bytes`), then file size, loaded bytes, syscalls and every section with the change.
 */
export function sizeComparisonText(a: MeasuredProgram, b: MeasuredProgram): string {
  const width = Math.max(12, a.name.length, b.name.length);
  const out = [`${a.name} → ${b.name}: ${journeyStep(a)} → ${journeyStep(b)}`, ''];
  out.push(`${''.padEnd(24)} ${a.name.padStart(width)} ${b.name.padStart(width)}   change`);
  for (const row of compareSizes(a, b).rows) {
    out.push(`${row.what.padEnd(24)} ${String(row.a ?? '-').padStart(width)} ${String(row.b ?? '-').padStart(width)}   ${change(row.a, row.b)}`.trimEnd());
  }
  return out.join('\n');
}
