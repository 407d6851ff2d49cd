// Splits a document into basic blocks and keeps each block's dataflow until one of its lines changes.
import type { AsmDocument } from '../../nasm/document/document';
import { replaceRange } from '../../nasm/document/lists';
import { LINE_INACTIVE } from '../../nasm/document/structure';
import type { Statement } from '../../nasm/parser/statement';
import { endsBlock } from '../../nasm/parser/vocabulary';
import { analyzeBlock, movedBlock, type BlockAnalysis, type SymbolEnvironment } from './dataflow';
import type { MacroSource } from './macroExpansion';
import { recordingEnvironment, stillMeansTheSame, type Meanings, type NameUse } from './nameUses';
import { blockIndexAt, ProgramAnalysis } from './program';

/** A label is a jump target; %macro/%if lines change what runs next. Either starts a new block. */
export function startsBlock(statement: Statement): boolean {
  if (statement.label && statement.kind !== 'equ') return true;
  if (statement.kind !== 'preprocessor') return false;
  const name = statement.keyword!.name;
  return name.startsWith('%if') || name.startsWith('%el') || name === '%endif' || name === '%macro' || name === '%imacro'
    || name === '%endmacro' || name === '%rep' || name === '%endrep';
}

/** Jumps, calls and returns end the block they are in. */
export function endsBlockAfter(statement: Statement): boolean {
  return statement.kind === 'instruction' && endsBlock(statement.keyword!.name);
}

interface CacheEntry {
  /** The block's lines (document.lineId): any of them edited, or one added or removed, and the entry is stale. */
  lines: number[];
  generation: number;
  analysis: BlockAnalysis;
  /** Every name lookup the analysis made: if they all still mean the same, so does the analysis. */
  resolutions: NameUse[];
  /** Inactive/macro flags and the `bits` mode of the block's lines when it was analysed. */
  layout: Layout;
}

/** What besides its own lines decides a block's analysis: inactive lines and the bits mode. */
interface Layout { bits: number; flags: Uint8Array }

/**
 * The blocks from index `from` on, at lines `delta` further, in place: every position in a block is kept
 * against it (see dataflow.ts), so its start and end are all that move. A walk of its own, not inside
 * noteEdit: a small function is quick to compile once it runs often.
 */
function moveBlocks(blocks: readonly BlockAnalysis[], from: number, delta: number): void {
  for (let i = from; i < blocks.length; i++) {
    const analysis = blocks[i]!;
    analysis.start += delta;
    analysis.end += delta;
  }
}

function sameBlocks(a: readonly BlockAnalysis[], b: readonly BlockAnalysis[]): boolean {
  return a.length === b.length && a.every((block, i) => block === b[i]);
}

export interface AnalysisContext {
  environment: SymbolEnvironment;
  /** Changes whenever any name's meaning may have changed (this document's or an include's structure). */
  generation: number;
  /** 64 or 32 when the file does not say. */
  defaultBits: number;
  /** Macros visible from the document (its own and its includes'), for expanding invocations. */
  macros?: MacroSource;
  /** Names the macros other files define for this one (see ProgramInput.macroScope). */
  macroScope?: () => string;
  /** The names whose meaning may have changed since generation `since`; undefined when any may have. */
  changedNames?: (since: number) => ReadonlySet<string> | undefined;
}

export class DocumentAnalysis {
  // Keyed by the identity of the block's first non-empty line: it survives lines being inserted above.
  private cache = new Map<number, CacheEntry>();

  constructor(private readonly document: AsmDocument, private readonly context: () => AnalysisContext) {
    document.onEdit((effect) => this.noteEdit(effect.firstLine, effect.removedLines, effect.insertedLines));
  }

  private blockEnd(start: number): number {
    const last = this.document.lineCount - 1;
    let line = start;
    while (line < last) {
      if (endsBlockAfter(this.document.statement(line))) return line;
      if (startsBlock(this.document.statement(line + 1))) return line;
      line++;
    }
    return last;
  }

