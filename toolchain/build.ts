import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isNasmSyntax } from '../nasm/document/dialect';
import { outputFormatOfText } from '../nasm/document/outputFormat';
import { cacheDirectory } from './cacheDirectory';
import { companionSources, isCSource } from './companions';
import { defineArgs, parseDefines } from './defines';
import { parseLinkerMessages, parseNasmMessages, splitToolOutput, type ToolMessage } from './nasmMessages';
import { requireTool, runProgram, type ToolPaths } from './tools';

export type SourceKind = 'nasm' | 'c';

export type OutputFormat = 'elf64' | 'elf32';

export interface BuildRequest {
  /** Absolute path of the .asm/.nasm or .c file. */
  source: string;
  tools?: Partial<ToolPaths>;
  /** Extra nasm -I directories (the source's own directory is always first). */
  includePaths?: string[];
  /** nasm -D definitions (`NAME`, `NAME=value`); entries that are not one are left out. */
  defines?: readonly string[];
  /** Where to put the object, listing and program; default: a private cache folder per source. */
  buildDirectory?: string;
  /** nasm output format when the source does not say `bits 32`. */
  defaultFormat?: OutputFormat;
  /** Aborting stops the tool that is running (and what it started). */
  signal?: AbortSignal;
}

export interface BuildStep {
  tool: string;
  args: string[];
  exitCode: number | null;
  stderr: string;
}

export interface BuildResult {
  ok: boolean;
  /** The linked program (exists only when ok). */
  program: string;
  /** nasm's listing (`-l`), used to attribute macro-expanded lines to their call site. */
  listing?: string;
  /** The other NASM sources assembled and linked with this one (toolchain/companions.ts), with their listings. */
  companions?: string[];
  companionListings?: { source: string; listing: string }[];
  format: OutputFormat | 'bin' | 'c';
  messages: ToolMessage[];
  steps: BuildStep[];
}

export function sourceKindOf(file: string): SourceKind | undefined {
  // A file called just `.asm` has no extension for path.extname, but it is an assembly source.
  const ext = (path.extname(file) || path.basename(file)).toLowerCase();
  if (ext === '.asm' || ext === '.nasm') return 'nasm';
  if (ext === '.c') return 'c';
  // `.s` is GNU as's by convention; a NASM one (`nasm -f elf64 ft_strlen.s`) says so in its text.
  if (path.extname(file) === '.s') return isNasmSource(file) ? 'nasm' : undefined;
  return undefined;
}

