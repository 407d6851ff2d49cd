// Credits a call made inside a library function (libc's getppid, write, …) to the program's line
// without a -k stack, when the binaries prove it exact: the function that holds the syscall
// instruction is reached from one place only, a direct call in the program. Anything else (the
// library calls the function itself, several call sites, its address taken, another loaded object
// importing it) credits nothing and says why; only a stack can tell those calls apart.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { ELF, ElfFile } from './elf';
import { ReferenceIndex, scanCodeReferences, type CodeReference } from './codeReferences';
import { KERNEL_ENTRY_LENGTH, kernelEntryAt } from '../../x86';

const { PT_LOAD, PF_X, STT_FUNC, STT_GNU_IFUNC, R_X86_64_64, R_X86_64_GLOB_DAT, R_X86_64_JUMP_SLOT, R_X86_64_RELATIVE } = ELF;

/** A function of a binary (all its symbol names at that address). */
export interface FunctionSpan {
  start: number;
  end: number;
  names: string[];
}

/** What one binary's code says about who calls what. */
export interface ModuleCode {
  path: string;
  elf: ElfFile;
  /** Functions by start address. */
  functions: FunctionSpan[];
  /** References into functions that hold a syscall instruction, from code and from relocations. */
  references: ReferenceIndex;
  /** Defined, exported function names → their addresses (several for symbol versions). */
  exports: Map<string, Set<number>>;
  /** Imported function names → every place in this binary that calls or takes them (PLT stubs excluded). */
  imports: Map<string, CodeReference[]>;
}

const cache = new Map<string, { key: string; code: ModuleCode | undefined }>();

/** Larger files are not read (a path in a log may name anything). */
const MAX_MODULE_BYTES = 256 * 1024 * 1024;

/** Reads (or reuses, per path and modification) what a binary's code refers to; undefined when unreadable. */
export function moduleCode(file: string): ModuleCode | undefined {
  let stat;
  try { stat = statSync(file); } catch { return undefined; }
  if (!stat.isFile() || stat.size > MAX_MODULE_BYTES) return undefined;
  const key = `${stat.mtimeMs}:${stat.size}`;
  const cached = cache.get(file);
  if (cached?.key === key) return cached.code;
  let code: ModuleCode | undefined;
  try {
    code = readModuleCode(ElfFile.read(file));
  } catch {
    code = undefined;
  }
  cache.set(file, { key, code });
  return code;
}

export function functionAt(functions: readonly FunctionSpan[], address: number): FunctionSpan | undefined {
  let low = 0;
  let high = functions.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (functions[mid]!.start <= address) low = mid + 1;
    else high = mid;
  }
  const candidate = functions[low - 1];
  return candidate && address < candidate.end ? candidate : undefined;
}

function readModuleCode(elf: ElfFile): ModuleCode {
  const functions = functionSpans(elf);
  const code = elf.segments.filter((s) => s.type === PT_LOAD && (s.flags & PF_X) !== 0);
  // Only functions that make syscalls matter: references elsewhere are not kept.
  const holders: FunctionSpan[] = [];
  for (const segment of code) {
    const bytes = elf.data.subarray(segment.offset, segment.offset + segment.fileSize);
    for (let i = 0; i + KERNEL_ENTRY_LENGTH <= bytes.length; i++) {
      if (bytes[i] !== 0x0f && bytes[i] !== 0xcd) continue;
      if (!kernelEntryAt(bytes.subarray(i, i + KERNEL_ENTRY_LENGTH))) continue;
      const span = functionAt(functions, segment.address + i);
      if (span && holders[holders.length - 1] !== span) holders.push(span);
    }
  }
  const holderSet = [...new Set(holders)].sort((a, b) => a.start - b.start);
  const inHolder = (to: number) => functionAt(holderSet, to) !== undefined;

  // Imports: the slots the loader fills with an imported function's address, and the PLT stubs
  // that jump through them.
  const slots = new Map<number, string>();
  const references: CodeReference[] = [];
  const imports = new Map<string, CodeReference[]>();
  const addImport = (name: string, reference: CodeReference) => {
    const list = imports.get(name) ?? [];
    list.push(reference);
    imports.set(name, list);
  };
  for (const relocation of elf.relocations()) {
    const symbol = relocation.symbol;
    if (relocation.type === R_X86_64_RELATIVE) {
      if (inHolder(relocation.addend)) references.push({ from: relocation.offset, to: relocation.addend, kind: 'address' });
      continue;
    }
    if (!symbol || (relocation.type !== R_X86_64_64 && relocation.type !== R_X86_64_GLOB_DAT && relocation.type !== R_X86_64_JUMP_SLOT)) continue;
    if (symbol.defined) {
      // The object calls or takes its own exported function through a slot (interposable).
      if (inHolder(symbol.value)) references.push({ from: relocation.offset, to: symbol.value, kind: 'address' });
    } else if (relocation.type === R_X86_64_64) {
      addImport(symbol.name, { from: relocation.offset, to: relocation.offset, kind: 'address' });
    } else {
      slots.set(relocation.offset, symbol.name);
    }
  }
  const stubs = new Map<number, string>();
  const plt = elf.sections.filter((s) => /^\.plt(\.sec|\.got)?$/.test(s.name));
  const inPlt = (address: number) => plt.some((s) => address >= s.address && address < s.address + s.size);
  for (const section of plt) {
    const bytes = elf.sectionData(section.name);
    if (!bytes) continue;
    for (const reference of scanCodeReferences(bytes, section.address, (to) => slots.has(to))) {
      if (reference.kind !== 'jump') continue;
      // A stub is entered at its jmp, or before it at an endbr64 (4 bytes) and/or a bnd prefix (1).
      for (const back of [0, 1, 4, 5]) if (inPlt(reference.from - back)) stubs.set(reference.from - back, slots.get(reference.to)!);
    }
  }
  for (const segment of code) {
    const bytes = elf.data.subarray(segment.offset, segment.offset + segment.fileSize);
    for (const reference of scanCodeReferences(bytes, segment.address, (to) => inHolder(to) || slots.has(to) || stubs.has(to))) {
      if (inPlt(reference.from)) continue;
      const imported = slots.get(reference.to) ?? stubs.get(reference.to);
      if (imported !== undefined) addImport(imported, reference);
      else references.push(reference);
    }
  }
  for (const symbol of elf.dynamicSymbols) {
    // An executable that takes an imported function's address gives the symbol its PLT stub as
    // value (one address for the function everywhere): code may then hold it as an absolute
    // immediate no rip-relative scan sees, so the address counts as taken.
    if (!symbol.defined && symbol.value !== 0 && (symbol.type === STT_FUNC || symbol.type === STT_GNU_IFUNC)) {
      addImport(symbol.name, { from: symbol.value, to: symbol.value, kind: 'address' });
    }
  }
  const exports = new Map<string, Set<number>>();
  for (const symbol of elf.dynamicSymbols) {
    if (!symbol.defined || (symbol.type !== STT_FUNC && symbol.type !== STT_GNU_IFUNC)) continue;
    const addresses = exports.get(symbol.name) ?? new Set<number>();
    addresses.add(symbol.value);
    exports.set(symbol.name, addresses);
  }
  return { path: elf.path, elf, functions, references: new ReferenceIndex(references), exports, imports };
}

