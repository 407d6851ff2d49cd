// The traced copy of a static NASM program whose small wrapper procedures make syscalls: the same
// object linked again with an .eh_frame for those syscalls (trace/map/wrappers.ts), so strace -k
// unwinds one frame out of the wrapper and the call is credited to the line that called it. The
// user's program is left as built; the copy's code is at the same addresses (.eh_frame goes after
// the code), so its line table and listing are the program's.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseListing, type ListingRecord } from '../nasm/listing';
import { requireTool, runProgram, type ToolPaths } from '../toolchain/tools';
import { nasmListingOptions, type BuildResult } from '../toolchain/build';
import { readLineTable } from './map/dwarfLines';
import { ELF, ElfFile } from './map/elf';
import { linkedSectionBases } from './map/nasmListing';
import { findWrapperSyscalls, unwindTableSource } from './map/wrappers';
import type { RelistedUnit } from './relisting';

export interface UnwindCopy {
  /** The program to trace: same name as the original, in a folder of its own. */
  program: string;
  /** Each wrapper syscall's return address → the wrapper's entry (link addresses). */
  wrapperSites: Map<number, number>;
}

/** One NASM unit of the program: its listing and object, and the nasm arguments that made them (run in cwd). */
interface LinkedUnit {
  source?: string;
  listing: string;
  object: string;
  nasm?: { args: string[]; cwd: string };
}

/**
 * Builds the copy when the program was built by us from NASM into a static 64-bit program linked by
 * ld and has wrappers; undefined otherwise (then nothing changes). Never throws: a failed step only
 * means the calls stay credited to the wrapper's line.
 */
export async function buildUnwindCopy(build: BuildResult | undefined, tools: Partial<ToolPaths> = {}): Promise<UnwindCopy | undefined> {
  try {
    if (!build?.ok || build.format !== 'elf64' || !build.listing || !existsSync(build.listing)) return undefined;
    const link = build.steps.at(-1);
    const object = `${build.program}.o`;
    const others = (build.companionListings ?? []).map((unit) => ({ ...unit, object: unit.listing.replace(/\.lst$/, '.o') }));
    // Only what buildProgram links with plain `ld -o PROGRAM OBJECT...` (libc programs have unwind tables of their own).
    if (link?.tool !== 'ld' || link.args.join('\n') !== ['-o', build.program, object, ...others.map((o) => o.object)].join('\n')) return undefined;
    const nasmOf = (listing: string) => {
      const step = build.steps.find((s) => s.tool === 'nasm' && s.args[s.args.indexOf('-l') + 1] === listing);
      const source = step?.args.at(-1);
      return step && source ? { args: step.args, cwd: path.dirname(source) } : undefined;
    };
    const units = [{ listing: build.listing, object }, ...others].map((unit) => ({ ...unit, nasm: nasmOf(unit.listing) }));
    return await linkWithUnwindTable(ElfFile.read(build.program), units, path.join(path.dirname(build.program), 'unwind'), tools, false);
  } catch {
    return undefined;
  }
}

/**
 * The copy of a static NASM program built elsewhere (a Makefile's ld) whose sources were all assembled
 * again (relisting.ts), in the order its line table names them. Its own link command is not known: the
 * copy is kept only when every section of the program is in it at the same address with the same bytes.
 */
export async function buildRelistedUnwindCopy(program: string, units: readonly RelistedUnit[], folder: string, tools: Partial<ToolPaths> = {}): Promise<UnwindCopy | undefined> {
  try {
    const elf = ElfFile.read(program);
    if (!elf.is64 || elf.isPositionIndependent || units.length === 0) return undefined;
    return await linkWithUnwindTable(elf, units.map((unit) => ({ source: unit.source, listing: unit.listing, object: unit.object, nasm: { args: unit.args, cwd: unit.cwd } })), folder, tools, true);
  } catch {
    return undefined;
  }
}

/**
 * Links `units` (the first is the object linked first: its sections start where the program's do) with
 * an .eh_frame for the wrappers' syscalls, into `folder`. `exact`: every section of the program must be
 * in the copy unchanged (the copy was linked by other hands than the program).
 */
