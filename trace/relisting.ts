// A NASM program built elsewhere (a Makefile, a build script) comes without our listing, and nasm's
// DWARF puts macro-expanded code at the lines of the `%macro` body: every `SYS WRITE` of a program
// would show as the one `syscall` line inside the macro. Its NASM sources, named by its DWARF units,
// are assembled again with a listing, into a private folder. A listing is kept only when its bytes
// are the program's own at the addresses its lines were linked at: a source changed since the build,
// or built with other definitions (-D) or options, is left out, and its calls keep the body's lines.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseListing, type ListingRecord } from '../nasm/listing';
import { findExecutable, runProgram, type ToolPaths } from '../toolchain/tools';
import { compilationUnits } from './map/dwarfUnits';
import { readLineTable, type LineTable } from './map/dwarfLines';
import { ElfFile } from './map/elf';
import { linkedSectionBases, type ListingPlacement } from './map/nasmListing';
import { listingPlacement, type SourceListing } from './map/sourceMapper';

/** A source assembled again: its listing and object, and nasm's arguments that made them, run in `cwd`. */
export interface RelistedUnit {
  source: string;
  listing: string;
  object: string;
  args: string[];
  cwd: string;
}

/** Listings made for a program, in a folder that dispose() removes. */
export interface Relisting {
  listings: SourceListing[];
  /**
   * Every unit of the program, in the order of its line table, when each is a NASM source assembled
   * again to the program's own bytes (the objects a copy of the program can be linked from); else empty.
   */
  units: RelistedUnit[];
  /** Sources whose listing was left out, and why. */
  skipped: Array<{ source: string; reason: string }>;
  dispose(): void;
}

/** What the user is told of a source left out: `name` is the source as shown (relative to the current folder, or its base name). */
export function describeUnlisted(name: string, reason: string): string {
  return `${name}: ${reason}; the calls its macros make show the macros' own lines`;
}

/** More sources than this are not assembled again (a trace should not wait on a large project's build). */
const MAX_SOURCES = 64;
const NASM_TIMEOUT_MS = 20_000;
const MAX_SOURCE_BYTES = 16 << 20;

export interface RelistOptions {
  tools?: Partial<ToolPaths>;
  signal?: AbortSignal;
}

/** Listings of a prebuilt NASM program's sources, or undefined when it has none to make (no NASM units, no nasm). */
export async function relistProgram(program: string, options: RelistOptions = {}): Promise<Relisting | undefined> {
  let elf: ElfFile;
  try {
    elf = ElfFile.read(program);
  } catch {
    return undefined;
  }
  const allUnits = compilationUnits(elf);
  const units = allUnits.filter((unit) => unit.name !== undefined && unit.producer?.startsWith('NASM'));
  const nasm = findExecutable(options.tools?.nasm || 'nasm');
  if (units.length === 0 || !nasm) return undefined;
  const table = readLineTable(elf);
  const files = table.files.filter((file) => path.isAbsolute(file) && existsSync(file));
  // Without a macro, nasm's lines are the program's own: nothing to list.
  if (!files.some(definesMacros)) return undefined;
  // The folders of every file the program's lines name: where its %includes were found.
  const includeDirectories = [...new Set(files.map((file) => path.dirname(file)))];
  const folder = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-relist-'));
  const relisting: Relisting = { listings: [], units: [], skipped: [], dispose: () => rmSync(folder, { recursive: true, force: true }) };
  try {
    // Each source is assembled on its own, several at once (a trace waits on the slowest only).
    const results = await inParallel(units.slice(0, MAX_SOURCES), async (unit, index): Promise<{ source: string; listing?: string; skipped?: string; unit?: RelistedUnit }> => {
      const compDir = unit.compDir !== undefined && existsSync(unit.compDir) ? unit.compDir : path.dirname(program);
      const source = path.resolve(compDir, unit.name!);
      if (!existsSync(source)) return { source, skipped: 'not found' };
      const listing = path.join(folder, `${index}.lst`);
      const object = path.join(folder, `${index}.o`);
      const args = [
        '-f', elf.is64 ? 'elf64' : 'elf32', '-g', '-F', 'dwarf',
        ...includeDirectories.map((directory) => `-I${directory}${path.sep}`),
        '-l', listing, '-o', object, source,
      ];
      const result = await runProgram(nasm, args, { cwd: compDir, timeoutMs: NASM_TIMEOUT_MS, signal: options.signal });
      if (result.exitCode !== 0 || !existsSync(listing)) return { source, skipped: `nasm failed: ${result.stderr.split('\n')[0] ?? ''}`.trim() };
      // Placed as the trace will place it (sourceMapper.ts): the first unit is the object linked first.
      const mismatch = listingMismatch(elf, table, listing, source, listingPlacement(elf, index === 0));
      return mismatch ? { source, skipped: mismatch } : { source, listing, unit: { source, listing, object, args, cwd: compDir } };
    });
    for (const [index, { source, listing, skipped }] of results.entries()) {
      if (skipped !== undefined) relisting.skipped.push({ source, reason: skipped });
      else relisting.listings.push({ source, listing: listing!, linkedFirst: index === 0 });
    }
    if (results.length === allUnits.length && results.every((r) => r.unit)) relisting.units = results.map((r) => r.unit!);
  } catch (error) {
    relisting.dispose();
    throw error;
  }
  if (relisting.listings.length === 0) relisting.dispose();
  return relisting;
}

/** `work` on each item, at most as many at once as the machine has cores; results in the items' order. */
async function inParallel<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(items.length, os.availableParallelism()) }, worker));
  return results;
}

/** A NASM source or include file that defines a multi-line macro (read up to a bound: sources are small). */
function definesMacros(file: string): boolean {
  try {
    return statSync(file).size <= MAX_SOURCE_BYTES && /^\s*%i?macro\b/im.test(readFileSync(file, 'latin1'));
  } catch {
    return false;
  }
}

/** Why the listing is not the program's (its bytes differ where its lines were linked), or undefined when it is. */
export function listingMismatch(elf: ElfFile, table: LineTable, listingPath: string, source: string, placement: ListingPlacement): string | undefined {
  const bases = linkedSectionBases(table, listingPath, source, placement);
  let compared = 0;
  for (const record of parseListing(readFileSync(listingPath, 'utf8'))) {
    const base = bases.get(record.section);
    if (base === undefined || !record.bytes || record.bytes.length === 0) continue;
    const linked = elf.bytesAt(base + record.offset, record.bytes.length);
    if (!linked) continue;
    const differs = differingByte(record, linked);
    if (differs !== undefined) return `line ${record.mainLine} assembles to other bytes than the program has (changed, or built with other options, since the program was built)`;
    compared += record.bytes.length;
  }
  return compared === 0 ? 'none of its bytes could be found in the program' : undefined;
}

/** The first byte where the program differs from the record, relocated fields (linker-filled) aside. */
function differingByte(record: ListingRecord, linked: Buffer): number | undefined {
  const bytes = record.bytes!;
  for (let i = 0; i < bytes.length; i++) {
    if (record.relocations.some((field) => i >= field.offset && i < field.offset + field.size)) continue;
    if (bytes[i] !== linked[i]) return i;
  }
  return undefined;
}