  private blockStart(line: number): number {
    let start = Math.max(0, Math.min(line, this.document.lineCount - 1));
    while (start > 0 && !startsBlock(this.document.statement(start)) && !endsBlockAfter(this.document.statement(start - 1))) start--;
    return start;
  }

  private analyze(start: number, end: number, context = this.context()): BlockAnalysis {
    const document = this.document;
    const key = this.keyOf(start, end);
    if (key === undefined) return { start, end, sites: [], clobberedReads: [], writes: [], touched: 0, exit: { falls: true } };
    const cached = this.cache.get(key);
    const structure = document.structure;
    const bits = structure.bitsAt(start, context.defaultBits);
    if (cached && cached.lines.length === end - start + 1) {
      let same = this.sameLayout(cached.layout, start, bits);
      for (let i = 0; i < cached.lines.length && same; i++) same = cached.lines[i] === document.lineId(start + i);
      const delta = start - cached.analysis.start;
      // After an edit elsewhere changed some names, re-check only the names this block used.
      if (same && cached.generation !== context.generation) {
        const changed = this.changedNames(context, cached.generation);
        same = stillMeansTheSame(cached.resolutions, context, start, this.meaningsOf(context.generation), changed);
        if (same) cached.generation = context.generation;
      }
      if (same) {
        if (delta !== 0) cached.analysis = movedBlock(cached.analysis, start);
        return cached.analysis;
      }
    }
    const lines: number[] = [];
    for (let line = start; line <= end; line++) lines.push(document.lineId(line));
    const resolutions: NameUse[] = [];
    const analysis = analyzeBlock(
      (line) => document.statement(line), start, end, recordingEnvironment(context.environment, resolutions, start, (name, line) => structure.qualify(name, line)),
      (line) => !(structure.lineFlags[line]! & LINE_INACTIVE),
    );
    const layout = { bits, flags: structure.lineFlags.slice(start, end + 1) };
    this.cache.set(key, { lines, generation: context.generation, analysis, resolutions, layout });
    this.indexUses(key, resolutions);
    return analysis;
  }

  private namesSince: { generation: number; version: number; since: Map<number, ReadonlySet<string> | undefined> } | undefined;
  /**
   * The names changed since `since`, asked once per generation and structure version (a hover checks a
   * block on every first visit; the structure may be rebuilt within a generation for other files' macros).
   */
  private changedNames(context: AnalysisContext, since: number): ReadonlySet<string> | undefined {
    if (!context.changedNames) return undefined;
    const version = this.document.structureVersion;
    if (this.namesSince?.generation !== context.generation || this.namesSince.version !== version) {
      this.namesSince = { generation: context.generation, version, since: new Map() };
    }
    const known = this.namesSince.since;
    if (!known.has(since)) known.set(since, context.changedNames(since));
    return known.get(since);
  }

  private meanings: { generation: number; meanings: Meanings } | undefined;
  /** What names mean in this generation of the names (see stillMeansTheSame). */
  private meaningsOf(generation: number): Meanings {
    if (this.meanings?.generation !== generation) this.meanings = { generation, meanings: new Map() };
    return this.meanings.meanings;
  }

  /** The cache key of a block: the identity of its first non-empty line. */
  private keyOf(start: number, end: number): number | undefined {
    for (let line = start; line <= end; line++) if (this.document.statement(line).kind !== 'empty') return this.document.lineId(line);
    return undefined;
  }

  /** Cache keys of the blocks that looked up each name (or a local name under each scope); may name blocks since gone. */
  private uses = new Map<string, Set<number>>();

  private indexUses(key: number, resolutions: readonly NameUse[]): void {
    const add = (name: string) => { const keys = this.uses.get(name); if (keys) keys.add(key); else this.uses.set(name, new Set([key])); };
    for (const r of resolutions) { add(r.qualified); if (r.scope) add(r.scope); }
  }

