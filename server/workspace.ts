// Every NASM file the server knows: open documents and files found on disk, with their %include
// edges, global/extern declarations, macros and constants; lookups follow includes.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DocumentAnalysis } from './analysis/documentAnalysis';
import type { SymbolEnvironment } from './analysis/dataflow';
import type { MacroSource } from './analysis/macroExpansion';
import { AsmDocument } from '../nasm/document/document';
import { resolveBuildOptions } from '../toolchain/options';
import { defineNumber, parseDefines, type Define } from '../toolchain/defines';
import { nasmPredefined, type PredefinedNames } from '../nasm/document/structure';
import type { MacroDefinition, SymbolDefinition } from '../nasm/document/structure';
import { num, type Value } from '../nasm/parser/expression';
import { IncludePolicy, MAX_FILE_BYTES, NASM_EXTENSIONS } from './includePolicy';

export { NASM_EXTENSIONS };
const MAX_INDEXED_FILES = 5000;
const MAX_INDEXED_FOLDERS = 20_000;
const MAX_INDEXED_BYTES = 64 * 1024 * 1024;

export function uriToPath(uri: string): string | undefined {
  try { return uri.startsWith('file:') ? fileURLToPath(uri) : undefined; } catch { return undefined; }
}
/** pathToFileURL is slow next to a map lookup, and include resolution asks for the same paths again and again. */
const uriOfPath = new Map<string, string>();
export function pathToUri(file: string): string {
  let uri = uriOfPath.get(file);
  if (uri === undefined) {
    if (uriOfPath.size >= 20_000) uriOfPath.clear();
    uri = pathToFileURL(file).href;
    uriOfPath.set(file, uri);
  }
  return uri;
}

export interface FoundDefinition { document: AsmDocument; symbol: SymbolDefinition }

export class Workspace {
  private readonly documents = new Map<string, AsmDocument>();
  private analyses = new WeakMap<AsmDocument, DocumentAnalysis>();
  private readonly openUris = new Set<string>();
  /** Bumped when any document's structure changes, so cached dataflow re-resolves names. */
  private generation = 0;
  /** `syscallLens.includePaths` as written: relative entries resolve against each file's workspace folder. */
  includePaths: string[] = [];
  /** A folder's own `syscallLens.includePaths` (a folder setting overrides the window's). */
  folderIncludePaths = new Map<string, string[]>();
  /** `syscallLens.defines` of the window, and of each folder that sets its own. */
  private defines: readonly string[] = [];
  private readonly folderDefines = new Map<string, readonly string[]>();
  /** Workspace folders (paths), longest first once set through setFolders. */
  private folders: string[] = [];
  /** What `%include` may read: trust and workspace folders are set through `setTrust` and `setFolders`. */
  private readonly includePolicy = new IncludePolicy((file) => this.documents.has(pathToUri(file)));
  /** Why an include was not read, by the path it resolved to. */
  private readonly refusedIncludes = new Map<string, string>();

  get trusted(): boolean { return this.includePolicy.trusted; }

  /** In an untrusted folder nothing outside the workspace folders is read, and what was read is let go. */
  setTrust(trusted: boolean): void {
    if (trusted === this.includePolicy.trusted) return;
    this.includePolicy.trusted = trusted;
    this.refusedIncludes.clear();
    if (!trusted) {
      for (const uri of [...this.documents.keys()]) {
        const file = uriToPath(uri);
        if (!this.openUris.has(uri) && file && !this.includePolicy.mayKeep(file)) this.documents.delete(uri);
      }
    }
    this.fileSetChanged();
  }

  setFolders(folders: readonly string[]): void {
    this.folders = [...folders].sort((a, b) => b.length - a.length);
    this.includePolicy.setFolders(folders);
    this.refusedIncludes.clear();
    this.fileSetChanged();
  }