function isNasmSource(file: string): boolean {
  try {
    return statSync(file).size <= MAX_SNIFFED_BYTES && isNasmSyntax(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}
const MAX_SNIFFED_BYTES = 4 * 1024 * 1024;

/**
 * The nasm format of a source: what the file itself asks for (`org` → a flat binary, `bits 32`/`use32`
 * → elf32, `bits 64` → elf64; the rule lives with the NASM model) or `fallback` when it is silent.
 */
export function detectFormat(text: string, fallback: OutputFormat = 'elf64'): OutputFormat | 'bin' {
  return outputFormatOfText(text, fallback);
}

/** A program that defines `main` (and so expects the C runtime) is linked with gcc rather than ld. */
function definesMain(text: string): boolean {
  return /^[ \t]*global[ \t]+([^;\n]*,[ \t]*)?main\b/im.test(text);
}

/** A program that declares `extern` symbols (libc functions) needs libc and its dynamic linker. */
function declaresExterns(text: string): boolean {
  return /^[ \t]*\[?[ \t]*extern[ \t]+\S/im.test(text);
}

export function defaultBuildDirectory(source: string): string {
  const key = createHash('sha256').update(path.resolve(source)).digest('hex').slice(0, 16);
  return cacheDirectory('build', key);
}

/** What each nasm binary's `-h` says it supports, asked once per binary. */
const listingOptionsOf = new Map<string, Promise<string[]>>();

/**
 * `-Lf` where this nasm has it (its own help lists it; NASM 2.16 does, an older one would refuse it):
 * a listing that shows the expansions of macros declared `.nolist` instruction by instruction. Not
 * for the build itself: `.nolist` also keeps the macro's body lines out of the object's DWARF, which
 * `-Lf` would put back, changing what the debugger steps through.
 */
export function nasmListingOptions(nasm: string): Promise<string[]> {
  let options = listingOptionsOf.get(nasm);
  if (!options) {
    options = runProgram(nasm, ['-h'], { timeoutMs: 10_000 })
      .then((help) => (/^\s*-Lf\b/m.test(help.stdout + help.stderr) ? ['-Lf'] : []), () => []);
    listingOptionsOf.set(nasm, options);
  }
  return options;
}

/** Builds a NASM or C source into a program with DWARF line information. Never uses a shell. */
export async function buildProgram(request: BuildRequest): Promise<BuildResult> {
  const source = path.resolve(request.source);
  const kind = sourceKindOf(source);
  if (!kind) throw new Error(`Cannot build "${path.basename(source)}": only .asm, .nasm, .c and NASM .s files can be built.`);
  const text = readFileSync(source, 'utf8');
  const dir = request.buildDirectory ? path.resolve(request.buildDirectory) : defaultBuildDirectory(source);
  mkdirSync(dir, { recursive: true });
  const program = path.join(dir, programName(source));
  const steps: BuildStep[] = [];
  const run = async (tool: string, file: string, args: string[], cwd = path.dirname(source)) => {
    const result = await runProgram(file, args, { cwd, timeoutMs: 60_000, signal: request.signal });
    steps.push({ tool, args, exitCode: result.exitCode, stderr: result.stderr });
    return result;
  };

  const format = kind === 'c' ? 'elf64' : detectFormat(text, request.defaultFormat);
  const nasmArgs = (file: string) => ['-f', format, '-g', '-F', 'dwarf', ...defineArgs(parseDefines(request.defines ?? []).defines), ...includeArgs(file, request.includePaths)];
  /** Each other source into an object beside the program (from its own folder, as a Makefile would). */
  const buildCompanions = async (files: readonly string[], messages: ToolMessage[]) => {
    const objects: string[] = [];
    const listings: { source: string; listing: string }[] = [];
    for (const [index, companion] of files.entries()) {
      const unit = `${program}.${index + 1}.${programName(companion)}`;
      const done = isCSource(companion)
        ? await run('gcc', requireTool('gcc', request.tools), ['-c', '-g', '-O0', '-o', `${unit}.o`, companion], path.dirname(companion))
        : await run('nasm', requireTool('nasm', request.tools), [...nasmArgs(companion), '-l', `${unit}.lst`, '-o', `${unit}.o`, companion], path.dirname(companion));
      messages.push(...(isCSource(companion) ? parseGccMessages(done.stderr, [companion]) : parseNasmMessages(done.stderr, [companion])));
      if (done.exitCode !== 0) return undefined;
      objects.push(`${unit}.o`);
      if (!isCSource(companion)) listings.push({ source: companion, listing: `${unit}.lst` });
    }
    return { objects, listings };
  };

  if (kind === 'c') {
    const gcc = requireTool('gcc', request.tools);
    let result = await run('gcc', gcc, ['-g', '-O0', '-o', program, source]);
    let messages = parseGccMessages(result.stderr, [source]);
    // A C program calling functions of its other sources (NASM or C): build those and link again.
    const missing = [...result.stderr.matchAll(/undefined reference to [`']([^`']+)'/g)].map((m) => m[1]!);
    const companions = result.exitCode !== 0 && missing.length ? companionSources(source, text, [...new Set(missing)]) : undefined;
    if (companions?.files.length) {
      messages = [];
      const built = await buildCompanions(companions.files, messages);
      if (!built) return { ok: false, program, format: 'c', messages, steps, companions: companions.files };
      // NASM objects address their data absolutely (`mov rsi, msg`): no position-independent executable.
      result = await run('gcc', gcc, ['-g', '-O0', '-no-pie', '-o', program, source, ...built.objects]);
      messages.push(...parseGccMessages(result.stderr, [source, ...companions.files], result.exitCode !== 0));
      return { ok: result.exitCode === 0, program, format: 'c', messages, steps, companions: companions.files, companionListings: built.listings };
    }
    return { ok: result.exitCode === 0, program, format: 'c', messages, steps };
  }

  const nasm = requireTool('nasm', request.tools);
  if (format === 'bin') {
    const message = `${path.basename(source)} is a flat binary (it sets \`org\`, or is 16-bit code): there is no program to run, debug or trace. `
      + 'Remove `org` to build an ELF program, or use "Show Program Size" and the bytes view for the flat file.';
    return { ok: false, program, format, messages: [{ file: source, line: 0, severity: 'error', message, context: [] }], steps };
  }
  const object = `${program}.o`;
  const listing = `${program}.lst`;
  const assembled = await run('nasm', nasm, [...nasmArgs(source), '-l', listing, '-o', object, source]);
  const messages = parseNasmMessages(assembled.stderr, [source]);
  if (assembled.exitCode !== 0) return { ok: false, program, listing, format, messages, steps };

  // A program of several sources: the others are assembled beside it (each from its own folder, as
  // a Makefile would) and linked with it.
  const companions = companionSources(source, text);
  const built = await buildCompanions(companions.files, messages);
  if (!built) return { ok: false, program, listing, format, messages, steps, companions: companions.files };
  const objects = [object, ...built.objects];
  const companionListings = built.listings;

  // With its own _start but libc functions, gcc links libc and names the right dynamic linker
  // (-nostartfiles: no C start-up code, _start stays the program's). Externs the other NASM sources
  // define need no libc; C sources do.
  const withMain = definesMain(text);
  const useGcc = withMain || companions.files.some(isCSource) || (companions.files.length > 0 ? companions.unresolved.length > 0 : declaresExterns(text));
  const linker = useGcc ? requireTool('gcc', request.tools) : requireTool('ld', request.tools);
  const linkArgs = useGcc
    ? [...(format === 'elf32' ? ['-m32'] : []), ...(withMain ? [] : ['-nostartfiles']), '-no-pie', '-g', '-o', program, ...objects]
    : [...(format === 'elf32' ? ['-m', 'elf_i386'] : []), '-o', program, ...objects];
  const linked = await run(useGcc ? 'gcc' : 'ld', linker, linkArgs);
  messages.push(...parseLinkerMessages(linked.stderr, [source, ...companions.files, ...objects]));
  return { ok: linked.exitCode === 0, program, listing, format, messages, steps, ...(companions.files.length ? { companions: companions.files, companionListings } : {}) };
}

/** nasm -I options: the source's own folder first, then the extra ones (nasm wants the trailing slash). */
function includeArgs(source: string, includePaths: readonly string[] = []): string[] {
  return [path.dirname(source), ...includePaths].map((dir) => `-I${dir.endsWith('/') ? dir : dir + '/'}`);
}

export interface AssembledListing {
  ok: boolean;
  /** nasm's `-l` listing text ('' when nasm failed before writing it). */
  listing: string;
  format: OutputFormat | 'bin';
  messages: ToolMessage[];
}

/**
 * Assembles a NASM source without linking, to read nasm's listing (the bytes of every line). The
 * object and listing go to a private temporary folder that is removed afterwards: nasm deletes its
 * output file when assembly fails, so it never writes anywhere we do not own.
 */
export async function assembleListing(request: BuildRequest & { format?: OutputFormat | 'bin' }): Promise<AssembledListing> {
  const source = path.resolve(request.source);
  const nasm = requireTool('nasm', request.tools);
  const format = request.format ?? detectFormat(readFileSync(source, 'utf8'), request.defaultFormat);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-listing-'));
  try {
    const listing = path.join(dir, 'unit.lst');
    const result = await runProgram(nasm, ['-f', format, ...defineArgs(parseDefines(request.defines ?? []).defines), ...includeArgs(source, request.includePaths), '-l', listing, '-o', path.join(dir, 'unit.o'), source],
      { cwd: path.dirname(source), timeoutMs: 60_000, signal: request.signal });
    const text = existsSync(listing) ? readFileSync(listing, 'utf8') : '';
    return { ok: result.exitCode === 0, listing: text, format, messages: parseNasmMessages(result.stderr, [source]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The program is named after the source without its extension, kept inside the build folder whatever
 * the name: `...asm` would otherwise give `..`, and the object `../.o`, outside it.
 */
export function programName(source: string): string {
  // Control characters (a line break in `x\ny.asm`) become `_`: gdb and strace take the program's
  // path as a line of text, and the program's name is ours to choose.
  // eslint-disable-next-line no-control-regex
  const stem = path.basename(source).replace(/\.[^.]*$/, '').replace(/[\x00-\x1f\x7f]/g, '_');
  return /^\.*$/.test(stem) ? 'program' : stem;
}

const GCC_LINE = /^(.+?):(\d+):(\d+): (error|warning|note|fatal error): (.*)$/s;

/** `failed`: gcc failed, so output it could not place is an error; otherwise (ld's warnings) a warning. */
function parseGccMessages(stderr: string, knownFiles: readonly string[], failed = true): ToolMessage[] {
  const messages: ToolMessage[] = [];
  for (const line of splitToolOutput(stderr, knownFiles)) {
    const match = GCC_LINE.exec(line);
    if (!match) continue;
    const word = match[4]!;
    messages.push({
      file: match[1]!, line: Number(match[2]),
      severity: word === 'warning' ? 'warning' : word === 'note' ? 'info' : 'error',
      message: match[5]!, context: [],
    });
  }
  if (messages.length === 0 && stderr.trim()) {
    messages.push({ file: '', line: 0, severity: failed ? 'error' : 'warning', message: stderr.trim(), context: [] });
  }
  return messages;
}

/** One-line summary of a failed build, for notifications and CLI errors. */
export function describeBuildFailure(result: BuildResult): string {
  const first = result.messages.find((m) => m.severity === 'error') ?? result.messages[0];
  if (!first) return 'The build failed without a message.';
  // Files as nasm named them (relative to the source's folder: `lib/sys.inc`); a path into the private
  // build folder by its name alone.
  const place = (file: string, line: number) => `${path.isAbsolute(file) ? path.basename(file) : file}${line ? `:${line}` : ''}`;
  const where = first.file ? `${place(first.file, first.line)}: ` : '';
  // An error inside a macro's body: nasm names the invocation, then each macro's body line, the
  // innermost (the faulty line) last.
  const body = first.context.at(-1);
  const inMacro = body ? ` (${body.message.replace(/ defined here$/, '')}, ${place(body.file, body.line)})` : '';
  const errors = result.messages.filter((m) => m !== first && m.severity === 'error').length;
  const more = errors > 0 ? ` (and ${errors} more error${errors === 1 ? '' : 's'})` : '';
  return `Build failed: ${where}${first.message}${inMacro}${more}`;
}