  /**
   * After names changed (and nothing else), checks again only the listed blocks that looked one of
   * them up; the block list keeps every other block.
   */
  private recheck(blocks: BlockAnalysis[], names: ReadonlySet<string>, context: AnalysisContext): void {
    const keys = new Set<number>();
    for (const name of names) for (const key of this.uses.get(name) ?? []) keys.add(key);
    for (const key of keys) {
      const block = this.cache.get(key)?.analysis;
      if (!block) continue;
      const i = blockIndexAt(blocks, block.start);
      if (blocks[i] !== block) continue;
      blocks[i] = this.analyze(block.start, block.end, context);
      if (blocks[i] !== block) this.blocksVersion++;
    }
  }

  /** Drops the entries of blocks that are gone, once there are many. */
  private pruneCache(blocks: readonly BlockAnalysis[]): void {
    if (this.cache.size <= 2 * blocks.length + 256) return;
    const kept = new Map<number, CacheEntry>();
    for (const block of blocks) {
      const key = this.keyOf(block.start, block.end);
      const entry = key === undefined ? undefined : this.cache.get(key);
      if (entry?.analysis === block) kept.set(key!, entry);
    }
    this.cache = kept;
    this.uses = new Map();
    for (const [key, entry] of kept) this.indexUses(key, entry.resolutions);
  }

  private sameLayout(layout: Layout, start: number, bits: number): boolean {
    if (layout.bits !== bits) return false;
    const flags = this.document.structure.lineFlags;
    for (let k = 0; k < layout.flags.length; k++) if (layout.flags[k] !== flags[start + k]) return false;
    return true;
  }

  /** The basic block containing `line`. */
  blockAt(line: number): BlockAnalysis {
    const start = this.blockStart(line);
    return this.analyze(start, this.blockEnd(start));
  }

  /** Every block of the document, in order; unchanged blocks come from the cache. */
  allBlocks(): BlockAnalysis[] {
    const context = this.context();
    const previous = this.blockList;
    if (previous && previous.lineCount === this.document.lineCount) {
      // The same names, or only names of this document changed: the list is kept, the edited lines
      // re-split and the blocks that used a changed name checked again.
      const names = previous.generation === context.generation ? undefined : this.changedNames(context, previous.generation);
      if (previous.generation === context.generation || names) {
        // Nothing edited and no name changed: the list is as the program last saw it.
        if (!this.dirty && !names) { this.pruneCache(previous.blocks); return previous.blocks; }
        if (this.dirty) this.patchBlocks(previous.blocks, context);
        this.dirty = undefined;
        if (names) this.recheck(previous.blocks, names, context);
        previous.generation = context.generation;
        this.pruneCache(previous.blocks);
        return previous.blocks;
      }
    }
    const blocks: BlockAnalysis[] = [];
    let start = 0;
    const count = this.document.lineCount;
    while (start < count) {
      const end = this.blockEnd(start);
      blocks.push(this.analyze(start, end, context));
      start = end + 1;
    }
    this.blockList = { blocks, generation: context.generation, lineCount: count };
    // Made anew, the list may still hold the program's blocks (a name change that changed no block).
    const cached = this.programCache;
    if (cached && sameBlocks(blocks, cached.program.blocks)) this.blocksVersion = cached.blocksVersion; else this.blocksVersion++;
    this.dirty = undefined;
    this.pruneCache(blocks);
    return blocks;
  }

  /**
   * Bumped whenever the block list changes (made anew, a block replaced, blocks added or removed): the
   * program is made again only then, without comparing every block with the program's.
   */
  private blocksVersion = 0;

  private programCache: { generation: number; blocksVersion: number; sections: string; program: ProgramAnalysis } | undefined;

