// NASM's DWARF rows for macro-expanded code point into the `%macro` body. The `-l` listing shows
// every expanded instruction under the line that invoked the macro, so it tells us the call site.
// The listing's `<N>` depth counts both `%include` and macro nesting: a line followed by deeper lines
// opened an include if it is an `%include` statement, and a macro expansion otherwise. Reading the
// listing's lines (bytes, sections, continuations) is nasm/listing.ts's job.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { listingLines } from '../../nasm/listing';
import { parseLine } from '../../nasm/parser/statement';
import type { LineTable } from './dwarfLines';

/** The statement that invoked a macro, for one instruction of its expansion. */
export interface MacroSite {
  /** The file and 1-based line of the outermost macro invocation: the user's own line. */
  file: string;
  line: number;
  /** 1-based line inside the innermost `%macro` body, and the file that defines it. */
  macroLine: number;
  macroFile: string;
}

export interface ListingEntry {
  section: string;
  offset: number;
  /** The listing's line number: of the file the entry is in, or of the macro body it expands. */
  line: number;
  depth: number;
  /** The file the line is in, when the entry is not a macro expansion (and the file was found). */
  file?: string;
  /** For a macro expansion: where the outermost macro was invoked. */
  invocation?: { file: string; line: number };
}

interface Context {
  /** The file whose lines this depth lists; undefined inside a macro expansion or an unfound include. */
  file?: string;
  invocation?: { file: string; line: number };
}

/** The file an `%include` statement names, read with the shared NASM parser. */
function includedName(source: string): string | undefined {
  const statement = parseLine(source);
  if (statement.keyword?.name !== '%include') return undefined;
  const name = statement.args[0];
  return name?.kind === 'string' ? name.string : undefined;
}

/** Where nasm found an included file: beside the including file, or in one of `directories`. */
export function includeResolver(directories: readonly string[]): (name: string, from: string | undefined) => string | undefined {
  return (name, from) => {
    if (path.isAbsolute(name)) return name;
    for (const directory of [...directories, ...(from ? [path.dirname(from)] : [])]) {
      const candidate = path.resolve(directory, name);
      if (existsSync(candidate)) return candidate;
    }
    return undefined;
  };
}

/**
 * Every listed instruction with its section offset, its file (outside macros) and, inside a macro
 * expansion, the outermost invocation. `resolve` turns an `%include` name into a path.
 */
export function parseListing(text: string, mainSource = '', resolve: (name: string, from: string | undefined) => string | undefined = () => undefined): ListingEntry[] {
  const entries: ListingEntry[] = [];
  const contexts: Context[] = [{ file: mainSource || undefined }];
  // The last line seen at each depth: the one that opens the next depth.
  const opener: { line: number; source: string }[] = [];
  for (const { line, depth, source, record } of listingLines(text)) {
    if (depth > 0 && contexts.length <= depth) {
      for (let d = contexts.length; d <= depth; d++) contexts[d] = open(contexts[d - 1]!, opener[d - 1], resolve);
    }
    contexts.length = depth + 1;
    opener.length = depth;
    opener[depth] = { line, source };
    const context = contexts[depth]!;
    if (record?.source) {
      // The section comes from nasm/listing, which follows switches made inside includes and macros.
      const entry: ListingEntry = { section: record.section, offset: record.offset, line, depth };
      if (context.file && !context.invocation) entry.file = context.file;
      if (context.invocation) entry.invocation = context.invocation;
      entries.push(entry);
    }
  }
  return entries;
}

function open(outer: Context, by: { line: number; source: string } | undefined, resolve: (name: string, from: string | undefined) => string | undefined): Context {
  // nasm lists a %rep block's copies one level deeper, after %endrep, with the lines of the file
  // (or expansion) that holds the block: they are that file's lines, not an expansion of %endrep.
  if (by && parseLine(by.source).keyword?.name === '%endrep') return { ...outer };
  if (outer.invocation) return { invocation: outer.invocation };
  const included = by ? includedName(by.source) : undefined;
  if (included !== undefined) {
    const file = resolve(included, outer.file);
    return file ? { file } : {};
  }
  return by && outer.file ? { invocation: { file: outer.file, line: by.line } } : {};
}

/**
 * Maps the start address of each line-table row made by a macro expansion to its call site. The
 * listing gives section offsets; each section's address is the one most rows agree on (rows of
 * listed lines of known files first, then of macro bodies) inside the ELF section of that name, or
 * the ELF section's own address.
 */
