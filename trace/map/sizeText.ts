// The size report as text: what `syscall-lens size FILE` prints and what the editor's size view shows
// (one formatter, so the two never disagree).
import type { SizeReport } from './programSize';

const hex = (n: number) => `0x${n.toString(16)}`;

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
    for (const l of r.labels.slice(0, options.labels)) out.push(`  ${l.name.padEnd(30)} ${l.section.padEnd(12)} ${String(l.size).padStart(8)}`);
  }
  if (r.sourceFiles.length) {
    out.push('', 'code by source file');
    for (const f of r.sourceFiles) out.push(`  ${String(f.bytes).padStart(8)}  ${f.file}`);
  }
  return out.join('\n');
}