/** Function symbols (static and dynamic tables) merged by address, each with its size. */
export function functionSpans(elf: ElfFile): FunctionSpan[] {
  const byStart = new Map<number, FunctionSpan>();
  for (const symbol of [...elf.symbols, ...elf.dynamicSymbols]) {
    if (!symbol.defined || symbol.type !== STT_FUNC || symbol.size === 0) continue;
    const span = byStart.get(symbol.value);
    if (!span) byStart.set(symbol.value, { start: symbol.value, end: symbol.value + symbol.size, names: [symbol.name] });
    else {
      if (!span.names.includes(symbol.name)) span.names.push(symbol.name);
      span.end = Math.max(span.end, symbol.value + symbol.size);
    }
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

/** Why a call made inside a function could not be credited to one place without a stack. */
export interface Unproven {
  kind: 'unproven';
  /** `getppid` (the public name when the function has several). */
  function?: string;
  reason: string;
}

/** The one place that calls the function holding the syscall: a link-time address in the program. */
export interface ProvenSite {
  kind: 'site';
  function: string;
  site: number;
}

/** The name a reader knows a function by: a public one before `__libc_…`/`__GI_…` aliases. */
export function publicName(span: FunctionSpan): string {
  return [...span.names].sort((a, b) => Number(a.startsWith('_')) - Number(b.startsWith('_')) || a.length - b.length)[0]!;
}

/**
 * The one call site of the function that holds the syscall instruction at `address` (a link-time
 * address of `module`), in `program` (the traced program's code; the same object for a call made
 * inside the program itself, e.g. a static libc). `others`: every other object loaded beside them.
 */
export function soleCallSite(module: ModuleCode, address: number, program: ModuleCode, others: readonly ModuleCode[]): ProvenSite | Unproven {
  const span = functionAt(module.functions, address);
  const library = path.basename(module.path);
  if (!span) return { kind: 'unproven', reason: `made in ${library} code that no symbol names` };
  const name = publicName(span);
  const outside = (reference: CodeReference) => reference.from < span.start || reference.from >= span.end;
  const internal = module.references.into(span.start, span.end).filter(outside);
  const sites: CodeReference[] = [];
  if (module === program) {
    sites.push(...internal);
  } else {
    if (internal.length > 0) return { kind: 'unproven', function: name, reason: `${library} itself also calls ${name}` };
    for (const alias of span.names) {
      const addresses = module.exports.get(alias);
      if (!addresses?.has(span.start)) continue;
      const calls = program.imports.get(alias) ?? [];
      if (calls.length > 0 && addresses.size > 1) return { kind: 'unproven', function: name, reason: `${library} has several versions of ${alias}` };
      sites.push(...calls);
      const importer = others.find((other) => other !== module && other.imports.has(alias));
      if (importer) return { kind: 'unproven', function: name, reason: `${path.basename(importer.path)} also calls ${name}` };
    }
    if (['dlsym', 'dlvsym'].some((lookup) => program.imports.has(lookup))) {
      return { kind: 'unproven', function: name, reason: 'the program looks functions up with dlsym' };
    }
  }
  if (sites.length === 0) return { kind: 'unproven', function: name, reason: `no call of ${name} found in the program` };
  if (sites.some((site) => site.kind === 'address')) return { kind: 'unproven', function: name, reason: `the address of ${name} is taken` };
  if (sites.length > 1) return { kind: 'unproven', function: name, reason: `${name} is called from ${sites.length} places` };
  return { kind: 'site', function: name, site: sites[0]!.from };
}
