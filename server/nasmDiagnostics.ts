// Diagnostics from the real nasm, run on a private temporary copy of the document.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { messagePlaces, parseNasmMessages, type ToolMessage } from '../toolchain/nasmMessages';
import { defineArgs, parseDefines } from '../toolchain/defines';
import { limitedCommand, limitThatStopped } from '../toolchain/limits';
import { requireTool, runProgram, ToolNotFoundError } from '../toolchain/tools';
import type { AsmDocument } from '../nasm/document/document';
import { declaredOutputFormat, type NasmOutputFormat } from '../nasm/document/outputFormat';
import { pathToUri, uriToPath, type Workspace } from './workspace';

export interface Location { uri: string; line: number }

export interface NasmDiagnostic {
  uri: string;
  /** 0-based. */
  line: number;
  severity: 'error' | 'warning' | 'information';
  message: string;
  related: (Location & { message: string })[];
}

export type NasmOutcome =
  /** `listing`: nasm's `-l` listing of the root, '' when nasm wrote none (the binary lens reads it). */
  | { kind: 'ok'; diagnostics: NasmDiagnostic[]; format: NasmOutputFormat; listing: string }
  /** A limit ended nasm: one diagnostic on the root (the line nasm was on when it knew it). */
  | { kind: 'stopped'; diagnostic: NasmDiagnostic }
  /** A newer run (or closing the document) cancelled this one; nasm was ended. */
  | { kind: 'cancelled' }
  | { kind: 'tool-missing'; message: string }
  | { kind: 'failed'; message: string };

/** Bounds on one nasm run (settings `syscallLens.diagnostics.nasmMemoryLimitMB` and `…nasmTimeLimitSeconds`). */
export interface NasmLimits { memoryMB: number; timeSeconds: number }

/**
 * A runaway listing or object (`times` a billion, a %rep that never ends) is stopped at this size; far
 * above what a real program writes, and the listing is read for hovers only up to MAX_LISTING_BYTES.
 */
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