  /** The workspace folder holding `file`, if any. */
  folderOf(file: string): string | undefined {
    return this.folders.find((folder) => file === folder || file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep));
  }

  /** Absolute include directories for a document, by the same rule as building and debugging. */
  includePathsFor(document: AsmDocument): string[] {
    const file = uriToPath(document.uri) ?? path.join(this.folders[0] ?? process.cwd(), 'untitled.asm');
    const folder = this.folderOf(file);
    const includePaths = (folder && this.folderIncludePaths.get(folder)) || this.includePaths;
    return resolveBuildOptions({ includePaths }, folder, file).includePaths;
  }

  /** Sets the build's definitions for a folder (undefined: the window's); every document follows them. */
  setDefines(folder: string | undefined, defines: readonly string[]): void {
    const current = folder === undefined ? this.defines : this.folderDefines.get(folder);
    if (current && current.length === defines.length && current.every((d, i) => d === defines[i])) return;
    if (folder === undefined) this.defines = [...defines]; else this.folderDefines.set(folder, [...defines]);
    this.predefinedChanged();
  }

  /** The names every document starts with changed (-D names, __BITS__): which %if branches are live may have. */
  private predefinedChanged(): void {
    for (const document of this.documents.values()) document.setPredefined(this.predefinedFor(document));
    // Every analysis starts again.
    this.analyses = new WeakMap();
    this.fileSetChanged();
  }

  /** The -D definitions that apply to a document: its folder's, else the window's. */
  definesFor(document: AsmDocument): Define[] {
    const file = uriToPath(document.uri);
    const folder = file ? this.folderOf(file) : undefined;
    return parseDefines((folder && this.folderDefines.get(folder)) || this.defines).defines;
  }

  private predefinedFor(document: AsmDocument): PredefinedNames {
    // NASM's own `__BITS__` (the mode before any `bits` line: the output format's), then the build's -D names.
    return new Map([...nasmPredefined(this.bits), ...this.definesFor(document).map((d) => [d.name, defineNumber(d)] as const)]);
  }

  private bits = 64;
  /** The mode of the output format (`elf64`: 64, `elf32`: 32), before any `bits` line. */
  get defaultBits(): number { return this.bits; }
  set defaultBits(bits: number) {
    if (bits === this.bits) return;
    this.bits = bits;
    this.predefinedChanged();
  }

  all(): AsmDocument[] { return [...this.documents.values()]; }

  private fileSetChanged(): void {
    this.fileSetVersion++;
    this.bump(undefined);
  }

  /**
   * What moved the generation on, for the last generations: a structural edit of one document (with its
   * structure version before the edit) or anything else.
   */
  private readonly generationLog: { generation: number; document: AsmDocument | undefined; version: number }[] = [];

  private bump(document: AsmDocument | undefined, version = 0): void {
    this.generation++;
    this.generationLog.push({ generation: this.generation, document, version });
    if (this.generationLog.length > 64) this.generationLog.shift();
  }

  /**
   * The names whose meaning may have changed for `document` since generation `since`: known when only
   * edits of `document` itself happened since (its incremental structure says which); else undefined.
   */
  changedNames(document: AsmDocument, since: number): ReadonlySet<string> | undefined {
    if (since === this.generation) return new Set();
    const first = this.generationLog.findIndex((entry) => entry.generation === since + 1);
    if (first < 0) return undefined;
    for (let i = first; i < this.generationLog.length; i++) if (this.generationLog[i]!.document !== document) return undefined;
    return document.namesChangedSince(this.generationLog[first]!.version);
  }
  get(uri: string): AsmDocument | undefined { return this.documents.get(uri); }
  isOpen(uri: string): boolean { return this.openUris.has(uri); }

  open(uri: string, text: string, version: number): AsmDocument {
    this.openUris.add(uri);
    this.openVersion++;
    const existing = this.documents.get(uri);
    if (existing) { existing.setText(text, version); return existing; }
    return this.add(new AsmDocument(uri, text, version));
  }

  close(uri: string): void {
    this.openUris.delete(uri);
    this.openVersion++;
    const file = uriToPath(uri);
    // A fresh document stands for the file from now on, so everything kept for the edited one (its
    // analysis, the caches of each feature, its edit listeners) goes with it.
    this.documents.delete(uri);
    this.fileSetChanged();
    // Keep the on-disk version indexed so other files still see its symbols.
    if (file && existsSync(file) && this.includePolicy.mayKeep(file)) this.refreshFromDisk(uri);
  }

  private add(document: AsmDocument): AsmDocument {
    this.track(document);
    this.fileSetChanged();
    return document;
  }

  /** Holds `document` and keeps it told about the build's names and the unit's macros. */
  private track(document: AsmDocument): AsmDocument {
    this.documents.set(document.uri, document);
    document.setPredefined(this.predefinedFor(document));
    document.onEdit((effect) => { if (effect.structural) this.bump(document, document.structureVersion - 1); });
    document.useExternalMacros({
      version: () => this.generation,
      has: (name) => this.unit(document).some((d) => d !== document && d.localStructure.macros.has(name)),
    });
    return document;
  }

  /** Re-reads a file that changed on disk (unless the editor has it open). */
  refreshFromDisk(uri: string): void {
    if (this.openUris.has(uri)) return;
    const file = uriToPath(uri);
    const text = file ? readTextFile(file) : undefined;
    if (text === undefined) { if (this.documents.delete(uri)) this.fileSetChanged(); return; }
    const existing = this.documents.get(uri);
    if (existing) existing.setText(text);
    else this.add(new AsmDocument(uri, text));
  }

  forget(uri: string): void {
    if (!this.openUris.has(uri) && this.documents.delete(uri)) this.fileSetChanged();
  }

  /**
   * Indexes the NASM files under a folder (skipping dependency and VCS folders), within limits so
   * opening a huge folder never stalls the server: files, folders visited and total bytes.
   */
  indexFolder(root: string): number {
    const indexer = this.folderIndexer(root);
    while (indexer.step()) { /* every folder and file */ }
    return indexer.files;
  }

  /**
   * indexFolder in slices of about `sliceMs`. Before each slice it awaits `pause` (by default one turn
   * of the event loop), so requests on open documents (hover, outline, tokens) are answered while a
   * large workspace is read, not after it: the language server's pause lets every message already
   * received be handled first.
   */
  async indexFolderInBackground(root: string, { sliceMs = 2, pause = nextTurn }: { sliceMs?: number; pause?: () => Promise<void> } = {}): Promise<number> {
    const indexer = this.folderIndexer(root);
    for (;;) {
      await pause();
      const sliceEnd = performance.now() + sliceMs;
      let more: boolean;
      do more = indexer.step(); while (more && performance.now() < sliceEnd);
      if (!more) return indexer.files;
    }
  }

  /**
   * The NASM files under `root`, one step at a time: a step reads one folder's entries or one file, so
   * no step walks the whole tree. The set of files grows without a new generation for each file read
   * (see indexFile); when the walk ends, one new generation lets everything see the whole set.
   */
  private folderIndexer(root: string): { step: () => boolean; files: number } {
    const folders: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
    const found: string[] = [];
    let next = 0;
    let foldersVisited = 0;
    let bytes = 0;
    let finished = false;
    const finish = (): false => {
      if (!finished) { finished = true; this.fileSetChanged(); }
      return false;
    };
    const readFolder = (): void => {
      const { dir, depth } = folders.pop()!;
      foldersVisited++;
      let entries: import('node:fs').Dirent[];
      try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
      const subfolders: { dir: string; depth: number }[] = [];
      for (const entry of entries) {
        if (found.length >= MAX_INDEXED_FILES) break;
        if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) { if (depth < 12) subfolders.push({ dir: file, depth: depth + 1 }); }
        else if (entry.isFile() && NASM_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) { found.push(file); }
      }
      // Depth first, in the order the folder lists them.
      folders.push(...subfolders.reverse());
    };
    const indexer = {
      files: 0,
      step: (): boolean => {
        if (bytes >= MAX_INDEXED_BYTES) return finish();
        if (next >= found.length) {
          if (folders.length === 0 || foldersVisited >= MAX_INDEXED_FOLDERS || found.length >= MAX_INDEXED_FILES) return finish();
          readFolder();
          return true;
        }
        const uri = pathToUri(found[next++]!);
        const document = this.documents.get(uri) ?? this.indexFile(uri);
        bytes += document?.getText().length ?? 0;
        indexer.files++;
        return true;
      },
    };
    return indexer;
  }

  /**
   * Reads a file for the index, its symbols and includes built here rather than by the first request
   * after the index. A new generation (everything computed for the open documents re-checked) starts
   * only when the file includes an open document or a file that includes one: otherwise it changes
   * nothing an open document sees (its own includes are read when something asks for them).
   */
  private indexFile(uri: string): AsmDocument | undefined {
    const file = uriToPath(uri);
    const text = file ? readTextFile(file) : undefined;
    if (text === undefined) return undefined;
    const document = this.track(new AsmDocument(uri, text));
    const includes = document.localStructure.includes;
    if (includes.length === 0) return document;
    const reach = this.openReach();
    const dirs = [path.dirname(file!), ...this.includePathsFor(document)];
    if (includes.some((edge) => dirs.some((dir) => reach.has(pathToUri(path.resolve(dir, edge.path)))))) this.generation++;
    return document;
  }

  /** Bumped when the editor opens or closes a document. */
  private openVersion = 0;
  private openReachCache: { generation: number; openVersion: number; uris: Set<string> } | undefined;

  /** The open documents and every document that includes one of them, directly or not, by URI. */
  private openReach(): Set<string> {
    const cached = this.openReachCache;
    if (cached?.generation === this.generation && cached.openVersion === this.openVersion) return cached.uris;
    const uris = new Set<string>();
    for (const uri of this.openUris) {
      const document = this.documents.get(uri);
      if (!document) continue;
      uris.add(uri);
      for (const includer of this.includers(document)) uris.add(includer.uri);
    }
    // Finding the includers may have read files (a new generation): the set describes the files known now.
    this.openReachCache = { generation: this.generation, openVersion: this.openVersion, uris };
    return uris;
  }

  analysis(document: AsmDocument): DocumentAnalysis {
    let analysis = this.analyses.get(document);
    if (!analysis) {
      analysis = new DocumentAnalysis(document, () => ({
        environment: this.environment(document),
        generation: this.generation,
        defaultBits: this.defaultBits,
        macros: this.macroSource(document),
        changedNames: (since) => this.changedNames(document, since),
        macroScope: () => this.unit(document).filter((d) => d !== document).map((d) => `${d.uri}@${d.structureVersion}`).join('|'),
      }));
      this.analyses.set(document, analysis);
    }
    return analysis;
  }

  /** The file an `%include "name"` on `from` refers to: its own folder first, then the include paths. */
  resolveInclude(from: AsmDocument, name: string): string | undefined {
    const candidate = this.includeCandidate(from, name);
    if (!candidate) return undefined;
    const uri = pathToUri(candidate);
    if (this.documents.has(uri) && (this.openUris.has(uri) || this.includePolicy.mayKeep(candidate))) return uri;
    const refusal = this.includePolicy.refusal(candidate);
    if (refusal) { this.refusedIncludes.set(candidate, refusal); return undefined; }
    this.refusedIncludes.delete(candidate);
    this.refreshFromDisk(uri);
    return this.documents.has(uri) ? uri : undefined;
  }

  /** Why the file an `%include "name"` on `from` names was not read (not trusted, not NASM, over budget). */
  includeRefusal(from: AsmDocument, name: string): { file: string; reason: string } | undefined {
    if (this.resolveInclude(from, name)) return undefined;
    const file = this.includeCandidate(from, name);
    const reason = file && this.refusedIncludes.get(file);
    return file && reason ? { file, reason } : undefined;
  }

  /** The first existing file `name` names, as nasm searches: the includer's folder, then the include paths. */
  private includeCandidate(from: AsmDocument, name: string): string | undefined {
    const file = uriToPath(from.uri);
    const dirs = [...(file ? [path.dirname(file)] : []), ...this.includePathsFor(from)];
    for (const dir of dirs) {
      const candidate = path.resolve(dir, name);
      if (this.documents.has(pathToUri(candidate)) || existsNotFolder(candidate)) return candidate;
    }
    return undefined;
  }

  private readonly includeCache = new WeakMap<AsmDocument, { generation: number; documents: AsmDocument[] }>();

  /** Documents included by `document`, transitively, nearest first. */
  includedDocuments(document: AsmDocument): AsmDocument[] {
    const cached = this.includeCache.get(document);
    if (cached && cached.generation === this.generation) return cached.documents;
    const documents = this.computeIncludes(document);
    this.includeCache.set(document, { generation: this.generation, documents });
    return documents;
  }

  // Resolving an include touches the file system, so each document's direct includes are kept until
  // its own structure, the include paths or the set of known files change.
  private readonly directCache = new WeakMap<AsmDocument, { key: string; uris: string[] }>();
  private fileSetVersion = 0;

  private directIncludes(document: AsmDocument): string[] {
    const key = `${document.structureVersion}|${this.fileSetVersion}|${this.includePaths.join('\0')}|${this.folderIncludePaths.size}`;
    const cached = this.directCache.get(document);
    if (cached?.key === key) return cached.uris;
    const uris: string[] = [];
    for (const edge of document.localStructure.includes) {
      const uri = this.resolveInclude(document, edge.path);
      if (uri) uris.push(uri);
    }
    // resolveInclude may have loaded new files; the key is taken after that.
    this.directCache.set(document, { key: `${document.structureVersion}|${this.fileSetVersion}|${this.includePaths.join('\0')}|${this.folderIncludePaths.size}`, uris });
    return uris;
  }

  private computeIncludes(document: AsmDocument): AsmDocument[] {
    const seen = new Set<string>([document.uri]);
    const result: AsmDocument[] = [];
    const queue = [document];
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const uri of this.directIncludes(current)) {
        if (seen.has(uri)) continue;
        seen.add(uri);
        const included = this.documents.get(uri);
        if (!included) continue;
        result.push(included);
        queue.push(included);
      }
    }
    return result;
  }

  private includerIndex: { generation: number; includers: Map<AsmDocument, AsmDocument[]> } | undefined;

  /** Documents that %include `document` directly. */
  private directIncluders(document: AsmDocument): AsmDocument[] {
    if (this.includerIndex?.generation !== this.generation) {
      const includers = new Map<AsmDocument, AsmDocument[]>();
      for (const includer of this.all()) {
        for (const uri of this.directIncludes(includer)) {
          const included = this.documents.get(uri);
          if (!included || included === includer) continue;
          const list = includers.get(included);
          if (list) list.push(includer); else includers.set(included, [includer]);
        }
      }
      // Resolving includes may have loaded files (a new generation): the index describes the files now known.
      this.includerIndex = { generation: this.generation, includers };
    }
    return this.includerIndex.includers.get(document) ?? [];
  }

  /** Documents that %include `document` (directly or not). */
  includers(document: AsmDocument): AsmDocument[] {
    const seen = new Set<AsmDocument>([document]);
    const queue = [document];
    const result: AsmDocument[] = [];
    while (queue.length > 0) {
      for (const includer of this.directIncluders(queue.shift()!)) {
        if (seen.has(includer)) continue;
        seen.add(includer);
        result.push(includer);
        queue.push(includer);
      }
    }
    return result;
  }

  /** The files nasm assembles that bring `document` in: those nothing includes; the document itself when it is one. */
  roots(document: AsmDocument): AsmDocument[] {
    const roots = this.includers(document).filter((d) => this.directIncluders(d).length === 0);
    return roots.length ? roots.sort((a, b) => a.uri.localeCompare(b.uri)) : [document];
  }

  /**
   * Every file assembled together with `document`: itself, what it includes, then each root that
   * includes it and everything those include. An include-only file is understood in this context.
   */
  unit(document: AsmDocument): AsmDocument[] {
    const cached = this.unitCache.get(document);
    if (cached?.generation === this.generation) return cached.documents;
    const documents = this.computeUnit(document);
    this.unitCache.set(document, { generation: this.generation, documents });
    return documents;
  }

  private readonly unitCache = new WeakMap<AsmDocument, { generation: number; documents: AsmDocument[] }>();

  private computeUnit(document: AsmDocument): AsmDocument[] {
    const unit = new Set<AsmDocument>([document, ...this.includedDocuments(document)]);
    for (const root of this.roots(document)) {
      if (root === document) continue;
      unit.add(root);
      for (const included of this.includedDocuments(root)) unit.add(included);
    }
    return [...unit];
  }

  /** Constants and labels visible in `document` from the other files of its unit (for names it does not define). */
  private externalResolver(document: AsmDocument): (name: string) => Value | undefined {
    return (name) => {
      for (const included of this.unit(document)) {
        if (included === document) continue;
        const s = included.structure;
        if (s.constants.has(name) || s.fieldOffsets.has(name)) return s.constantValue(name);
      }
      return undefined;
    };
  }

  constantValue(document: AsmDocument, name: string, line: number): Value | undefined {
    const s = document.structure;
    return s.constantValue(s.qualify(name, line), this.externalResolver(document));
  }

  /** Where a constant visible from `document` is defined (this file or another of its unit). */
  constantOwner(document: AsmDocument, name: string): AsmDocument | undefined {
    return this.unit(document).find((d) => d.structure.constants.has(name));
  }

  macro(document: AsmDocument, name: string): MacroDefinition | undefined {
    return this.macroOwner(document, name)?.structure.macros.get(name);
  }

  /** The file of `document`'s unit that defines macro `name`. */
  macroOwner(document: AsmDocument, name: string): AsmDocument | undefined {
    return this.unit(document).find((d) => d.structure.macros.has(name));
  }

  /** Macros visible from `document`, with their bodies, for expanding invocations. */
  macroSource(document: AsmDocument): MacroSource {
    return {
      find: (name) => {
        const owner = this.macroOwner(document, name);
        const definition = owner?.structure.macros.get(name);
        return owner && definition ? { definition, lineText: (line) => owner.lineText(line) } : undefined;
      },
      isDefined: (name) => this.definesFor(document).some((d) => d.name === name)
        || this.unit(document).some((d) => d.structure.definitions.has(name) || d.structure.constants.has(name)),
      constant: (name) => {
        const value = this.constantValue(document, name, 0);
        return value?.kind === 'number' ? value.value : undefined;
      },
    };
  }

  environment(document: AsmDocument): SymbolEnvironment {
    const s = document.structure;
    const external = this.externalResolver(document);
    const predefined = this.predefinedFor(document);
    return {
      resolve: (name, line) => {
        const qualified = s.qualify(name, line);
        if (s.constants.has(qualified) || s.fieldOffsets.has(qualified)) {
          const value = s.constantValue(qualified, external);
          return value ? { value, constant: name } : undefined;
        }
        if (s.definitions.has(qualified) || s.externs.has(qualified)) {
          return { value: { kind: 'address', anchor: qualified, offset: 0n } };
        }
        // A number the build defines (-DLOG_FD=2) and no %define of this unit replaces.
        const fromBuild = predefined.get(name);
        if (fromBuild !== undefined && !this.unit(document).some((d) => d.structure.constants.has(name))) return { value: num(fromBuild), constant: name };
        const value = external(name);
        if (value) return { value: value.kind === 'number' ? value : { kind: 'address', anchor: name, offset: 0n }, constant: name };
        // A label of another file of the unit (`one_constant: resq 1` in bss.asm) is a symbolic address.
        if (this.unit(document).some((d) => d !== document && d.structure.definitions.get(name)?.some((x) => x.kind === 'label'))) {
          return { value: { kind: 'address', anchor: name, offset: 0n } };
        }
        return undefined;
      },
      isMacro: (name) => this.macro(document, name) !== undefined,
    };
  }

  /**
   * Definitions of `name` as seen from `document` at `line`: this file (local labels scoped), the
   * other files of its unit, and — for names declared global/extern — every file of the workspace.
   */
  findDefinitions(document: AsmDocument, name: string, line: number): FoundDefinition[] {
    const qualified = document.structure.qualify(name, line);
    for (const source of this.unit(document)) {
      const found = source.structure.definitions.get(qualified);
      if (found) return found.map((symbol) => ({ document: source, symbol }));
    }
    if (document.structure.externs.has(name) || document.structure.globals.has(name)) {
      const results: FoundDefinition[] = [];
      for (const other of this.all()) {
        if (other === document || !other.structure.globals.has(name) || !this.linkable(document, other)) continue;
        for (const symbol of other.structure.definitions.get(name) ?? []) results.push({ document: other, symbol });
      }
      return results;
    }
    return [];
  }

  /**
   * Whether a global of one file can be what an extern of the other names: not when they belong to
   * different programs. A file belongs to the program of the nearest folder, from its own up to the
   * folder the two share, that holds an entry point (a file defining a global `_start` or `main`, or a
   * C, C++ or Rust source defining `main`). Course repositories keep one program per folder: there,
   * `extern message` is the function of the C file beside it, not another folder's global `message`.
   */
  linkable(a: AsmDocument, b: AsmDocument): boolean {
    const fileA = uriToPath(a.uri);
    const fileB = uriToPath(b.uri);
    if (!fileA || !fileB) return true;
    const dirA = path.dirname(fileA);
    const dirB = path.dirname(fileB);
    if (dirA === dirB) return true;
    const shared = commonFolder(dirA, dirB);
    const programA = this.programFolder(dirA, shared);
    const programB = programA === undefined ? undefined : this.programFolder(dirB, shared);
    return programA === undefined || programB === undefined || programA === programB;
  }

  /** The nearest folder from `dir` up to `top` that holds an entry point. */
  private programFolder(dir: string, top: string): string | undefined {
    for (let folder = dir; ; folder = path.dirname(folder)) {
      if (this.holdsEntry(folder)) return folder;
      if (folder === top || path.dirname(folder) === folder || !folder.startsWith(top)) return undefined;
    }
  }

  private holdsEntry(folder: string): boolean {
    for (const document of this.documents.values()) {
      const { globals, definitions } = document.structure;
      if (!(globals.has('_start') && definitions.has('_start')) && !(globals.has('main') && definitions.has('main'))) continue;
      const file = uriToPath(document.uri);
      if (file && path.dirname(file) === folder) return true;
    }
    return sourceDefinesMain(folder);
  }
}