  /** Values through the whole document (see program.ts); rebuilt when any block or name changed. */
  program(): ProgramAnalysis {
    const blocks = this.allBlocks();
    const context = this.context();
    const cached = this.programCache;
    if (cached && cached.generation === context.generation && cached.blocksVersion === this.blocksVersion) return cached.program;
    // Components whose blocks are the same objects as before keep their results: a block object is
    // replaced whenever its lines or the meaning of a name it uses change.
    // The program keeps its own list: the block list is patched in place by later edits.
    const own = [...blocks];
    // Which sections there are decides which blocks are data (see ProgramAnalysis.dataMacros): a
    // section added, removed or renamed analyses the program afresh.
    const sections = this.document.structure.sections.map((section) => section.name).join('\u0000');
    const previous = cached && cached.sections === sections ? cached : undefined;
    const changedNames = previous ? this.changedNames(context, previous.generation) : undefined;
    const program = new ProgramAnalysis({
      document: this.document, blocks: own, environment: context.environment,
      macros: context.macros ?? { find: () => undefined, isDefined: () => false, constant: () => undefined },
      ...(context.macroScope ? { macroScope: context.macroScope() } : {}),
      ...(previous ? { previous: previous.program } : {}),
      ...(changedNames ? { changedNames } : {}),
    });
    this.programCache = { generation: context.generation, blocksVersion: this.blocksVersion, sections, program };
    return program;
  }

  private blockList: { blocks: BlockAnalysis[]; generation: number; lineCount: number } | undefined;

  /** Lines to re-split: the block holding `from` (from `start` on, when given) up to `to`, at least. */
  private dirty: { from: number; to: number; start?: number } | undefined;

  /**
   * Called for every edit. A same-line-count edit dirties its lines. One that adds or removes lines
   * takes the blocks it touched out of the list and moves the blocks after it (in place, so they keep
   * their identity and cache entries); a second such edit before the list is used again drops the list.
   */
  noteEdit(firstLine: number, removedLines: number, insertedLines: number): void {
    const list = this.blockList;
    if (!list) return;
    const to = firstLine + insertedLines - 1;
    if (removedLines === insertedLines) {
      if (this.dirty?.start !== undefined) { this.blockList = undefined; this.dirty = undefined; return; }
      this.dirty = this.dirty ? { from: Math.min(this.dirty.from, firstLine), to: Math.max(this.dirty.to, to) } : { from: firstLine, to };
      return;
    }
    if (this.dirty) { this.blockList = undefined; this.dirty = undefined; return; }
    const blocks = list.blocks;
    const delta = insertedLines - removedLines;
    const oldEnd = firstLine + removedLines;
    // From the block holding the line before the edit (its end may move) to the last one touching the edit.
    const from = blockIndexAt(blocks, Math.max(0, firstLine - 1));
    let after = from;
    while (after < blocks.length && blocks[after]!.start < oldEnd) after++;
    const start = blocks[from]?.start ?? 0;
    blocks.splice(from, after - from);
    moveBlocks(blocks, from, delta);
    this.blocksVersion++;
    list.lineCount = this.document.lineCount;
    this.dirty = { from: firstLine, to, start: Math.min(start, firstLine) };
  }

  /**
   * Re-splits only the blocks around the dirty lines, until the new boundaries meet the old ones.
   * Returns whether the control flow (extents, exits, written registers) changed.
   */
  private patchBlocks(blocks: BlockAnalysis[], context: AnalysisContext): void {
    const { from, to } = this.dirty!;
    // The first block that contains or follows the line before the edit (its end may move); after a
    // line-moving edit, the blocks it touched are out of the list already and re-splitting starts at `start`.
    const firstIndex = blockIndexAt(blocks, Math.max(0, from - 1));
    const replacement: BlockAnalysis[] = [];
    let start = this.dirty!.start ?? blocks[firstIndex]!.start;
    let resumeIndex = blocks.length;
    const count = this.document.lineCount;
    // The old blocks' starts are in order: one index walks them as the new boundaries advance.
    let old = firstIndex;
    while (start < count) {
      while (old < blocks.length && blocks[old]!.start < start) old++;
      if (start > to + 1 && old < blocks.length && blocks[old]!.start === start) { resumeIndex = old; break; }
      const end = this.blockEnd(start);
      replacement.push(this.analyze(start, end, context));
      start = end + 1;
    }
    if (replacement.length !== resumeIndex - firstIndex || replacement.some((block, k) => block !== blocks[firstIndex + k])) this.blocksVersion++;
    replaceRange(blocks, firstIndex, resumeIndex, replacement);
  }
}
