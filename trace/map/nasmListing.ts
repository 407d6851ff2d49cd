// NASM's DWARF rows for macro-expanded code point into the `%macro` body. The `-l` listing shows
// every expanded instruction under the line that invoked the macro, so it tells us the call site.
import { readFileSync } from 'node:fs';
import { sectionSwitchOfLine } from '../../nasm/parser/sections';
import type { LineTable } from './dwarfLines';

/** The statement that invoked a macro, for one instruction of its expansion. */
export interface MacroSite {
  /** 1-based line in the main source that invoked the (outermost) macro. */
  line: number;
  /** 1-based line inside the `%macro` body, and the file that defines it. */
  macroLine: number;
  macroFile: string;
}

interface ListingEntry {
  section: string;
  offset: number;
  line: number;
  depth: number;
  /** The last top-level line before this entry: the macro invocation (or `%include`). */
  topLine: number;
}

// `     6 00000016 0F05                <1>  syscall` — listing line, section offset, bytes, depth.
const CODE_LINE = /^ *(\d+) ([0-9A-F]{8}) ?(\S*) *(?:<(\d+)>)?(.*)$/;
const TEXT_LINE = /^ *(\d+) +(?:<(\d+)>)?(.*)$/;

export function parseListing(text: string): ListingEntry[] {
  const entries: ListingEntry[] = [];
  let section = '.text';
  let topLine = 0;
  for (const raw of text.split('\n')) {
    const code = CODE_LINE.exec(raw);
    const match = code ?? TEXT_LINE.exec(raw);
    if (!match) continue;
    const line = Number(match[1]);
    const depth = Number((code ? match[4] : match[2]) ?? 0);
    const source = (code ? match[5] : match[3]) ?? '';
    if (depth === 0) {
      topLine = line;
      section = sectionSwitchOfLine(source) ?? section;
    }
    if (code && source.trim()) {
      entries.push({ section, offset: parseInt(match[2]!, 16), line, depth, topLine });
    }
  }
  return entries;
}

/** 1-based line ranges of `%macro` … `%endmacro` bodies in a source file. */
export function macroBodies(text: string): [number, number][] {
  const bodies: [number, number][] = [];
  const lines = text.split('\n');
  let start = 0;
  lines.forEach((line, index) => {
    if (/^\s*%i?macro\b/i.test(line)) start = index + 1;
    else if (/^\s*%endm(acro)?\b/i.test(line) && start) {
      bodies.push([start + 1, index + 1]);
      start = 0;
    }
  });
  return bodies;
}

/**
 * Maps the start address of each line-table row that lies in a macro body to its call site.
 * The listing gives section offsets; the rows of top-level lines give each section's address.
 */
export function attributeMacroRows(table: LineTable, listingPath: string, mainSource: string): Map<number, MacroSite> {
  const sites = new Map<number, MacroSite>();
  let listing: ListingEntry[];
  try {
    listing = parseListing(readFileSync(listingPath, 'utf8'));
  } catch {
    return sites;
  }
  const bodiesOf = new Map<string, [number, number][]>();
  const inMacro = (file: string, line: number) => {
    let bodies = bodiesOf.get(file);
    if (!bodies) {
      try { bodies = macroBodies(readFileSync(file, 'utf8')); } catch { bodies = []; }
      bodiesOf.set(file, bodies);
    }
    return bodies.some(([first, last]) => line > first - 1 && line < last);
  };

  // Vote for each section's base address with rows of top-level lines of the main source.
  const topLevel = new Map<number, ListingEntry[]>();
  for (const entry of listing) {
    if (entry.depth !== 0) continue;
    const list = topLevel.get(entry.line) ?? [];
    list.push(entry);
    topLevel.set(entry.line, list);
  }
  const votes = new Map<string, Map<number, number>>();
  const rows = [...table.rows()];
  for (const row of rows) {
    if (row.file !== mainSource) continue;
    for (const entry of topLevel.get(row.line) ?? []) {
      const bySection = votes.get(entry.section) ?? new Map<number, number>();
      const base = row.start - entry.offset;
      bySection.set(base, (bySection.get(base) ?? 0) + 1);
      votes.set(entry.section, bySection);
    }
  }
  const bases = new Map<string, number>();
  for (const [section, counts] of votes) {
    const best = [...counts].sort((a, b) => b[1] - a[1])[0];
    if (best) bases.set(section, best[0]);
  }

  const expandedAt = new Map<string, ListingEntry>();
  for (const entry of listing) if (entry.depth > 0) expandedAt.set(`${entry.section}:${entry.offset}`, entry);
  for (const row of rows) {
    if (!inMacro(row.file, row.line)) continue;
    for (const [section, base] of bases) {
      const entry = expandedAt.get(`${section}:${row.start - base}`);
      if (entry && entry.line === row.line) {
        sites.set(row.start, { line: entry.topLine, macroLine: row.line, macroFile: row.file });
        break;
      }
    }
  }
  return sites;
}
