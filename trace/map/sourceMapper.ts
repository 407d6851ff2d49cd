// Maps each traced event to the exact source line that made it, from the program's own DWARF.
import { existsSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { readLineTable, type LineTable } from './dwarfLines';
import { compilationDirectories } from './dwarfUnits';
import { ELF, ElfFile, executableImage } from './elf';
import type { CallCredit, CallOrigin, SignalEvent, SourceLocation, StackFrame, SyscallEvent, TraceEvent } from '../events';
import { functionAt, functionSpans, moduleCode, soleCallSite, type FunctionSpan, type ModuleCode } from './callSites';
import { scanCodeReferences } from './codeReferences';
import { FrameNames } from './frameNames';
import { ExecutableMappings } from './mappings';
import { ThreadLives } from './threadLives';
import { attributeMacroRows, type ListingPlacement, type MacroSite } from './nasmListing';
import { KERNEL_ENTRY_LENGTH, kernelEntryAt } from '../../x86';

/** A binary with its line table, read once per path and modification time. */
export interface ProgramImage {
  path: string;
  elf: ElfFile;
  lines: LineTable;
  macroSites: Map<number, MacroSite>;
  /** Link-time addresses just after each syscall instruction, by their low 12 bits (for PIE rebasing). */
  syscallReturnSites: Map<number, number[]>;
}

const cache = new Map<string, { key: string; image: ProgramImage | undefined }>();

/** The credit of every call whose syscall instruction is on the user's line (one object, shared). */
const BY_ADDRESS: CallCredit = Object.freeze({ method: 'address' });

/**
 * The address of the program's one `call` of the routine at `entry` whose code up to `end` is its own,
 * when nothing else refers to it: no other call, no jump into [entry, end) from outside, and the
 * entry's address nowhere as a 4- or 8-byte value in the loaded image (a function pointer: `mov rdi,
 * print`, `dq print`). Encodings are matched at every byte offset: a stray match only makes the
 * answer "not known".
 */
function soleCallInto(elf: ElfFile, entry: number, end: number): number | undefined {
  let site: number | undefined;
  let others = 0;
  const wide = Buffer.alloc(8);
  wide.writeBigUInt64LE(BigInt(entry));
  const narrow = wide.subarray(0, 4);
  // The loaded sections (not the headers, whose segment addresses would match a routine at the
  // start of .text).
  for (const section of elf.sections.filter((s) => s.address !== 0 && s.type !== ELF.SHT_NOBITS)) {
    const bytes = elf.data.subarray(section.offset, section.offset + section.size);
    // A 4-byte match covers the 8-byte one (its low half).
    for (let at = bytes.indexOf(narrow); at >= 0; at = bytes.indexOf(narrow, at + 1)) others++;
    if (!elf.isCode(section.address)) continue;
    for (const reference of scanCodeReferences(bytes, section.address, (to) => to >= entry && to < end)) {
      if (reference.from >= entry && reference.from < end) continue;
      if (reference.kind === 'call' && reference.to === entry && site === undefined) site = reference.from;
      else others++;
    }
  }
  return others === 0 ? site : undefined;
}

/** Locations already looked up in each image, by address and kind of lookup (see SourceMapper.locate). */
const located = new WeakMap<ProgramImage, Map<number, SourceLocation | null>>();
/** Places remembered per image (a program's syscall sites and its callers' return addresses: far fewer). */
const MAX_LOCATED = 100_000;

const { PT_INTERP } = ELF;

/** Larger "programs" are not read (a path in a log may name anything, /dev/zero included). */
export const MAX_PROGRAM_BYTES = 256 * 1024 * 1024;

function isSyscallInstruction(bytes: Buffer | undefined): boolean {
  return kernelEntryAt(bytes) !== undefined;
}

/**
 * Reads (or reuses) a binary's line table; undefined when the file is not an ELF we can read. Only a
 * regular file of at most MAX_PROGRAM_BYTES is read, or `data` when the caller has read it already.
 */
/** A source's nasm `-l` listing. */
export interface SourceListing {
  source: string;
  listing: string;
  /** Its object was linked first, so its sections start where the ELF's do (default: the first listing given). */
  linkedFirst?: boolean;
}

/** Where a listing's sections may lie in `elf` (see attributeMacroRows); `linkedFirst`: they start where the ELF's do. */
export function listingPlacement(elf: ElfFile, linkedFirst: boolean): ListingPlacement {
  const placedSections = elf.sections.filter((s) => s.address > 0);
  return {
    // nasm looks for %include files in its working directory, which DWARF records.
    includeDirectories: [...new Set(compilationDirectories(elf).values())],
    sectionAddresses: linkedFirst ? new Map(placedSections.map((s) => [s.name, s.address])) : undefined,
    sectionRanges: new Map(placedSections.map((s) => [s.name, [s.address, s.address + Math.max(s.size, 1)] as const])),
  };
}

export function loadProgramImage(file: string, options: { listing?: string; mainSource?: string; otherListings?: readonly SourceListing[]; data?: Buffer } = {}): ProgramImage | undefined {
  let stat;
  try { stat = statSync(file); } catch { return undefined; }
  if (!stat.isFile() || stat.size > MAX_PROGRAM_BYTES) return undefined;
  const units = [
    ...(options.listing && options.mainSource ? [{ listing: options.listing, source: options.mainSource }] : []),
    ...(options.otherListings ?? []),
  ].filter((unit) => existsSync(unit.listing));
  const key = `${stat.mtimeMs}:${stat.size}:${units.map((unit) => unit.listing).join('\n')}`;
  const cached = cache.get(file);
  if (cached?.key === key) return cached.image;
  let image: ProgramImage | undefined;
  try {
    const elf = options.data ? new ElfFile(file, options.data) : ElfFile.read(file);
    const lines = readLineTable(elf);
    const macroSites = new Map<number, MacroSite>();
    // Each source's listing places its own macro expansions (a program of several sources has one each).
    // Only the first object linked (the root's) starts where the ELF section does.
    for (const [index, unit] of units.entries()) {
      const sites = attributeMacroRows(lines, unit.listing, path.resolve(unit.source), listingPlacement(elf, unit.linkedFirst ?? index === 0));
      for (const [address, site] of sites) if (!macroSites.has(address)) macroSites.set(address, site);
    }
    image = { path: file, elf, lines, macroSites, syscallReturnSites: findSyscallReturnSites(elf) };
  } catch {
    image = undefined;
  }
  cache.set(file, { key, image });
  return image;
}

function findSyscallReturnSites(elf: ElfFile): Map<number, number[]> {
  const sites = new Map<number, number[]>();
  for (const segment of elf.segments) {
    if (segment.type !== 1 || (segment.flags & 1) === 0) continue;
    const bytes = elf.data.subarray(segment.offset, segment.offset + segment.fileSize);
    for (let i = 0; i + 1 < bytes.length; i++) {
      if (isSyscallInstruction(bytes.subarray(i, i + KERNEL_ENTRY_LENGTH))) {
        const after = segment.address + i + KERNEL_ENTRY_LENGTH;
        const list = sites.get(after & 0xfff) ?? [];
        list.push(after);
        sites.set(after & 0xfff, list);
      }
    }
  }
  return sites;
}

export interface MapperOptions {
  /** The traced program (what strace executed). */
  program: string;
  /** nasm's `-l` listing and the main source, to attribute macro-expanded instructions to their call site. */
  listing?: string;
  mainSource?: string;
  /** The listings of the other sources linked into the program (toolchain/companions.ts). */
  otherListings?: readonly SourceListing[];
  /**
   * What the `[0x…]` of a `-k` frame means: a file offset (strace built with libunwind, Debian's)
   * or an address inside the module (strace built with libdw).
   */
  frameAddresses?: 'file-offset' | 'module-address';
  /** Other binaries whose frames may carry line info (e.g. the workspace's own shared libraries). */
  isWorkspaceBinary?: (module: string) => boolean;
  /** The program's bytes, read beforehand (asynchronously, under the caller's rules). */
  programData?: Buffer;
  /**
   * Folders of the user's own sources (the workspace, the traced source's folder): a stack is credited
   * to its innermost frame in them, not to a library's line (libc, Rust's std under /rustc/…). Without
   * any, or when no frame is in them, the innermost frame whose source file exists on disk.
   */
  userSourceRoots?: string[];
  /**
   * Return addresses (link-time) of syscalls inside small wrapper procedures (trace/map/wrappers.ts),
   * each with its wrapper's entry: a call there is credited to the line that called the wrapper, the
   * frame after it; without a stack, to the program's one call of the wrapper, when it has one.
   */
  wrapperSites?: ReadonlyMap<number, number>;
  /**
   * Without a stack, credit a call made inside a library function to the program's one call of
   * that function (trace/map/callSites.ts), reading the libraries the trace shows mapped. Default on;
   * off for a log from an untrusted folder (its paths may name anything).
   */
  readLibraries?: boolean;
}

/** How calls from one syscall instruction of a library are credited (see creditWithoutStack). */
interface Decided {
  credit: CallCredit;
  location?: SourceLocation;
  /** The program's own code without a line (see isOwnCodeWithoutLines). */
  origin?: CallOrigin;
}

/** A stack frame with what we know of it. */
interface WalkedFrame {
  frame: StackFrame;
  /** The frame's function, strace's name checked against the binary's symbols (see FrameNames). */
  name?: string;
  location?: SourceLocation;
  /** In the traced program's own image (statically linked libraries and runtimes included). */
  inProgram: boolean;
}

/** A signal the processor raised at the instruction (a fault), by its siginfo code: not a sent one. */
const FAULT_CODE = /\bsi_code=(?:(?:0x)?[0-9a-f]+ \/\* )?(?:SEGV|BUS|ILL|FPE|TRAP)_/;

/** Functions that run before main: the entry point and libc's start code (glibc's names). */
const START_FUNCTIONS = new Set(['_start', '__libc_start_main', '__libc_start_call_main', '__libc_early_init', '__libc_init_first']);

/** The dynamic loader an ELF names in its PT_INTERP segment; undefined for a static program. */
function interpreterNamed(elf: ElfFile): string | undefined {
  const interp = elf.segments.find((segment) => segment.type === PT_INTERP);
  return interp ? elf.data.toString('latin1', interp.offset, interp.offset + interp.fileSize).replace(/\0.*$/s, '') || undefined : undefined;
}

/** At most this many library frames are kept as a call's `via`. */
const VIA_LIMIT = 6;

export class SourceMapper {
  private readonly program: string;
  private readonly programReal: string;
  /** Run-time minus link-time address of the program, per pid, once known (0 for non-PIE). */
  private readonly displacement = new Map<number, number>();
  /** Displacements still consistent with every ip seen, per pid, while they are ambiguous. */
  private readonly candidates = new Map<number, Set<number>>();

  private readonly userRoots: string[];
  private readonly existing = new Map<string, boolean>();
  private interpreter: string | undefined | null = null;
  private readonly mappings = new ExecutableMappings();
  private readonly threads = new ThreadLives();
  private readonly frameNames: FrameNames;
  private loaderImage: ProgramImage | false | undefined;

  constructor(private readonly options: MapperOptions) {
    // A `#!` script's calls are its interpreter's: that ELF tells the loader's and libc's calls apart.
    this.program = executableImage(path.resolve(options.program));
    try { this.programReal = realpathSync(this.program); } catch { this.programReal = this.program; }
    this.userRoots = (options.userSourceRoots ?? []).map((root) => path.resolve(root) + path.sep);
    this.frameNames = new FrameNames(options.frameAddresses ?? 'file-offset');
  }

  private programImage: ProgramImage | undefined | null = null;

  /** Processes that replaced the traced program by another through execve: that program, as execve named it. */
  private readonly otherPrograms = new Map<number, string>();
  private startedProgram = false;

  /**
   * The trace's first successful execve starts the traced program; a later one runs the program it
   * names (the traced program again only when it names that very file).
   */
  private noteExec(event: SyscallEvent): void {
    if (event.inProgress || event.errno !== undefined || event.returnValue !== 0) return;
    if (!this.startedProgram) {
      this.startedProgram = true;
      return;
    }
    const quoted = event.args[0]?.text ?? '';
    // A plain quoted absolute path (strace escapes nothing in it, and did not cut it short).
    const file = /^"\/[^"\\]*"$/.test(quoted) ? quoted.slice(1, -1) : undefined;
    let real: string | undefined;
    try { real = file !== undefined ? realpathSync(file) : undefined; } catch { real = undefined; }
    if (file !== undefined && (file === this.program || real === this.programReal)) this.otherPrograms.delete(event.pid);
    else this.otherPrograms.set(event.pid, file ?? quoted);
  }

  /** A process made by one that runs another program runs it too (until its own execve). */
  private noteChild(event: SyscallEvent, other: string): void {
    if (!/^(fork|vfork|clone|clone3)$/.test(event.name) || event.inProgress || !(event.returnValue! > 0)) return;
    this.otherPrograms.set(event.returnValue!, other);
  }

  /** The traced program's image, read once per mapper (a trace never outlives a rebuild). */
  get image(): ProgramImage | undefined {
    if (this.programImage === null) {
      this.programImage = loadProgramImage(this.program, { listing: this.options.listing, mainSource: this.options.mainSource, otherListings: this.options.otherListings, data: this.options.programData });
    }
    return this.programImage;
  }

  /**
   * Sets `event.location` when the event came from a line with debug info (the user's own, when
   * the stack shows one), `event.origin` and `event.via`; returns the location.
   */
  map(event: TraceEvent): SourceLocation | undefined {
    this.threads.observe(event);
    if (event.kind === 'exit') this.lastCall.delete(event.pid);
    if (event.kind === 'exit' || event.kind === 'notice') return undefined;
    if (event.kind === 'syscall' && event.name.startsWith('execve')) {
      // The trace's first execve starts the program (the launcher makes it: loading); a later one by
      // the traced program is its own call, at its line: the ip and the stack are the image it replaces.
      const own = this.startedProgram && !this.otherPrograms.has(event.pid);
      const location = own ? this.mapCall(event) : undefined;
      if (!own) event.origin = 'loader';
      this.displacement.delete(event.pid);
      this.candidates.delete(event.pid);
      this.noteExec(event);
      return location;
    }
    if (event.kind === 'signal') {
      // A signal sent or raised (not a fault) arrives as a syscall returns, with the ip after it: it
      // belongs to that syscall's line (kill(getpid(), SIGABRT), SIGPIPE from write), not the next line's.
      const call = this.lastCall.get(event.pid);
      if (call?.location && event.ip === call.ip && !FAULT_CODE.test(event.details)) {
        event.location = { ...call.location };
        event.origin = call.origin;
        return event.location;
      }
    }
    const location = this.mapCall(event);
    if (event.origin === 'user') this.threads.reachedUserCode(event.pid);
    // Only a stack tells that no frame of the user's code made the call.
    else if (event.origin === undefined && event.kind === 'syscall' && event.stack.length > 0) {
      const origin = this.threads.originOutsideUserCode(event.pid);
      if (origin) event.origin = origin;
    }
    if (event.kind === 'syscall' && event.ip !== undefined && !event.inProgress) {
      this.lastCall.set(event.pid, { ip: event.ip, location, origin: event.origin, inLibrary: event.credit?.method === 'stack' && (event.via?.length ?? 0) > 0 });
    }
    return location;
  }

  /** Each process's last completed syscall: its ip (after the instruction) and what it was credited to. */
  private readonly lastCall = new Map<number, { ip: number; location?: SourceLocation; origin?: CallOrigin; inLibrary?: boolean }>();

  private mapCall(event: SyscallEvent | SignalEvent): SourceLocation | undefined {
    const isCall = event.kind === 'syscall';
    if (isCall && !event.name.startsWith('execve')) this.mappings.observe(event);
    if (event.stack.length > 0) return this.mapStack(event, isCall);
    const other = this.otherPrograms.get(event.pid);
    if (other !== undefined) {
      // Its addresses are another program's: the traced program's lines and call sites say nothing of
      // them, and no credit is claimed (nor a stack suggested: the program is not the user's).
      if (isCall) this.noteChild(event, other);
      return undefined;
    }
    // An ip inside a library the process mapped is not the program's: its lines need not be searched
    // (for a position-independent program that never calls from its own code, that search found no
    // load address and started again at every call).
    const inLibrary = event.ip !== undefined && this.isLibraryAddress(event.pid, event.ip);
    const location = event.ip !== undefined && !inLibrary ? this.mapInstructionPointer(event.ip, event.pid, isCall) : undefined;
    if (location) {
      const caller = isCall ? this.soleWrapperCaller(event.ip!, location) : undefined;
      event.location = caller?.location ?? location;
      event.origin = 'user';
      if (isCall) event.credit = caller?.credit ?? BY_ADDRESS;
      return event.location;
    }
    return isCall && event.ip !== undefined ? this.creditWithoutStack(event, event.ip) : undefined;
  }

  /**
   * A call whose syscall instruction is not in the program's own lines, traced without a stack: in
   * a library function the program calls from one place only, it is credited to that place.
   */
  private creditWithoutStack(event: SyscallEvent, ip: number): SourceLocation | undefined {
    if (this.byIpGeneration !== this.mappings.generation) {
      this.byIp.clear();
      this.byIpGeneration = this.mappings.generation;
    }
    let perPid = this.byIp.get(event.pid);
    if (!perPid) this.byIp.set(event.pid, perPid = new Map());
    let decided = perPid.get(ip);
    if (decided === undefined) {
      decided = this.decideAt(event.pid, ip) ?? null;
      perPid.set(ip, decided);
    }
    if (!decided) {
      if (this.isLoaderAddress(ip)) {
        event.origin = 'loader';
        event.credit = { method: 'none', reason: 'made by the dynamic loader while loading the program' };
      }
      return undefined;
    }
    event.credit = { ...decided.credit };
    if (decided.origin) event.origin = decided.origin;
    if (!decided.location) return undefined;
    event.location = { ...decided.location };
    event.origin = 'user';
    return event.location;
  }

  /** Decisions by pid and ip, valid while the processes' mappings stay as they were. */
  private readonly byIp = new Map<number, Map<number, Decided | null>>();
  private byIpGeneration = -1;

  private decideAt(pid: number, ip: number): Decided | undefined {
    const found = this.moduleAt(pid, ip - KERNEL_ENTRY_LENGTH);
    if (!found) return undefined;
    // The same few syscall instructions make most calls: decide once per instruction and set of loaded objects.
    const others = this.options.readLibraries === false ? [] : this.mappings.files(pid);
    const key = `${found.module.path}\0${found.address}\0${others.join('\0')}`;
    let decided = this.creditCache.get(key);
    if (!decided) {
      decided = this.decideCredit(found.module, found.address, others);
      this.creditCache.set(key, decided);
    }
    return decided;
  }

  private readonly creditCache = new Map<string, Decided>();

  private decideCredit(module: ModuleCode, address: number, otherFiles: readonly string[]): Decided {
    const library = path.basename(module.path);
    const program = this.moduleCodeOf(this.program);
    if (!program) return { credit: { method: 'none', module: library, reason: 'the program could not be read' } };
    if (module === program && this.isOwnCodeWithoutLines(address)) {
      return { credit: { method: 'none', module: library, reason: this.withoutLinesReason() }, origin: 'user' };
    }
    const others = otherFiles.map((file) => this.moduleCodeOf(file)).filter((m) => m !== undefined);
    const proven = soleCallSite(module, address, program, others);
    if (proven.kind === 'unproven') {
      const credit: CallCredit = { method: 'none', module: library, reason: proven.reason };
      if (proven.function) credit.function = proven.function;
      return { credit };
    }
    const image = this.image;
    const location = image ? this.locate(image, proven.site, false, false) : undefined;
    if (!location || !(this.inUserRoots(location.file) || this.existsOnDisk(location.file))) {
      return { credit: { method: 'none', function: proven.function, module: library, reason: `${proven.function} is called from one place, which is not in your sources` } };
    }
    return { credit: { method: 'call-site', function: proven.function, module: library }, location };
  }

  private readonly moduleCodes = new Map<string, ModuleCode | undefined>();

  /** A binary's code analysis, once per mapper (a trace never outlives a rebuild). */
  private moduleCodeOf(file: string): ModuleCode | undefined {
    const real = this.realModule(file);
    if (!this.moduleCodes.has(real)) this.moduleCodes.set(real, moduleCode(real));
    return this.moduleCodes.get(real);
  }

  /** The binary (and link-time address in it) holding an address of a process, without a stack. */
  private moduleAt(pid: number, address: number): { module: ModuleCode; address: number } | undefined {
    const mapped = this.options.readLibraries === false ? undefined : this.mappings.find(pid, address);
    if (mapped) {
      const module = this.moduleCodeOf(mapped.file);
      const linkAddress = module?.elf.addressOfFileOffset(mapped.offset);
      return module && linkAddress !== undefined ? { module, address: linkAddress } : undefined;
    }
    // A program that is not position independent sits at its link-time addresses (static libc included).
    const image = this.image;
    if (image && !image.elf.isPositionIndependent && image.elf.isCode(address)) {
      const module = this.moduleCodeOf(this.program);
      return module ? { module, address } : undefined;
    }
    return undefined;
  }

  /** The ip follows a syscall instruction in a file the process mapped (mmap) that is not the program. */
  private isLibraryAddress(pid: number, ip: number): boolean {
    const mapped = this.mappings.find(pid, ip - KERNEL_ENTRY_LENGTH);
    return mapped !== undefined && this.realModule(mapped.file) !== this.programReal;
  }

  /** The ip is right after a syscall instruction of the dynamic loader (at a page-aligned load address). */
  private isLoaderAddress(ip: number): boolean {
    const loader = this.programInterpreter();
    if (!loader || this.options.readLibraries === false) return false;
    this.loaderImage ??= loadProgramImage(loader) ?? false;
    return this.loaderImage !== false && this.loaderImage.syscallReturnSites.has(ip & 0xfff);
  }

  private mapInstructionPointer(ip: number, pid: number, isCall: boolean): SourceLocation | undefined {
    const image = this.image;
    if (!image) return undefined;
    const displacement = image.elf.isPositionIndependent ? this.inferDisplacement(image, ip, pid) : 0;
    if (displacement === undefined) return undefined;
    return this.locate(image, ip - displacement, isCall, true);
  }

  /**
   * A PIE's load address is chosen at run time; without -k frames it follows from the ip itself:
   * the load address is page aligned, so the ip's low 12 bits must match a syscall site's.
   */
  private inferDisplacement(image: ProgramImage, ip: number, pid: number): number | undefined {
    const known = this.displacement.get(pid) ?? this.displacement.get(0);
    if (known !== undefined) return known;
    const sites = image.syscallReturnSites.get(ip & 0xfff) ?? [];
    const fresh = new Set(sites.filter((site) => image.lines.lookup(site - 2)).map((site) => ip - site));
    const previous = this.candidates.get(pid);
    const remaining = previous ? new Set([...previous].filter((d) => fresh.has(d))) : fresh;
    if (remaining.size === 0) return undefined;
    this.candidates.set(pid, remaining);
    if (remaining.size === 1) {
      const only = [...remaining][0]!;
      this.displacement.set(pid, only);
      return only;
    }
    return Math.min(...remaining);
  }

  private mapStack(event: TraceEvent, isCall: boolean): SourceLocation | undefined {
    const walked = this.walkStack(event.stack, event.ip, event.pid, isCall);
    let user = walked.findIndex((w) => w.location && this.inUserRoots(w.location.file));
    if (user < 0) user = walked.findIndex((w) => w.location && this.existsOnDisk(w.location.file));
    // Under libc's exit(3) (an atexit handler, stdio flushed by an exit() the program called) the call
    // is exit-time work, still at the user's line that made it or called exit.
    const atExit = walked.some((w) => !w.inProgram && w.name === 'exit');
    const withoutLines = user < 0 && this.innermostWithoutLines(walked);
    event.origin = atExit ? 'exit' : user >= 0 || withoutLines ? 'user' : this.originWithoutUserFrame(walked, event.pid);
    if (user < 0) {
      if (isCall && this.creditAsPreviousCall(event as SyscallEvent, walked)) return event.location;
      // The program's own frames without a line (its main built without -g): its code, with no line to name.
      if (isCall) event.credit = { method: 'none', reason: event.origin === 'user' ? this.withoutLinesReason() : 'no frame of its stack is in your code' };
      return undefined;
    }
    const location = walked[user]!.location!;
    const caller = user === 0 ? this.wrapperCaller(walked) : undefined;
    if (isCall) event.credit = user === 0 && !caller ? BY_ADDRESS : { method: 'stack' };
    if (caller) {
      // The wrapper's syscall line stays as detail, as a macro's body line does.
      event.location = { ...caller, procedureLine: location.line, procedureFile: location.file };
      return event.location;
    }
    event.location = location;
    if (user > 0) event.via = describeFrames(walked.slice(0, user).reverse());
    return location;
  }

  /**
   * glibc's clone3 (pthread_create, posix_spawn, system()) ends its unwind records before its
   * `syscall`, so its -k stack is that one frame. The same thread's call just before, made inside a
   * library function the user's line called (pthread_create's rt_sigprocmask), says which line it was.
   */
  private creditAsPreviousCall(event: SyscallEvent, walked: readonly WalkedFrame[]): boolean {
    if (event.name !== 'clone3' || walked.length !== 1 || walked[0]!.inProgram) return false;
    const previous = this.lastCall.get(event.pid);
    if (!previous?.location || !previous.inLibrary) return false;
    event.location = { ...previous.location };
    event.origin = previous.origin;
    event.credit = { method: 'previous-call', function: walked[0]!.name ?? 'clone3', module: path.basename(walked[0]!.frame.module) };
    return true;
  }

  /** The innermost frame is the program's own code, which has no line (isOwnCodeWithoutLines). */
  private innermostWithoutLines(walked: readonly WalkedFrame[]): boolean {
    const inner = walked[0];
    const image = this.image;
    if (!inner?.inProgram || inner.location || !image) return false;
    const address = this.linkAddressOfFrame(image, inner.frame);
    return address !== undefined && this.isOwnCodeWithoutLines(address - KERNEL_ENTRY_LENGTH);
  }

  /** The program's sized function symbols (its libc's, when static), by start; read once. */
  private programFunctions: FunctionSpan[] | undefined;

  /**
   * Code of the program's own that has no debug line: assembly built without -g, whose labels have
   * no size, and not a function of a static program's libc, whose symbols have one. A stripped
   * program (no symbols at all) cannot tell the two apart.
   */
  private isOwnCodeWithoutLines(address: number): boolean {
    const elf = this.image?.elf;
    if (!elf || elf.symbols.length === 0) return false;
    this.programFunctions ??= functionSpans(elf);
    return functionAt(this.programFunctions, address) === undefined;
  }

  private withoutLinesReason(): string {
    return `${path.basename(this.program)} has no debug line for this code: built without -g (nasm -g -F dwarf, gcc -g)`;
  }

  /**
   * Without a stack, a syscall inside a small wrapper (ip at one of `wrapperSites`) belongs to the
   * wrapper's caller when the program calls the wrapper from one place only and nothing else reaches
   * it (no jump into it, its address never taken): `--no-stacks`, or a call still blocked when the
   * trace was stopped. The wrapper's syscall line is kept as detail.
   */
  private soleWrapperCaller(ip: number, at: SourceLocation): { location: SourceLocation; credit: CallCredit } | undefined {
    if (!this.options.wrapperSites?.has(ip)) return undefined;
    let known = this.wrapperCallers.get(ip);
    if (known === undefined && !this.wrapperCallers.has(ip)) {
      known = this.findWrapperCaller(ip, at);
      this.wrapperCallers.set(ip, known);
    }
    return known && { location: { ...known.location }, credit: { ...known.credit } };
  }

  private findWrapperCaller(ip: number, at: SourceLocation): { location: SourceLocation; credit: CallCredit } | undefined {
    const entry = this.options.wrapperSites?.get(ip);
    const image = this.image;
    if (entry === undefined || !image || image.elf.isPositionIndependent) return undefined;
    const site = soleCallInto(image.elf, entry, ip);
    const caller = site === undefined ? undefined : this.locate(image, site, false, false);
    if (!caller) return undefined;
    const name = image.elf.symbols.find((symbol) => symbol.value === entry && symbol.defined)?.name ?? `0x${entry.toString(16)}`;
    const { file, line, macroLine, macroFile } = caller;
    const location: SourceLocation = macroLine === undefined ? { file, line } : { file, line, macroLine, macroFile: macroFile! };
    return {
      location: { ...location, procedureLine: at.line, procedureFile: at.file },
      credit: { method: 'call-site', function: name, module: path.basename(this.program) },
    };
  }

  /** By a wrapper syscall's return address: its call's place and credit, or undefined when it has none or several. */
  private readonly wrapperCallers = new Map<number, { location: SourceLocation; credit: CallCredit } | undefined>();

  /** The line that called the wrapper whose syscall this innermost frame is, when it is one. */
  private wrapperCaller(walked: readonly WalkedFrame[]): SourceLocation | undefined {
    const [inner, outer] = walked;
    if (!this.options.wrapperSites?.size || !inner?.inProgram || !outer?.inProgram || !outer.location) return undefined;
    const image = this.image;
    const address = image ? this.linkAddressOfFrame(image, inner.frame) : undefined;
    if (address === undefined || !this.options.wrapperSites.has(address)) return undefined;
    const { file, line, macroLine, macroFile } = outer.location;
    return macroLine === undefined ? { file, line } : { file, line, macroLine, macroFile: macroFile! };
  }

  /** Each frame with its source line, where the frame is in a binary we can read. */
  private walkStack(stack: StackFrame[], ip: number | undefined, pid: number, isCall: boolean): WalkedFrame[] {
    return stack.map((frame, i) => {
      const image = this.imageOfModule(frame.module);
      const walked: WalkedFrame = { frame, inProgram: image !== undefined && image.path === this.program };
      // A log from an untrusted folder may name any file: its names are taken as strace gave them.
      const name = this.options.readLibraries === false ? frame.symbol : this.frameNames.nameOf(frame, frame.module, i > 0 || isCall);
      if (name !== undefined) walked.name = name;
      const linkAddress = image ? this.linkAddressOfFrame(image, frame) : undefined;
      if (!image || linkAddress === undefined) return walked;
      if (i === 0 && ip !== undefined && walked.inProgram) this.displacement.set(pid, ip - linkAddress);
      // The innermost frame is the ip after the syscall (or the faulting instruction); outer frames
      // are return addresses, so the call instruction ends just before them.
      const location = i === 0 ? this.locate(image, linkAddress, isCall, true) : this.locate(image, linkAddress - 1, false, false);
      if (location) walked.location = location;
      return walked;
    });
  }

  /**
   * No frame is the user's: libc's exit(3) on the stack means exit-time work (atexit handlers,
   * flushing stdio); the program's own lines otherwise mean its runtime; its main without lines (no
   * debug info) is its own code (your code, without a line);
   * only the dynamic loader's frames mean loading; the entry point, libc's start code or the loader
   * below libc's frames mean libc's start-up. Anything else (a child that posix_spawn started on a
   * stack of its own) says nothing of where the call comes from; a thread's start and end are told
   * apart by ThreadLives, from the thread's history.
   */
  private originWithoutUserFrame(walked: readonly WalkedFrame[], pid: number): CallOrigin | undefined {
    if (walked.some((w) => w.name === 'exit')) return 'exit';
    if (walked.some((w) => w.inProgram && w.location)) return 'runtime';
    const loader = this.interpreterOf(pid);
    const inLoader = (w: WalkedFrame) => loader !== undefined && this.realModule(w.frame.module) === loader;
    if (loader && walked.every(inLoader)) return 'loader';
    const isStart = (w: WalkedFrame) => inLoader(w) || (w.name !== undefined && START_FUNCTIONS.has(w.name));
    const start = walked.findIndex(isStart);
    // The program's frame nearest above libc's start code (libc's own frames between, such as the
    // nameless __libc_start_call_main): its main (named so, or nameless in a stripped program such as
    // a script's interpreter), without lines, makes the program's own calls; libc's own set-up (also in
    // the program when it is static) and constructors make start-up's.
    const called = walked.slice(0, Math.max(start, 0)).reverse().find((w) => w.inProgram);
    if (called?.inProgram && (called.name === undefined || called.name === 'main')) return 'user';
    return start >= 0 ? 'startup' : undefined;
  }

  private inUserRoots(file: string): boolean {
    return this.userRoots.some((root) => file.startsWith(root));
  }

  private existsOnDisk(file: string): boolean {
    let exists = this.existing.get(file);
    if (exists === undefined) {
      exists = existsSync(file);
      this.existing.set(file, exists);
    }
    return exists;
  }

  /** The dynamic loader the program names (PT_INTERP), links resolved. */
  private programInterpreter(): string | undefined {
    if (this.interpreter === null) {
      const elf = this.image?.elf;
      const named = elf ? interpreterNamed(elf) : undefined;
      this.interpreter = named ? this.realModule(named) : undefined;
    }
    return this.interpreter;
  }

  /** Another program's dynamic loader, by the file its execve named (undefined: static, or not readable). */
  private readonly otherInterpreters = new Map<string, string | undefined>();

  /**
   * The dynamic loader of the program `pid` runs: a static program's child that runs /bin/true is
   * loaded by /bin/true's loader, which the traced program does not name.
   */
  private interpreterOf(pid: number): string | undefined {
    const other = this.otherPrograms.get(pid);
    if (other === undefined) return this.programInterpreter();
    // A log from an untrusted folder may name any file: the traced program's loader is all that is read.
    if (this.options.readLibraries === false || !other.startsWith('/')) return this.programInterpreter();
    if (!this.otherInterpreters.has(other)) {
      let named: string | undefined;
      try { named = interpreterNamed(ElfFile.read(executableImage(other))); } catch { named = undefined; }
      this.otherInterpreters.set(other, named ? this.realModule(named) : undefined);
    }
    return this.otherInterpreters.get(other);
  }

  private readonly realModules = new Map<string, string>();

  private realModule(module: string): string {
    let real = this.realModules.get(module);
    if (real === undefined) {
      try { real = realpathSync(module); } catch { real = module; }
      this.realModules.set(module, real);
    }
    return real;
  }

  private imageOfModule(module: string): ProgramImage | undefined {
    if (module === this.program || module === this.programReal) return this.image;
    if (this.options.isWorkspaceBinary?.(module)) {
      const image = loadProgramImage(module);
      return image && image.lines.size > 0 ? image : undefined;
    }
    return undefined;
  }

  private linkAddressOfFrame(image: ProgramImage, frame: StackFrame): number | undefined {
    if (this.options.frameAddresses === 'module-address') return frame.address;
    return image.elf.addressOfFileOffset(frame.address);
  }

  /**
   * strace's ip is the address AFTER the 2-byte syscall instruction, so the call is at ip − 2 when
   * those bytes are syscall/int 0x80/sysenter. A signal's ip is the faulting instruction itself.
   */
  private locate(image: ProgramImage, address: number, isCall: boolean, exact: boolean): SourceLocation | undefined {
    // A program makes its calls from a few places, millions of times: each place is looked up once
    // (and its calls share one location object).
    let known = located.get(image);
    if (!known) located.set(image, (known = new Map()));
    const key = address * 4 + (isCall ? 2 : 0) + (exact ? 1 : 0);
    let location = known.get(key);
    if (location === undefined) {
      location = this.lookUp(image, address, isCall, exact) ?? null;
      if (known.size < MAX_LOCATED) known.set(key, location);
    }
    return location ?? undefined;
  }

  private lookUp(image: ProgramImage, address: number, isCall: boolean, exact: boolean): SourceLocation | undefined {
    let target = address;
    if (isCall && exact) {
      if (isSyscallInstruction(image.elf.bytesAt(address - KERNEL_ENTRY_LENGTH, KERNEL_ENTRY_LENGTH))) target = address - KERNEL_ENTRY_LENGTH;
      else target = address - 1;
    }
    const row = image.lines.lookup(target);
    if (!row) return undefined;
    const site = image.macroSites.get(image.lines.rowStart(target) ?? -1);
    if (site) return { file: site.file, line: site.line, macroLine: site.macroLine, macroFile: site.macroFile };
    return { file: row.file, line: row.line };
  }
}

/** `std::io::stdio::_print (library/std/src/io/stdio.rs:1234)`, a few of them, the middle elided. */
function describeFrames(walked: readonly WalkedFrame[]): string[] {
  const described = walked.map((w) => {
    const name = w.name ?? path.basename(w.frame.module);
    const where = w.location ? `${w.location.file.split('/').slice(-3).join('/')}:${w.location.line}` : w.frame.sourceHint;
    return where ? `${name} (${where})` : name;
  });
  if (described.length <= VIA_LIMIT) return described;
  return [...described.slice(0, VIA_LIMIT / 2), '…', ...described.slice(-VIA_LIMIT / 2)];
}