export function attributeMacroRows(
  table: LineTable, listingPath: string, mainSource: string, options: ListingPlacement = {},
): Map<number, MacroSite> {
  const sites = new Map<number, MacroSite>();
  const placed = placeListing(table, listingPath, mainSource, options);
  if (!placed) return sites;
  const { listing, rows, bases } = placed;
  const expandedAt = new Map<string, ListingEntry>();
  for (const entry of listing) if (entry.invocation) expandedAt.set(`${entry.section}:${entry.offset}`, entry);
  for (const row of rows) {
    for (const [section, base] of bases) {
      const entry = expandedAt.get(`${section}:${row.start - base}`);
      if (entry?.invocation && entry.line === row.line) {
        sites.set(row.start, { file: entry.invocation.file, line: entry.invocation.line, macroLine: row.line, macroFile: row.file });
        break;
      }
    }
  }
  return sites;
}

type Row = { start: number; file: string; line: number };

/** What the ELF says of where sections went: the root object's section starts, and every output section's range. */
export interface ListingPlacement {
  includeDirectories?: string[];
  /** Section name → address, for the first object linked (its sections start where the ELF's do). */
  sectionAddresses?: Map<string, number>;
  /** Section name → the ELF section's [start, end): a section of any object lies inside it. */
  sectionRanges?: Map<string, readonly [number, number]>;
}

/** A source's listing, read, with the address each of its sections was linked at (see sectionBases). */
function placeListing(
  table: LineTable, listingPath: string, mainSource: string, options: ListingPlacement,
): { listing: ListingEntry[]; rows: Row[]; bases: Map<string, number> } | undefined {
  let listing: ListingEntry[];
  try {
    const directories = [...(options.includeDirectories ?? []), path.dirname(mainSource)];
    listing = parseListing(readFileSync(listingPath, 'utf8'), mainSource, includeResolver(directories));
  } catch {
    return undefined;
  }
  const rows = [...table.rows()];
  return { listing, rows, bases: sectionBases(listing, rows, options.sectionAddresses, options.sectionRanges) };
}

/**
 * Where the linker put each section of one source's object, by its line-table rows: section name →
 * the address of the section's offset 0 (in a program of several objects, each has its own).
 */
export function linkedSectionBases(table: LineTable, listingPath: string, source: string, options: ListingPlacement = {}): Map<string, number> {
  return placeListing(table, listingPath, source, options)?.bases ?? new Map();
}

function sectionBases(
  listing: readonly ListingEntry[], rows: readonly Row[], elfAddresses = new Map<string, number>(), elfRanges = new Map<string, readonly [number, number]>(),
): Map<string, number> {
  const rowsByLine = new Map<number, Row[]>();
  for (const row of rows) rowsByLine.set(row.line, [...rowsByLine.get(row.line) ?? [], row]);
  const vote = (entries: readonly ListingEntry[]) => {
    const votes = new Map<string, Map<number, number>>();
    for (const entry of entries) {
      for (const row of rowsByLine.get(entry.line) ?? []) {
        if (entry.file && row.file !== entry.file) continue;
        const bySection = votes.get(entry.section) ?? new Map<number, number>();
        const base = row.start - entry.offset;
        bySection.set(base, (bySection.get(base) ?? 0) + 1);
        votes.set(entry.section, bySection);
      }
    }
    return votes;
  };
  const bases = new Map<string, number>();
  const elect = (votes: Map<string, Map<number, number>>) => {
    for (const [section, counts] of votes) {
      // A base outside the ELF's section of that name is a coincidence of line numbers: DWARF rows
      // describe code only, so a `.data` made by a macro whose body lines share numbers with code
      // lines was voted to an address in `.text`, and that line's call went to the macro's invocation.
      const range = elfRanges.get(section);
      const inside = range ? [...counts].filter(([base]) => base >= range[0] && base < range[1]) : [...counts];
      const best = inside.sort((a, b) => b[1] - a[1])[0];
      if (best && !bases.has(section)) bases.set(section, best[0]);
    }
  };
  elect(vote(listing.filter((e) => e.file)));
  // A section made only of macro expansions (a `_start` of macro calls, a data structure a macro
  // declares): the body lines vote, a bounded number of them (one macro expanded a thousand times
  // would otherwise vote a million times); then the ELF's address, for the root's object.
  const unplaced = listing.filter((e) => !e.file && !bases.has(e.section));
  if (unplaced.length) elect(vote(unplaced.slice(0, 256)));
  for (const [section, address] of elfAddresses) if (!bases.has(section)) bases.set(section, address);
  return bases;
}
