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
import { ElfFile } from './map/elf';
import { linkedSectionBases } from './map/nasmListing';
import { findWrapperSyscalls, unwindTableSource } from './map/wrappers';

export interface UnwindCopy {
  /** The program to trace: same name as the original, in a folder of its own. */
  program: string;
  /** The return addresses of the wrappers' syscalls (link addresses). */
  wrapperSites: Set<number>;
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
    const elf = ElfFile.read(build.program);
    const folder = path.join(path.dirname(build.program), 'unwind');
    const nasm = requireTool('nasm', tools);
    const records = (listing: string) => listingRecords(build, listing, folder, nasm);
    // The root's object is linked first: its sections start where the program's do. Each other
    // source's sections are placed by its own line-table rows, and its wrappers may be called from
    // any object: every global label counts as called.
    const labels = elf.symbols.filter((s) => s.defined).map((s) => s.value);
    const sites = findWrapperSyscalls(await records(build.listing), (name) => elf.section(name)?.address || undefined, [], labels);
    if (others.length) {
      const lines = readLineTable(elf);
      const globals = elf.symbols.filter((s) => s.global && s.defined).map((s) => s.value);
      for (const unit of others) {
        const bases = linkedSectionBases(lines, unit.listing, unit.source);
        sites.push(...findWrapperSyscalls(await records(unit.listing), (name) => bases.get(name), globals, labels));
      }
      sites.sort((a, b) => a.returnAddress - b.returnAddress);
    }
    const anchor = elf.symbols.find((s) => s.name === '_start' && s.value === elf.entry);
    if (sites.length === 0 || !anchor) return undefined;
    mkdirSync(folder, { recursive: true });
    const program = path.join(folder, path.basename(build.program));
    const table = path.join(folder, 'wrappers.asm');
    writeFileSync(table, unwindTableSource(sites, anchor.name, anchor.value));
    const ld = requireTool('ld', tools);
    const step = (file: string, args: string[]) => runProgram(file, args, { cwd: folder, timeoutMs: 60_000 });
    // nasm deletes its output when it fails: always a file of ours.
    if ((await step(nasm, ['-f', 'elf64', '-o', `${table}.o`, table])).exitCode !== 0) return undefined;
    if ((await step(ld, ['-r', '-o', `${program}.o`, object, ...others.map((o) => o.object), `${table}.o`])).exitCode !== 0) return undefined;
    if ((await step(ld, ['--eh-frame-hdr', '-o', program, `${program}.o`])).exitCode !== 0) return undefined;
    // The copy must keep every instruction where the listing and the line table say it is.
    const copy = ElfFile.read(program);
    if (copy.section('.text')?.address !== elf.section('.text')?.address) return undefined;
    return { program, wrapperSites: new Set(sites.map((s) => s.returnAddress)) };
  } catch {
    return undefined;
  }
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
async function listingRecords(build: BuildResult, listing: string, folder: string, nasm: string): Promise<ListingRecord[]> {
  const records = parseListing(readFileSync(listing, 'utf8'));
  if (!records.some(hidesSyscall)) return records;
  const assembled = build.steps.find((s) => s.tool === 'nasm' && s.args[s.args.indexOf('-l') + 1] === listing);
  const options = await nasmListingOptions(nasm);
  const source = assembled?.args.at(-1);
  if (!assembled || !source || options.length === 0) return records;
  mkdirSync(folder, { recursive: true });
  const unit = path.join(folder, `relisted-${path.basename(listing)}`);
  const args = assembled.args.map((arg, i, all) => (all[i - 1] === '-l' ? unit : all[i - 1] === '-o' ? `${unit}.o` : arg));
  // nasm deletes its output when it fails: always a file of ours.
  const relisted = await runProgram(nasm, [...options, ...args], { cwd: path.dirname(source), timeoutMs: 60_000 });
  return relisted.exitCode === 0 && existsSync(unit) ? parseListing(readFileSync(unit, 'utf8')) : records;
}