function commonFolder(a: string, b: string): string {
  let folder = a;
  while (!(b === folder || b.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep))) {
    const parent = path.dirname(folder);
    if (parent === folder) return folder;
    folder = parent;
  }
  return folder;
}

const MAIN_SOURCE = /\.(?:c|cc|cpp|cxx|rs)$/;
/** `main(...) {` or `fn main() {`: a definition, not a prototype or a call. */
const MAIN_DEFINITION = /\bmain\s*\([^;{]*\)\s*\{/;
const mainInFolder = new Map<string, { mtimeMs: number; defines: boolean }>();

/** Whether a C, C++ or Rust source directly in `folder` defines `main` (cached until the folder changes). */
function sourceDefinesMain(folder: string): boolean {
  let mtimeMs: number;
  try { mtimeMs = statSync(folder).mtimeMs; } catch { return false; }
  const cached = mainInFolder.get(folder);
  if (cached?.mtimeMs === mtimeMs) return cached.defines;
  let defines = false;
  try {
    for (const name of readdirSync(folder)) {
      if (!MAIN_SOURCE.test(name)) continue;
      const text = readTextFile(path.join(folder, name));
      if (text && MAIN_DEFINITION.test(text)) { defines = true; break; }
    }
  } catch { /* an unreadable folder holds no entry we can see */ }
  if (mainInFolder.size >= 10_000) mainInFolder.clear();
  mainInFolder.set(folder, { mtimeMs, defines });
  return defines;
}

function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** Files, but also FIFOs and devices, which the include policy then refuses by name. */
function existsNotFolder(file: string): boolean {
  try { return !statSync(file).isDirectory(); } catch { return false; }
}

function readTextFile(file: string): string | undefined {
  try {
    if (statSync(file).size > MAX_FILE_BYTES) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