async function linkWithUnwindTable(elf: ElfFile, units: readonly LinkedUnit[], folder: string, tools: Partial<ToolPaths>, exact: boolean): Promise<UnwindCopy | undefined> {
  const nasm = requireTool('nasm', tools);
  const records = (unit: LinkedUnit) => listingRecords(unit, folder, nasm);
  // Each other source's sections are placed by its own line-table rows, and its wrappers may be
  // called from any object: every global label counts as called.
  const labels = elf.symbols.filter((s) => s.defined).map((s) => s.value);
  const [root, ...others] = units;
  const sites = findWrapperSyscalls(await records(root!), (name) => elf.section(name)?.address || undefined, [], labels);
  if (others.length) {
    const lines = readLineTable(elf);
    const globals = elf.symbols.filter((s) => s.global && s.defined).map((s) => s.value);
    for (const unit of others) {
      if (!unit.source) return undefined;
      const bases = linkedSectionBases(lines, unit.listing, unit.source);
      sites.push(...findWrapperSyscalls(await records(unit), (name) => bases.get(name), globals, labels));
    }
    sites.sort((a, b) => a.returnAddress - b.returnAddress);
  }
  const anchor = elf.symbols.find((s) => s.name === '_start' && s.value === elf.entry);
  if (sites.length === 0 || !anchor) return undefined;
  mkdirSync(folder, { recursive: true });
  const program = path.join(folder, path.basename(elf.path));
  const table = path.join(folder, 'wrappers.asm');
  writeFileSync(table, unwindTableSource(sites, anchor.name, anchor.value));
  const ld = requireTool('ld', tools);
  const step = (file: string, args: string[]) => runProgram(file, args, { cwd: folder, timeoutMs: 60_000 });
  // nasm deletes its output when it fails: always a file of ours.
  if ((await step(nasm, ['-f', 'elf64', '-o', `${table}.o`, table])).exitCode !== 0) return undefined;
  if ((await step(ld, ['-r', '-o', `${program}.o`, ...units.map((unit) => unit.object), `${table}.o`])).exitCode !== 0) return undefined;
  // Linked by other hands, the program's sections must all stay where they are (each is pinned to its
  // address): the unwind tables go after everything it loads, not between its code and its data.
  const end = Math.max(...elf.sections.filter((s) => s.address !== 0).map((s) => s.address + s.size));
  const tables = Math.ceil((end + 1) / PAGE) * PAGE;
  const pinned = elf.sections.filter((s) => s.address !== 0).map((s) => `--section-start=${s.name}=${hex(s.address)}`);
  const placement = exact ? [...pinned, `--section-start=.eh_frame=${hex(tables)}`, `--section-start=.eh_frame_hdr=${hex(tables + EH_FRAME_ROOM)}`] : [];
  if ((await step(ld, ['--eh-frame-hdr', ...placement, '-o', program, `${program}.o`])).exitCode !== 0) return undefined;
  // The copy must keep every instruction where the listing and the line table say it is.
  const copy = ElfFile.read(program);
  if (copy.section('.text')?.address !== elf.section('.text')?.address) return undefined;
  if (exact && !sameLoadedBytes(elf, copy)) return undefined;
  return { program, wrapperSites: new Map(sites.map((s) => [s.returnAddress, s.entry])) };
}

const PAGE = 0x1000;
/** Room for the wrappers' .eh_frame before its header: a CIE and one small FDE per wrapper syscall. */
const EH_FRAME_ROOM = 0x10000;
const hex = (value: number) => `0x${value.toString(16)}`;
const { SHT_PROGBITS, SHT_NOBITS } = ELF;

/** Every section the program loads is in the copy at its address, with its bytes (its size, for .bss); the entry too. */
function sameLoadedBytes(program: ElfFile, copy: ElfFile): boolean {
  if (program.entry !== copy.entry) return false;
  return program.sections.filter((s) => s.address !== 0 && (s.type === SHT_PROGBITS || s.type === SHT_NOBITS)).every((section) => {
    const other = copy.section(section.name);
    if (!other || other.address !== section.address || other.size !== section.size || other.type !== section.type) return false;
    return section.type === SHT_NOBITS || program.sectionData(section.name)!.equals(copy.sectionData(section.name)!);
  });
}

/** The bytes hold a `syscall` (0F 05) among other instructions: one listing record for a whole expansion. */
function hidesSyscall(record: ListingRecord): boolean {
  const bytes = record.bytes;
  if (!bytes || bytes.length <= 2) return false;
  for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === 0x0f && bytes[i + 1] === 0x05) return true;
  return false;
}

/**
 * A unit's listing records for finding wrappers. A macro declared `.nolist` is listed as one record
 * of bytes, its `syscall` hidden among the instructions before it; then the unit is listed again
 * with nasm's `-Lf` (the same command as its build, the object going to a file of ours), which
 * lists each instruction. The build's object and listing stay as they are: `-Lf` also puts the
 * macro's body lines into the DWARF, which `.nolist` keeps out.
 */
async function listingRecords(unit: LinkedUnit, folder: string, nasm: string): Promise<ListingRecord[]> {
  const records = parseListing(readFileSync(unit.listing, 'utf8'));
  if (!records.some(hidesSyscall)) return records;
  const options = await nasmListingOptions(nasm);
  if (!unit.nasm || options.length === 0) return records;
  mkdirSync(folder, { recursive: true });
  const relisted = path.join(folder, `relisted-${path.basename(unit.listing)}`);
  const args = unit.nasm.args.map((arg, i, all) => (all[i - 1] === '-l' ? relisted : all[i - 1] === '-o' ? `${relisted}.o` : arg));
  // nasm deletes its output when it fails: always a file of ours.
  const run = await runProgram(nasm, [...options, ...args], { cwd: unit.nasm.cwd, timeoutMs: 60_000 });
  return run.exitCode === 0 && existsSync(relisted) ? parseListing(readFileSync(relisted, 'utf8')) : records;
}