/** `1 GB`, `384 MB`. */
function sizeText(mb: number): string {
  return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GB` : `${mb} MB`;
}

export interface NasmRunOptions {
  nasmPath: string;
  /** Absolute -I directories. */
  includePaths: string[];
  /** `syscallLens.defines` entries, passed as -D. */
  defines: readonly string[];
  /** When the source does not say (`org`, `bits`). */
  outputFormat: 'elf64' | 'elf32';
  nasmLimits: NasmLimits;
  /** Aborting ends nasm and everything it started; the outcome is then `cancelled`. */
  signal?: AbortSignal;
}

const SCRATCH_ROOT = path.join(os.tmpdir(), `syscall-lens-lsp-${process.getuid?.() ?? 'user'}`);

function scratchPath(uri: string): string {
  return path.join(SCRATCH_ROOT, createHash('sha256').update(uri).digest('hex').slice(0, 16));
}

function scratchDirectory(uri: string): string {
  const dir = scratchPath(uri);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Removes the temporary copy and object file kept for a document (on close). */
export function discardScratch(uri: string): void {
  rmSync(scratchPath(uri), { recursive: true, force: true });
}

/** The listing nasm wrote, bounded: a file of a million `times` lines is not kept for hovers. */
function readListing(file: string): string {
  try {
    return statSync(file).size <= MAX_LISTING_BYTES ? readFileSync(file, 'utf8') : '';
  } catch {
    return '';
  }
}

const MAX_LISTING_BYTES = 16 * 1024 * 1024;

function withSlash(dir: string): string { return dir.endsWith(path.sep) ? dir : dir + path.sep; }

/** Files nasm reports relative to its working directory (the scratch folder) belong beside the root. */
function pathMapper(scratch: string, sourceDir: string, copy: string, rootUri: string): (file: string) => string {
  return (file) => {
    if (!file) return rootUri;
    const full = path.resolve(scratch, file);
    if (full === copy) return rootUri;
    return pathToUri(full.startsWith(withSlash(scratch)) ? path.join(sourceDir, path.relative(scratch, full)) : full);
  };
}

/**
 * Open documents of the root's unit with unsaved text, written beside the root's copy: nasm looks in its
 * working directory first, so it reads what the editor shows rather than the files on disk.
 */
function writeOverlays(workspace: Workspace, root: AsmDocument, sourceDir: string, scratch: string): void {
  for (const document of workspace.unit(root)) {
    const file = uriToPath(document.uri);
    if (document === root || !file || !workspace.isOpen(document.uri)) continue;
    const relative = path.relative(sourceDir, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    mkdirSync(path.dirname(path.join(scratch, relative)), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(scratch, relative), document.getText());
  }
}

/**
 * Runs nasm on a root document's current text; messages are attributed to the files they name.
 * An include-only file is checked by assembling its root (see DiagnosticsPublisher).
 */
export async function runNasm(
  document: AsmDocument, workspace: Workspace, options: NasmRunOptions,
  /** Assemble this text instead of the document's, in a scratch folder of its own (a rewrite being proven). */
  variant?: { text: string; scratchKey: string },
): Promise<NasmOutcome> {
  let nasm: string;
  try {
    nasm = requireTool('nasm', { nasm: options.nasmPath });
  } catch (error) {
    if (error instanceof ToolNotFoundError) return { kind: 'tool-missing', message: error.message };
    throw error;
  }
  const original = uriToPath(document.uri);
  const sourceDir = original ? path.dirname(original) : process.cwd();
  const scratchKey = variant ? `${document.uri}\0${variant.scratchKey}` : document.uri;
  discardScratch(scratchKey);
  const scratch = scratchDirectory(scratchKey);
  const copy = path.join(scratch, original ? path.basename(original) : 'untitled.asm');
  try {
    writeFileSync(copy, variant?.text ?? document.getText());
    writeOverlays(workspace, document, sourceDir, scratch);
    const declared = declaredOutputFormat([document.structure, ...workspace.includedDocuments(document).map((d) => d.structure)]);
    const format = declared ?? options.outputFormat;
    const args = ['-f', format, ...defineArgs(parseDefines(options.defines).defines), '-I', withSlash(sourceDir)];
    for (const dir of options.includePaths) args.push('-I', withSlash(dir));
    const listingFile = path.join(scratch, 'out.lst');
    args.push('-l', listingFile, '-o', path.join(scratch, 'out.o'), copy);
    const { memoryMB, timeSeconds } = options.nasmLimits;
    const command = limitedCommand(nasm, args, { addressSpaceBytes: memoryMB * 1024 * 1024, fileSizeBytes: MAX_OUTPUT_BYTES });
    const result = await runProgram(command.file, command.args, { cwd: scratch, timeoutMs: timeSeconds * 1000, signal: options.signal });
    if (options.signal?.aborted) return { kind: 'cancelled' };
    const uriOf = pathMapper(scratch, sourceDir, copy, document.uri);
    const stop = (why: string): NasmOutcome => {
      // nasm names the line it was on when it ran out (`critical: file:12: out of memory!`).
      const at = /(?:^|\n)(?:\w+: )?(.+?):(\d+): .*out of memory/i.exec(result.stderr);
      const onRoot = at && uriOf(at[1]!) === document.uri;
      return {
        kind: 'stopped',
        diagnostic: { uri: document.uri, line: onRoot ? Math.max(0, Number(at[2]) - 1) : 0, severity: 'error', related: [], message: `nasm stopped: ${why}` },
      };
    };
    if (result.timedOut) return stop(`ran longer than ${timeSeconds} s (limit syscallLens.diagnostics.nasmTimeLimitSeconds), so this file has no nasm diagnostics.`);
    const limit = limitThatStopped(result, command);
    if (limit === 'memory') return stop(`used more than ${sizeText(memoryMB)} (limit syscallLens.diagnostics.nasmMemoryLimitMB), so this file has no nasm diagnostics. A macro or %rep that grows without bound?`);
    if (limit === 'file-size') return stop(`wrote more than ${sizeText(MAX_OUTPUT_BYTES / 1024 / 1024)} of output or listing, so this file has no nasm diagnostics. A \`times\` or %rep that never ends?`);
    const severity = (m: { severity: ToolMessage['severity'] }): NasmDiagnostic['severity'] => (m.severity === 'info' ? 'information' : m.severity);
    const diagnostics: NasmDiagnostic[] = [];
    for (const place of messagePlaces(parseNasmMessages(result.stderr, [copy]), document.uri, (_, file) => uriOf(file))) {
      const uri = place.file;
      const related = place.related.map((r) => ({ uri: r.file, line: Math.max(0, r.line - 1), message: r.message }));
      const line = Math.max(0, place.line - 1);
      diagnostics.push({ uri, line, severity: severity(place), message: place.message, related });
      if (uri !== document.uri && !place.echo) {
        // Also flag the %include line that brings the faulty file in.
        const edge = document.structure.includes.find((e) => {
          const included = workspace.resolveInclude(document, e.path);
          if (!included) return false;
          if (included === uri) return true;
          const doc = workspace.get(included);
          return !!doc && workspace.includedDocuments(doc).some((d) => d.uri === uri);
        });
        if (edge) {
          diagnostics.push({
            uri: document.uri, line: edge.line, severity: severity(place),
            message: `In included file ${path.basename(uriToPath(uri) ?? uri)}, line ${place.line}: ${place.message}`,
            related: [{ uri, line, message: place.message }],
          });
        }
      }
    }
    return { kind: 'ok', diagnostics, format, listing: readListing(listingFile) };
  } finally {
    if (variant) discardScratch(scratchKey);
  }
}
