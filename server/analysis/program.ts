// Values through the whole document: a fixpoint over the control-flow graph of basic blocks, with
// states joined where paths merge, procedures entered from every caller (call/ret summaries),
// named memory slots shared across procedures, and the kernel's initial stack at `_start`.
import type { AsmDocument } from '../../nasm/document/document';
import { firstAtOrAfter } from '../../nasm/document/lists';
import { LINE_IN_MACRO, LINE_INACTIVE } from '../../nasm/document/structure';
import type { Statement } from '../../nasm/parser/statement';
import { REGISTERS } from '../../nasm/parser/vocabulary';
import type { BlockAnalysis, SymbolEnvironment } from './dataflow';
import {
  copyState, FAMILIES, familyIndex, freshState, Interpreter, joinStates, refineStateBySign, sameState,
  type MachineState, type ProgramContext, type SiteState,
} from './interpreter';
import { expandMacroCall, type MacroSource } from './macroExpansion';
import { nameUse, stillMeansTheSame, symbolMeaning, type Meanings, type NameUse, type NameUseKind } from './nameUses';
import { join, sameValue, unknown, UNSET, type RegisterValue } from './values';

const NO_SITES: readonly SiteState[] = Object.freeze([]) as readonly SiteState[];

/** Each block is interpreted at most this often; then its entry is widened to "unknown". */
const MAX_VISITS = 40;
/** From this visit on, a register whose entry value changed again is widened at once: loops converge in a few passes. */
const WIDEN_AFTER = 2;
/** Names the kernel jumps to when the program starts. */
const ENTRY_POINTS = new Set(['_start', '..start']);

/**
 * An edge to the block `offset` places further on (negative: back). Kept relative so that blocks added
 * or removed elsewhere leave it as it is: only edges spanning the edited stretch change (spliceFlows).
 */
interface Edge { offset: number; sign?: 'error' | 'nonnegative' }

/** Jumps at most this many blocks away are found by looking around an edit; longer ones are listed (farJumps). */
const NEAR_BLOCKS = 64;

interface BlockFlow {
  successors: Edge[];
  /** The procedure a `call` at the block's end enters, when it is in this document. */
  callee?: string;
  /** The block is inside a %macro body: analysed on its own, it runs where the macro is used. */
  inMacro: boolean;
  /** No instruction or macro call: data, directives or bare labels. Only runs when something reaches it. */
  codeless: boolean;
  /** The label the block starts with, qualified. */
  label?: string;
  /** The label its jump names and the procedure its call names, qualified (known labels or not). */
  target?: string;
  call?: string;
}

function sameBlockFlow(a: BlockFlow, b: BlockFlow, relabeled = false): boolean {
  return a.callee === b.callee && a.inMacro === b.inMacro && a.codeless === b.codeless && a.call === b.call
    && (relabeled || (a.label === b.label && a.target === b.target))
    && a.successors.length === b.successors.length && a.successors.every((e, k) => e.offset === b.successors[k]!.offset && e.sign === b.successors[k]!.sign);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

/** A syscall made inside a procedure or a macro expansion, with the values the caller gave. */
export interface NestedSite { via: string; site: SiteState }

/** A `call` of a procedure of this document, with the state it enters it with. */
export interface CallSite { target: string; state: MachineState; block: BlockAnalysis }

export interface ProgramFacts {
  /**
   * For `call` lines, by the line's identity (document.lineId: it stays while lines move): the
   * syscalls the procedure makes with this caller's values.
   */
  callSites: Map<number, CallSite>;
  /** How many call sites enter each procedure. */
  callers: Map<string, number>;
}

export interface ProgramInput {
  document: AsmDocument;
  blocks: readonly BlockAnalysis[];
  environment: SymbolEnvironment;
  macros: MacroSource;
  /** The analysis before the last edit: its results for unchanged components are kept. */
  previous?: ProgramAnalysis;
  /** Changes whenever the macros other files define for this one may have (an include added, removed or edited). */
  macroScope?: string;
  /**
   * The names whose meaning may have changed since `previous` (left out: any may have). A block the
   * edit did not touch may still invoke a macro whose expansion uses one of them.
   */
  changedNames?: ReadonlySet<string>;
}

/** Names used inside `[…]` in a block: blocks that share one may share a memory slot. */
const slotNamesCache = new WeakMap<BlockAnalysis, string[]>();
function slotNames(document: AsmDocument, block: BlockAnalysis): string[] {
  let names = slotNamesCache.get(block);
  if (names) return names;
  names = [];
  for (let line = block.start; line <= block.end; line++) {
    for (const operand of document.statement(line).operands) {
      if (!operand.memory) continue;
      for (const token of operand.tokens) {
        if (token.kind === 'identifier' && !REGISTERS.has(token.text.toLowerCase()) && !/^(rel|abs)$/i.test(token.text)) names.push(document.structure.qualify(token.text, line));
      }
    }
  }
  slotNamesCache.set(block, names);
  return names;
}

/** The index of the block holding `line` (blocks cover the document in order), or the first after it. */
export function blockIndexAt(blocks: readonly BlockAnalysis[], line: number): number {
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (blocks[mid]!.end < line) lo = mid + 1; else hi = mid; }
  return lo;
}

// The walks over every block that an edit still needs are small functions of their own: the analysis
// that calls them runs once per edit, and a small function is quick to compile once it runs often.

/** How many items two lists start with in common (the same objects). */
function sharedStart<T>(a: readonly T[], b: readonly T[]): number {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  return k;
}

/** How many items two lists end with in common, not counting the first `start` of either. */
function sharedEnd<T>(a: readonly T[], b: readonly T[], start: number): number {
  let k = 0;
  while (k < a.length - start && k < b.length - start && a[a.length - 1 - k] === b[b.length - 1 - k]) k++;
  return k;
}

/** The blocks whose component is one of `roots`, in order. */
function membersOf(component: Int32Array, roots: ReadonlySet<number>): number[] {
  const members: number[] = [];
  for (let i = 0; i < component.length; i++) if (roots.has(component[i]!)) members.push(i);
  return members;
}

/**
 * The union-find parents after old blocks [p, oldEnd) were replaced and `d` more blocks are there:
 * each block `marked` on its own, every other one in its old component, moved.
 */
function movedComponents(old: Int32Array, marked: Uint8Array, p: number, oldEnd: number, d: number): Int32Array {
  const parent = new Int32Array(marked.length);
  for (let i = 0; i < parent.length; i++) {
    if (marked[i]) { parent[i] = i; continue; }
    const root = old[i < p ? i : i - d]!;
    parent[i] = root >= oldEnd ? root + d : root;
  }
  return parent;
}

/** The block naming each slot, moved (see movedComponents); a slot whose block is gone or marked is left out. */
function moveSlotBlocks(slots: Map<string, number>, marked: Uint8Array, p: number, oldEnd: number, d: number): void {
  slots.forEach((o, name) => {
    const i = o < p ? o : o >= oldEnd ? o + d : -1;
    // A slot whose block is gone or runs again: every block naming it is affected and names it again.
    if (i < 0 || marked[i]) slots.delete(name); else if (i !== o) slots.set(name, i);
  });
}

/** Points every block straight at its component's root. */
function flatten(parent: Int32Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] = find(parent, i);
}

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) { parent[i] = parent[parent[i]!]!; i = parent[i]!; }
  return i;
}

function lastInstruction(document: AsmDocument, block: BlockAnalysis): { statement: Statement; line: number } | undefined {
  const flags = document.structure.lineFlags;
  for (let line = block.end; line >= block.start; line--) {
    if (flags[line]! & LINE_INACTIVE) continue;
    const statement = document.statement(line);
    if (statement.kind === 'instruction' || statement.kind === 'macroCall') return { statement, line };
  }
  return undefined;
}

/** Sections that hold data, not code: `.data`, `.bss`, `.rodata` and their `.data.name` forms. */
const DATA_SECTION = /^\.?(?:data|bss|rodata|tdata|tbss)(?:\.|$)/i;

/** Whether `line` is in a data section (the last section line at or before it names one). */
function inDataSection(sections: readonly { name: string; line: number }[], line: number): boolean {
  const found = firstAtOrAfter(sections, line + 1) - 1;
  return found >= 0 && DATA_SECTION.test(sections[found]!.name);
}

/** What a block's own lines say about its flow; a block object never changes, so this is kept with it. */
interface BlockShape { mnemonic?: string; call?: string; codeless: boolean }
const shapes = new WeakMap<BlockAnalysis, BlockShape>();

function blockShape(document: AsmDocument, block: BlockAnalysis): BlockShape {
  const cached = shapes.get(block);
  if (cached) return cached;
  const structure = document.structure;
  const last = lastInstruction(document, block);
  const mnemonic = last?.statement.kind === 'instruction' ? last.statement.keyword!.name : undefined;
  let call: string | undefined;
  if (mnemonic === 'call') {
    const operand = last!.statement.operands[0];
    const name = operand?.tokens.length === 1 && operand.tokens[0]!.kind === 'identifier' && !operand.register ? operand.tokens[0]!.text : undefined;
    if (name) call = structure.qualify(name, last!.line);
  }
  // Data (db/resb) and directives before the code run nothing; a block of bare labels is an entry like any other.
  let code = false;
  let labels = false;
  let other = false;
  for (let line = block.start; line <= block.end && !code; line++) {
    if (structure.lineFlags[line]! & LINE_INACTIVE) continue;
    const kind = document.statement(line).kind;
    if (kind === 'instruction' || kind === 'macroCall') code = true;
    else if (kind === 'label') labels = true;
    else if (kind !== 'empty') other = true;
  }
  const shape: BlockShape = { codeless: !code && !(labels && !other), ...(mnemonic ? { mnemonic } : {}), ...(call ? { call } : {}) };
  shapes.set(block, shape);
  return shape;
}

const TAKEN_SIGN: Record<string, ['error' | 'nonnegative' | undefined, 'error' | 'nonnegative' | undefined]> = {
  // [sign on the jump, sign on the fall-through] after `test rax, rax`.
  js: ['error', 'nonnegative'], jl: ['error', 'nonnegative'], jnge: ['error', 'nonnegative'],
  jns: ['nonnegative', 'error'], jge: ['nonnegative', 'error'], jnl: ['nonnegative', 'error'],
  jg: ['nonnegative', undefined], jnle: ['nonnegative', undefined], jle: [undefined, 'nonnegative'], jng: [undefined, 'nonnegative'],
};

let programSerial = 0;

/** The whole-document analysis. Pure: build it again when the document or its names change. */
export class ProgramAnalysis {
  private flows!: BlockFlow[];
  /**
   * The block each label (qualified) starts, as the block object: it stays the same while blocks are
   * added or removed elsewhere (its index is found by its start line, see indexOfLabel).
   */
  private labelIndex = new Map<string, BlockAnalysis>();
  /** While every flow is made (a whole analysis): each label's block index, so none is searched for. */
  private labelPositions: Map<string, number> | undefined;
  /** Blocks whose jump goes further than NEAR_BLOCKS (maybe more: blocks since gone or changed). */
  private farJumps = new Set<BlockAnalysis>();
  private procedures = new Map<string, { entry: number; blocks: Set<number>; writes: Set<string> }>();
  facts: ProgramFacts = { callSites: new Map(), callers: new Map() };

  // Fixpoint state.
  private entry!: (MachineState | undefined)[];
  private visits!: number[];
  /** The entry state of each block's previous visit, to see what a loop keeps changing. */
  private previous!: (MachineState | undefined)[];
  /** The states each procedure is entered with, by the identity of the calling line (document.lineId). */
  private callStates = new Map<string, Map<number, MachineState>>();
  private returns = new Map<string, MachineState>();
  private stores = new Map<string, RegisterValue>();
  private storeReaders = new Map<string, Set<number>>();
  private procedureCallers = new Map<string, Set<number>>();
  /**
   * Blocks stopped at a call to a procedure that had not returned yet, with that procedure: they go on
   * when it returns. Those still waiting when nothing else is left to visit call a procedure that never
   * returns (or not before they do, as in recursion): the procedure is then given up on, and the code
   * after the call runs with what it changes unknown.
   */
  private waiting = new Map<number, string>();
  private givenUp = new Set<string>();
  /** The procedure the block being visited waits for, when its interpreter halted at a call. */
  private waitedOn = '';
  /** Blocks waiting for a visit; the lowest index goes first, so straight-line code is visited once. */
  private queued!: Uint8Array;
  private lowest = Infinity;
  private pending = 0;
  /** A block that wrote each named slot (to keep the store with its component). */
  private storeOwner = new Map<string, number>();
  /** Blocks whose component is unchanged since the previous analysis: their results were copied. */
  private reused!: Uint8Array;
  /** Each block's component: blocks joined by jumps, calls and shared memory slots. */
  private component!: Int32Array;
  private blockIndexes: Map<BlockAnalysis, number> | undefined;
  /** Each block's index, made when a later analysis asks. */
  private get blockIndex(): Map<BlockAnalysis, number> {
    if (!this.blockIndexes) {
      this.blockIndexes = new Map();
      this.input.blocks.forEach((block, i) => this.blockIndexes!.set(block, i));
    }
    return this.blockIndexes;
  }
  /** How many blocks were analysed again (the rest came from the previous analysis). */
  recomputedBlocks = 0;
  /** Tells analyses apart: see derivedFrom. */
  readonly serial = ++programSerial;
  /**
   * When this analysis was derived from the one with serial `derivedFrom`, the blocks that ran again
   * (`rerunBlocks`, indices): every other block is the same object at its index, with the same site list.
   */
  derivedFrom: number | undefined;
  rerunBlocks: readonly number[] | undefined;
  /** The syscall sites of each block, in order: the same array as long as the block's results stay. */
  private siteLists: (readonly SiteState[] | undefined)[] = [];
  /**
   * The names each block looked up inside the macros it invokes (its own lines' names are in its
   * BlockAnalysis's record): when one means something else, the block's results are not kept.
   */
  private nameUses: (NameUse[] | undefined)[] = [];
  /**
   * Every name (qualified) and scope a lookup in nameUses names, and maybe more (names of blocks since
   * gone): when an edit changed none of them, no block's macro lookups need asking again (staleBlocks).
   */
  private usedNames = new Set<string>();
  /** The lookups already in nameUses, per block, while this analysis runs. */
  private useKeys: Map<number, Set<string>> | undefined = new Map();

  constructor(private readonly input: ProgramInput) {
    const { document, blocks } = input;
    const structure = document.structure;
    this.macroText = (input.macroScope ?? '') + '\u0001' + [...document.structure.macros.values()]
      .map((m) => { let text = ''; for (let l = m.line; l <= m.endLine; l++) text += `${document.lineText(l)}\n`; return text; }).join('\u0000');
    const previous = input.previous;
    // Keep no chain of earlier analyses alive.
    delete input.previous;
    const stale = previous ? this.staleBlocks(previous) : undefined;
    // Blocks moved by lines added or removed above them are the same objects, and every position in the
    // results is kept against its block (LineAnchor): results are taken over whatever the lines moved.
    const members = previous ? this.derive(previous, stale!) : undefined;
    if (members) { this.derivedFrom = previous!.serial; this.rerunBlocks = members; this.run(members); return; }
    this.labelIndex = new Map();
    this.farJumps = new Set();
    const positions = new Map<string, number>();
    blocks.forEach((block, i) => {
      const label = document.statement(block.start).label;
      if (!label) return;
      const name = structure.qualify(label.text, block.start);
      this.labelIndex.set(name, block);
      positions.set(name, i);
    });
    this.labelPositions = positions;
    this.flows = blocks.map((block, i) => this.flowOf(block, i));
    this.findProcedures();
    this.labelPositions = undefined;
    this.entry = blocks.map(() => undefined);
    this.siteLists = blocks.map(() => undefined);
    this.nameUses = blocks.map(() => undefined);
    this.visits = blocks.map(() => 0);
    this.previous = blocks.map(() => undefined);
    this.queued = new Uint8Array(blocks.length);
    this.reused = new Uint8Array(blocks.length);
    this.component = this.components();
    if (previous) this.reuse(previous, stale!);
    this.run();
  }

  /** The blocks of `previous` that invoke a macro whose expansion looked up a name that now means something else. */
  private staleBlocks(previous: ProgramAnalysis): Set<BlockAnalysis> {
    const stale = new Set<BlockAnalysis>();
    const sources = { environment: this.input.environment, macros: this.input.macros };
    const meanings: Meanings = new Map();
    const changed = this.input.changedNames;
    if (changed && ![...changed].some((name) => previous.usedNames.has(name))) return stale;
    previous.nameUses.forEach((uses, o) => {
      const block = previous.input.blocks[o]!;
      if (uses && !stillMeansTheSame(uses, sources, block.start, meanings, this.input.changedNames)) stale.add(block);
    });
    return stale;
  }

  /**
   * After an edit that replaced a few blocks but changed none of their labels, flow, named slots or
   * written registers, the components stay as they were: everything is taken over from `previous`
   * (copies of its tables, so it stays valid) except the state of the replaced blocks' components,
   * which run again. Returns those components' blocks, or undefined when the edit changed more.
   */
  private derive(previous: ProgramAnalysis, stale: ReadonlySet<BlockAnalysis>): number[] | undefined {
    if (previous.macroText !== this.macroText) return undefined;
    const changed = this.input.blocks.length === previous.input.blocks.length ? this.keepFlows(previous, stale) : this.spliceFlows(previous, stale);
    if (!changed) return undefined;
    return this.takeOver(previous, changed);
  }

  /**
   * After an edit that replaced a few blocks (same count, same extents) changing no flow but labels:
   * the flow table with those blocks' flows; undefined when the edit changed more.
   */
  private keepFlows(previous: ProgramAnalysis, stale: ReadonlySet<BlockAnalysis>): number[] | undefined {
    const { document, blocks } = this.input;
    const before = previous.input.blocks;
    // Outside the stretch where the lists differ, only the stale blocks.
    const p = sharedStart(blocks, before);
    const end = blocks.length - sharedEnd(blocks, before, p);
    let changed: number[] = [];
    for (let i = p; i < end; i++) {
      if (blocks[i] === before[i] && !stale.has(blocks[i]!)) continue;
      if (changed.push(i) > 64) return undefined;
    }
    for (const block of stale) {
      const i = blockIndexAt(blocks, block.start);
      if (blocks[i] === block && (i < p || i >= end) && changed.push(i) > 64) return undefined;
    }
    changed.sort((a, b) => a - b);
    for (const i of changed) {
      const block = blocks[i]!;
      const old = before[i]!;
      if (block.start !== old.start || block.end !== old.end || block.touched !== old.touched) return undefined;
      if (!sameList(slotNames(document, block), slotNames(document, old))) return undefined;
    }
    const relabeled = this.relabel(previous, changed);
    if (!relabeled) return undefined;
    this.labelIndex = relabeled.labelIndex;
    this.farJumps = previous.farJumps;
    for (const i of changed) this.farJumps.delete(before[i]!);
    const flows = new Map<number, BlockFlow>();
    for (const i of new Set([...changed, ...relabeled.scope])) {
      const flow = this.flowOf(blocks[i]!, i);
      const old = previous.flows[i]!;
      // Only a label may differ (a renamed label, or a local label whose scope was renamed).
      if (!sameBlockFlow(flow, old, true)) return undefined;
      flows.set(i, flow);
    }
    changed = [...flows.keys()];
    // From here on the derivation holds: `previous`'s per-block tables are taken over, not copied (a
    // 100 000-line file has 20 000 blocks); `previous` is not asked again once a later analysis is made from it.
    this.flows = previous.flows;
    const counts = previous.targetCounts;
    previous.targetCounts = undefined;
    for (const [i, flow] of flows) {
      if (counts) {
        for (const name of [this.flows[i]!.target, this.flows[i]!.call]) if (name !== undefined) counts.set(name, counts.get(name)! - 1);
        for (const name of [flow.target, flow.call]) if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      this.flows[i] = flow;
    }
    this.targetCounts = counts;
    this.procedures = previous.procedures;
    this.component = previous.component;
    this.componentSizes = previous.componentSizes;
    this.slotBlocks = previous.slotBlocks;
    return changed;
  }

  /**
   * After an edit that added or removed blocks in one place (a label line inserted or removed): the
   * tables of `previous` with that stretch spliced in and the indices after it moved, when no block
   * outside it names a label the edit added or removed and no procedure reaches into it. Blocks whose
   * flow is made again (the stretch, the block before it, jumps into it, local labels whose scope
   * moved) are returned; undefined when the edit changed more.
   */
  private spliceFlows(previous: ProgramAnalysis, stale: ReadonlySet<BlockAnalysis>): number[] | undefined {
    const { document, blocks } = this.input;
    const before = previous.input.blocks;
    const n = blocks.length;
    const m = before.length;
    const d = n - m;
    const p = sharedStart(blocks, before);
    const s = sharedEnd(blocks, before, p);
    const newEnd = n - s;
    const oldEnd = m - s;
    if (newEnd - p > 64 || oldEnd - p > 64) return undefined;
    const structure = document.structure;
    const labelAt = (i: number) => {
      const label = document.statement(blocks[i]!.start).label;
      return label ? { kind: label.kind, name: structure.qualify(label.text, blocks[i]!.start) } : undefined;
    };
    // Labels the edit removes and adds: those of the stretch, and of the blocks after it up to the next
    // global label (their local labels follow the scope the stretch may have opened or closed).
    const removed: string[] = [];
    const added: { name: string; at: number }[] = [];
    for (let o = p; o < oldEnd; o++) { const name = previous.flows[o]!.label; if (name !== undefined) removed.push(name); }
    for (let i = p; i < newEnd; i++) { const label = labelAt(i); if (label) added.push({ name: label.name, at: i }); }
    // The blocks after the stretch up to the next global label: their local labels and the local labels
    // they jump to are qualified by the scope open there, which the stretch may have changed.
    const rescoped: number[] = [];
    for (let i = newEnd; i < n; i++) {
      if (this.opensScope(i)) break;
      const label = labelAt(i);
      if (rescoped.length >= 256) return undefined;
      rescoped.push(i);
      const old = previous.flows[i - d]!.label;
      if (label?.name === old) continue;
      if (old !== undefined) removed.push(old);
      if (label) added.push({ name: label.name, at: i });
    }
    const names = new Set([...removed, ...added.map((a) => a.name)]);
    for (const name of names) if (previous.procedures.has(name) || ENTRY_POINTS.has(name)) return undefined;
    // Nothing outside the stretch (and the rescoped blocks) may jump to or call a name that comes or goes.
    // A label that stays (on a new block of the stretch: a label line split its block) keeps its jumps:
    // every edge into the old stretch is made again with its flow, below.
    const stays = new Set(added.map((a) => a.name).filter((name) => removed.includes(name)));
    const comesOrGoes = new Set([...names].filter((name) => !stays.has(name)));
    const inside = new Map<string, number>();
    const oldIndexes = [...Array.from({ length: oldEnd - p }, (_, k) => p + k), ...rescoped.map((i) => i - d)];
    for (const o of oldIndexes) {
      const flow = previous.flows[o]!;
      for (const name of [flow.target, flow.call]) if (name !== undefined && comesOrGoes.has(name)) inside.set(name, (inside.get(name) ?? 0) + 1);
    }
    const named = previous.namedTargets();
    for (const name of comesOrGoes) if ((named.get(name) ?? 0) > (inside.get(name) ?? 0)) return undefined;
    // A procedure that reaches the stretch (or the block falling into it) changes its members and what it writes.
    const first = Math.max(0, p - 1);
    for (const procedure of previous.procedures.values()) {
      for (let o = first; o < oldEnd; o++) if (procedure.blocks.has(o)) return undefined;
      for (const i of rescoped) if (procedure.blocks.has(i - d)) return undefined;
    }
    // A label defined twice (the last one wins: a whole pass's question). Blocks after the stretch are the same objects.
    const removedNames = new Set(removed);
    const oldBlocks = new Set([...before.slice(p, oldEnd), ...rescoped.map((i) => blocks[i]!)]);
    for (const name of removed) {
      const block = previous.labelIndex.get(name);
      if (block === undefined || !oldBlocks.has(block)) return undefined;
    }
    // A call in or out of the stretch makes or unmakes a procedure: left to a whole pass.
    for (let o = p; o < oldEnd; o++) if (previous.flows[o]!.call !== undefined) return undefined;
    for (let i = p; i < newEnd; i++) if (blockShape(document, blocks[i]!).call !== undefined) return undefined;
    if (added.some((a, k) => added.findIndex((b) => b.name === a.name) !== k || (previous.labelIndex.has(a.name) && !removedNames.has(a.name)))) return undefined;
    // From here on `previous`'s tables are taken over and changed in place (see derive).
    const moved = (o: number) => (o >= oldEnd ? o + d : o);
    // Labels are kept against their block objects: only those of the stretch and the rescoped blocks change.
    const labelIndex = previous.labelIndex;
    previous.labelIndex = new Map();
    for (const name of removed) labelIndex.delete(name);
    for (const { name, at } of added) labelIndex.set(name, blocks[at]!);
    this.labelIndex = labelIndex;
    const farJumps = previous.farJumps;
    previous.farJumps = new Set();
    for (let o = p; o < oldEnd; o++) farJumps.delete(before[o]!);
    this.farJumps = farJumps;
    const flows = previous.flows;
    const counts = previous.namedTargets();
    previous.targetCounts = undefined;
    const count = (flow: BlockFlow, by: number) => { for (const name of [flow.target, flow.call]) if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + by); };
    for (let o = p; o < oldEnd; o++) count(flows[o]!, -1);
    const region: BlockFlow[] = [];
    for (let i = p; i < newEnd; i++) region.push(this.flowOf(blocks[i]!, i));
    flows.splice(p, oldEnd - p, ...region);
    for (const flow of region) count(flow, 1);
    // Edges are relative: only those spanning the stretch change length, and an edge into the old stretch
    // is made again with its flow. Such an edge starts near the stretch or is a far jump.
    const refresh = new Set<number>(rescoped);
    if (p > 0) refresh.add(p - 1);
    const sources = new Set<number>();
    for (let i = Math.max(0, p - NEAR_BLOCKS); i < p; i++) sources.add(i);
    for (let i = newEnd; i < Math.min(n, newEnd + NEAR_BLOCKS); i++) sources.add(i);
    for (const block of farJumps) {
      const i = blockIndexAt(blocks, block.start);
      if (blocks[i] !== block) farJumps.delete(block); // gone, or replaced by a block with its own flow
      else if (i < p || i >= newEnd) sources.add(i);
    }
    for (const i of sources) {
      const o = i < p ? i : i - d;
      for (const edge of flows[i]!.successors) {
        const to = o + edge.offset;
        if (to >= p && to < oldEnd) refresh.add(i);
        else if (o < p && to >= oldEnd) edge.offset += d;
        else if (o >= oldEnd && to < p) edge.offset -= d;
        else continue;
        if (Math.abs(edge.offset) > NEAR_BLOCKS) farJumps.add(blocks[i]!);
      }
    }
    for (const i of refresh) { count(flows[i]!, -1); flows[i] = this.flowOf(blocks[i]!, i); count(flows[i]!, 1); }
    this.flows = flows;
    this.targetCounts = counts;
    // Procedures lie outside the stretch: their entries and members move.
    for (const procedure of previous.procedures.values()) {
      procedure.entry = moved(procedure.entry);
      if (d !== 0 && [...procedure.blocks].some((o) => o >= oldEnd)) procedure.blocks = new Set([...procedure.blocks].map(moved));
    }
    this.procedures = previous.procedures;
    const fresh = <T>(fill: T) => Array.from({ length: newEnd - p }, () => fill);
    previous.entry.splice(p, oldEnd - p, ...fresh(undefined));
    previous.siteLists.splice(p, oldEnd - p, ...fresh(undefined));
    previous.nameUses.splice(p, oldEnd - p, ...fresh(undefined));
    previous.visits.splice(p, oldEnd - p, ...fresh(0));
    previous.previous.splice(p, oldEnd - p, ...fresh(undefined));
    // Tables by block index: blocks of the stretch are gone (their components run again).
    const remap = (set: Set<number>) => new Set([...set].filter((o) => o < p || o >= oldEnd).map(moved));
    for (const [name, callers] of previous.procedureCallers) previous.procedureCallers.set(name, remap(callers));
    for (const [slot, readers] of previous.storeReaders) previous.storeReaders.set(slot, remap(readers));
    for (const [slot, owner] of previous.storeOwner) {
      if (owner >= p && owner < oldEnd) previous.storeOwner.delete(slot); else previous.storeOwner.set(slot, moved(owner));
    }
    // The blocks that shared a component with the stretch or a block whose flow changed run again: a value
    // one of them took from a block now gone (a jump, a slot) is not theirs any more.
    const oldRoots = new Set<number>();
    for (let o = p; o < oldEnd; o++) oldRoots.add(previous.component[o]!);
    for (const i of refresh) oldRoots.add(previous.component[i < p ? i : i - d]!);
    const changed = new Set<number>([...Array.from({ length: newEnd - p }, (_, k) => p + k), ...refresh]);
    for (const o of membersOf(previous.component, oldRoots)) if (o < p || o >= oldEnd) changed.add(moved(o));
    this.component = this.spliceComponents(previous, p, oldEnd, d, changed);
    this.componentSizes = undefined;
    if (stale.size) for (let i = 0; i < n; i++) if (stale.has(blocks[i]!)) changed.add(i);
    return [...changed];
  }

  /**
   * Whether block `i` starts with a label that opens a scope for the local labels after it: a global
   * label, not a constant (`len equ 4`) or a bare-word macro call, as the structure's scopes say.
   */
  private opensScope(i: number): boolean {
    const { document, blocks } = this.input;
    const start = blocks[i]!.start;
    const label = document.statement(start).label;
    return !!label && label.kind === 'global' && document.structure.scopeAt(start) === label.text;
  }

  /** The tail of derive, shared: see there. */
  private takeOver(previous: ProgramAnalysis, changed: number[]): number[] {
    const { blocks } = this.input;
    const roots = new Set(changed.map((i) => this.component[i]!));
    this.entry = previous.entry;
    this.siteLists = previous.siteLists;
    this.nameUses = previous.nameUses;
    this.usedNames = previous.usedNames;
    this.visits = previous.visits;
    this.previous = previous.previous;
    this.queued = new Uint8Array(blocks.length);
    this.reused = new Uint8Array(blocks.length).fill(1);
    this.facts = { callSites: new Map(), callers: new Map() };
    const members = membersOf(this.component, roots);
    for (const j of members) {
      this.reused[j] = 0;
      this.entry[j] = undefined;
      this.siteLists[j] = undefined;
      this.nameUses[j] = undefined;
      this.visits[j] = 0;
      this.previous[j] = undefined;
    }
    // The calls of blocks kept (the same object at the same index, outside the components that run again).
    for (const [key, call] of previous.facts.callSites) {
      const at = blockIndexAt(blocks, call.block.start);
      if (blocks[at] === call.block && this.reused[at]) this.facts.callSites.set(key, call);
    }
    // Inner tables are copied too: a visit adds to them.
    for (const [name, states] of previous.callStates) this.callStates.set(name, new Map(states));
    for (const [name, callers] of previous.procedureCallers) this.procedureCallers.set(name, new Set(callers));
    for (const [name, procedure] of this.procedures) {
      if (!roots.has(this.component[procedure.entry]!)) {
        const r = previous.returns.get(name);
        if (r) this.returns.set(name, r);
        if (previous.givenUp.has(name)) this.givenUp.add(name);
        continue;
      }
      this.callStates.delete(name);
      this.procedureCallers.delete(name);
    }
    for (const [slot, owner] of previous.storeOwner) {
      if (roots.has(this.component[owner]!)) continue;
      this.storeOwner.set(slot, owner);
      this.stores.set(slot, previous.stores.get(slot)!);
      const readers = previous.storeReaders.get(slot);
      if (readers) this.storeReaders.set(slot, new Set(readers));
    }
    return members;
  }

  /** A block naming each memory slot (the first one, or one kept by spliceComponents): blocks sharing a slot share a component. */
  private slotBlocks = new Map<string, number>();

  /** Union-find over the blocks: what one edit can change is its block's component, nothing else. */
  private components(): Int32Array {
    const parent = new Int32Array(this.input.blocks.length).map((_, i) => i);
    this.slotBlocks = new Map();
    for (let i = 0; i < parent.length; i++) this.joinBlock(parent, i);
    flatten(parent);
    return parent;
  }

  /** Joins block `i` with the blocks its edges, its call and its memory slots reach (see components). */
  private joinBlock(parent: Int32Array, i: number): void {
    const union = (a: number, b: number) => { const x = find(parent, a); const y = find(parent, b); if (x !== y) parent[Math.max(x, y)] = Math.min(x, y); };
    const flow = this.flows[i]!;
    for (const edge of flow.successors) union(i, i + edge.offset);
    if (flow.callee) union(i, this.procedures.get(flow.callee)!.entry);
    for (const name of slotNames(this.input.document, this.input.blocks[i]!)) {
      const other = this.slotBlocks.get(name);
      if (other === undefined) this.slotBlocks.set(name, i); else union(i, other);
    }
  }

  /**
   * The components after spliceFlows, without a pass over every block's flow and slots: a block outside
   * `affected` (the new stretch and every block whose old component held the old stretch or a block
   * whose flow was made again) keeps its old component, moved. Its edges, its call and its slots joined
   * it only with blocks of that component, so none of them reaches an affected block except through a
   * slot a new block of the stretch names: the affected blocks are joined again from their own flows,
   * and a slot's block stays one of the blocks naming it.
   */
  private spliceComponents(previous: ProgramAnalysis, p: number, oldEnd: number, d: number, affected: ReadonlySet<number>): Int32Array {
    const n = this.input.blocks.length;
    const mark = new Uint8Array(n);
    for (const i of affected) mark[i] = 1;
    const parent = movedComponents(previous.component, mark, p, oldEnd, d);
    const slots = previous.slotBlocks;
    previous.slotBlocks = new Map();
    moveSlotBlocks(slots, mark, p, oldEnd, d);
    this.slotBlocks = slots;
    for (const i of affected) this.joinBlock(parent, i);
    flatten(parent);
    return parent;
  }

  /**
   * The text of the document's macro bodies: an invocation runs its macro's body, so when a body
   * changed no earlier result is kept (the invoking block itself did not change).
   */
  private macroText = '';

  /** Copies the results of every component whose blocks are all unchanged (same block objects, same grouping). */
  private reuse(previous: ProgramAnalysis, stale: ReadonlySet<BlockAnalysis>): void {
    const { blocks } = this.input;
    if (previous.macroText !== this.macroText) return;
    const members = new Map<number, number[]>();
    this.component.forEach((root, i) => { const list = members.get(root); if (list) list.push(i); else members.set(root, [i]); });
    for (const list of members.values()) {
      if (list.some((i) => stale.has(blocks[i]!))) continue;
      const old = list.map((i) => previous.blockIndex.get(blocks[i]!));
      if (old.some((o) => o === undefined)) continue;
      const oldRoot = previous.component[old[0]!]!;
      if (old.some((o) => previous.component[o!] !== oldRoot) || previous.componentSize(oldRoot) !== list.length) continue;
      list.forEach((i, k) => {
        const o = old[k]!;
        this.reused[i] = 1;
        this.entry[i] = previous.entry[o];
        this.siteLists[i] = previous.siteLists[o];
        this.nameUses[i] = previous.nameUses[o];
        for (const use of previous.nameUses[o] ?? []) this.noteName(use);
      });
    }
    // A reused block is the same object (its lines moved with it): its calls stay.
    for (const [key, call] of previous.facts.callSites) {
      const now = this.blockIndex.get(call.block);
      if (now !== undefined && this.reused[now]) this.facts.callSites.set(key, call);
    }
    for (const [name, procedure] of this.procedures) {
      if (!this.reused[procedure.entry]) continue;
      const states = previous.callStates.get(name);
      if (states) this.callStates.set(name, states);
      const returned = previous.returns.get(name);
      if (returned) this.returns.set(name, returned);
      if (previous.givenUp.has(name)) this.givenUp.add(name);
    }
    for (const [slot, owner] of previous.storeOwner) {
      const now = this.blockIndex.get(previous.input.blocks[owner]!);
      if (now === undefined || !this.reused[now]) continue;
      this.stores.set(slot, previous.stores.get(slot)!);
      this.storeOwner.set(slot, now);
    }
  }

  /**
   * The label index after the edit, when the replaced blocks renamed labels that nothing else names:
   * no jump or call elsewhere targets the old or the new name, and neither is a procedure. A renamed
   * global label renames the local labels of its scope: those blocks are returned in `scope`.
   */
  private relabel(previous: ProgramAnalysis, changed: readonly number[]): { labelIndex: Map<string, BlockAnalysis>; scope: Set<number> } | undefined {
    const { document, blocks } = this.input;
    const before = previous.input.blocks;
    const labelAt = (i: number) => {
      const label = document.statement(blocks[i]!.start).label;
      return label ? { kind: label.kind, name: document.structure.qualify(label.text, blocks[i]!.start) } : undefined;
    };
    const renames: { from?: string; to?: string; at: number }[] = [];
    const scope = new Set<number>();
    /** Replaced blocks that kept their label: the label now starts the new block object. */
    const kept: { name: string; at: number }[] = [];
    for (const i of changed) {
      const now = labelAt(i);
      if (now?.name === previous.flows[i]!.label) { if (now) kept.push({ name: now.name, at: i }); continue; }
      renames.push({ at: i, ...(previous.flows[i]!.label ? { from: previous.flows[i]!.label } : {}), ...(now ? { to: now.name } : {}) });
      // The blocks up to the next global label: their local labels and local jumps are qualified anew.
      for (let j = i + 1; j < blocks.length; j++) {
        if (this.opensScope(j)) break;
        const label = labelAt(j);
        if (scope.size >= 256) return undefined;
        scope.add(j);
        if (label?.name !== previous.flows[j]!.label) renames.push({ at: j, ...(previous.flows[j]!.label ? { from: previous.flows[j]!.label } : {}), to: label!.name });
      }
    }
    const keep = (labelIndex: Map<string, BlockAnalysis>) => {
      for (const { name, at } of kept) if (labelIndex.get(name) === before[at]) labelIndex.set(name, blocks[at]!);
    };
    if (!renames.length) { keep(previous.labelIndex); return { labelIndex: previous.labelIndex, scope }; }
    const names = new Set<string>();
    for (const r of renames) { if (r.from) names.add(r.from); if (r.to) names.add(r.to); }
    for (const name of names) if (this.procedures.has(name) || previous.procedures.has(name) || ENTRY_POINTS.has(name)) return undefined;
    // Nothing outside the renamed blocks and their scope may jump to or call either name.
    const inside = new Map<string, number>();
    for (const j of new Set([...scope, ...changed])) {
      const flow = previous.flows[j]!;
      for (const name of [flow.target, flow.call]) if (name !== undefined && names.has(name)) inside.set(name, (inside.get(name) ?? 0) + 1);
    }
    const named = previous.namedTargets();
    for (const name of names) if ((named.get(name) ?? 0) > (inside.get(name) ?? 0)) return undefined;
    // Taken over, not copied (100 000 lines have 20 000 labels): `previous` is not asked for labels again.
    const labelIndex = previous.labelIndex;
    previous.labelIndex = new Map();
    keep(labelIndex);
    // The block at an index the edit renamed: the old object, or the new one (a block of the scope is the same object).
    const at = (label: string | undefined, i: number) => { const block = label === undefined ? undefined : labelIndex.get(label); return block !== undefined && (block === before[i] || block === blocks[i]); };
    for (const r of renames) if (r.from && at(r.from, r.at)) labelIndex.delete(r.from);
    for (const r of renames) {
      if (!r.to) continue;
      if (labelIndex.has(r.to) && !at(r.to, r.at)) return undefined; // a duplicate label: the last one wins
      labelIndex.set(r.to, blocks[r.at]!);
    }
    return { labelIndex, scope };
  }

  /** How many blocks name each label in their jump or call (made when first asked). */
  private targetCounts: Map<string, number> | undefined;
  private namedTargets(): Map<string, number> {
    if (!this.targetCounts) {
      const counts = new Map<string, number>();
      for (const flow of this.flows) for (const name of [flow.target, flow.call]) if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
      this.targetCounts = counts;
    }
    return this.targetCounts;
  }

  private componentSizes: Map<number, number> | undefined;
  private componentSize(root: number): number {
    if (!this.componentSizes) {
      this.componentSizes = new Map();
      for (const r of this.component) this.componentSizes.set(r, (this.componentSizes.get(r) ?? 0) + 1);
    }
    return this.componentSizes.get(root) ?? 0;
  }

  /** The index of the block a label starts, from the block's start line (blocks cover the document in order). */
  private indexOfLabel(name: string): number | undefined {
    if (this.labelPositions) return this.labelPositions.get(name);
    const block = this.labelIndex.get(name);
    if (block === undefined) return undefined;
    const blocks = this.input.blocks;
    const i = blockIndexAt(blocks, block.start);
    return blocks[i] === block ? i : undefined;
  }

  private flowOf(block: BlockAnalysis, i: number): BlockFlow {
    const { document, blocks } = this.input;
    const structure = document.structure;
    const inMacro = (structure.lineFlags[block.start]! & LINE_IN_MACRO) !== 0;
    const successors: Edge[] = [];
    const shape = blockShape(document, block);
    const signs = shape.mnemonic ? TAKEN_SIGN[shape.mnemonic] : undefined;
    let callee: string | undefined;
    if (shape.call && this.labelIndex.has(shape.call)) callee = shape.call;
    const target = block.exit.target !== undefined ? structure.qualify(block.exit.target, block.exit.line ?? block.end) : undefined;
    // Built without object spreads: this runs for every block whenever the block list changed.
    const edge = (to: number, sign: 'error' | 'nonnegative' | undefined): Edge => { const e: Edge = { offset: to - i }; if (sign) e.sign = sign; return e; };
    if (!inMacro) {
      if (target !== undefined) {
        const to = this.indexOfLabel(target);
        if (to !== undefined) {
          successors.push(edge(to, signs?.[0]));
          if (Math.abs(to - i) > NEAR_BLOCKS) this.farJumps.add(block);
        }
      }
      const next = blocks[i + 1];
      if (block.exit.falls && next && !(structure.lineFlags[next.start]! & LINE_IN_MACRO)) successors.push(edge(i + 1, signs?.[1]));
    }
    const label = document.statement(block.start).label;
    const flow: BlockFlow = { successors, inMacro, codeless: shape.codeless };
    if (callee) flow.callee = callee;
    if (label) flow.label = structure.qualify(label.text, block.start);
    if (target !== undefined) flow.target = target;
    if (shape.call) flow.call = shape.call;
    return flow;
  }

  /** Procedures: call targets, with the blocks reachable from their entry without following calls. */
  private findProcedures(): void {
    const { blocks } = this.input;
    for (const flow of this.flows) {
      if (!flow.callee || this.procedures.has(flow.callee)) continue;
      const entry = this.indexOfLabel(flow.callee)!;
      const members = new Set<number>([entry]);
      const stack = [entry];
      while (stack.length) {
        const from = stack.pop()!;
        for (const edge of this.flows[from]!.successors) { const to = from + edge.offset; if (!members.has(to)) { members.add(to); stack.push(to); } }
      }
      this.procedures.set(flow.callee, { entry, blocks: members, writes: new Set() });
    }
    // What a procedure may change: its blocks' registers and those of the procedures it calls, transitively.
    for (let changed = true, round = 0; changed && round < 20; round++) {
      changed = false;
      for (const procedure of this.procedures.values()) {
        const before = procedure.writes.size;
        for (const b of procedure.blocks) {
          FAMILIES.forEach((f, bit) => { if (blocks[b]!.touched & (1 << bit)) procedure.writes.add(f); });
          const callee = this.flows[b]!.callee;
          if (callee) for (const f of this.procedures.get(callee)!.writes) procedure.writes.add(f);
        }
        procedure.writes.delete('rsp');
        if (procedure.writes.size !== before) changed = true;
      }
    }
  }

  private enqueue(i: number): void {
    if (this.queued[i]) return;
    this.queued[i] = 1;
    this.pending++;
    if (i < this.lowest) this.lowest = i;
  }

  /** Visits until nothing is queued; then gives up on the procedures blocks still wait for, one round at a time. */
  private drainAndGiveUp(): void {
    this.drain();
    // Every procedure still waited for at once: which ones is decided by the fixpoint, not by the order of visits.
    while (this.waiting.size > 0) {
      for (const [block, name] of this.waiting) { this.givenUp.add(name); this.enqueue(block); }
      this.drain();
    }
  }

  private drain(): void {
    while (this.pending > 0) {
      let i = this.lowest;
      while (!this.queued[i]) i++;
      this.queued[i] = 0;
      this.pending--;
      this.lowest = i + 1;
      this.visit(i);
    }
    this.lowest = Infinity;
  }

  /** `shared`: the caller goes on using `state`, so it is copied if kept (a join makes a new state anyway). */
  private arrive(i: number, state: MachineState, shared = false): void {
    const current = this.entry[i];
    const next = current ? joinStates(current, state) : shared ? copyState(state) : state;
    if (current && sameState(current, next)) return;
    this.entry[i] = next;
    this.enqueue(i);
  }

  /**
   * Where each block without a predecessor starts: the program entry, a procedure, or code we do not
   * see enter. Only `members` (all blocks by default): a block's predecessors are in its component.
   */
  private seed(members: readonly number[]): void {
    const { document, blocks } = this.input;
    // Data and directives before code reach nothing: only code, or a bare label code reaches, is a predecessor.
    const hasPredecessor = new Uint8Array(blocks.length);
    // Blocks that run nothing: directives and data, or macro invocations laying out data.
    const inert = new Uint8Array(blocks.length);
    for (const i of members) if (this.flows[i]!.codeless || this.dataMacros(i)) inert[i] = 1;
    for (let round = 0, changed = true; changed && round < 4; round++) {
      changed = false;
      for (const i of members) {
        const flow = this.flows[i]!;
        if (inert[i] && !hasPredecessor[i]) continue;
        for (const edge of flow.successors) if (!hasPredecessor[i + edge.offset]) { hasPredecessor[i + edge.offset] = 1; changed = true; }
      }
    }
    for (const i of members) {
      const block = blocks[i]!;
      const flow = this.flows[i]!;
      const label = document.statement(block.start).label?.text;
      if (inert[i] || this.reused[i]) continue;
      if (flow.inMacro) { this.arrive(i, freshState('', unknown('set where the macro is used'))); continue; }
      if (label && ENTRY_POINTS.has(label)) { this.arrive(i, freshState('_start', UNSET)); continue; }
      if (hasPredecessor[i] || (label && this.procedures.has(document.structure.qualify(label, block.start)))) continue;
      if (!label) { this.arrive(i, freshState('', UNSET)); continue; }
      // Entered from another file or by an indirect jump: whatever was set there.
      this.arrive(i, freshState(label, unknown(`set before \`${label}\` is entered`)));
    }
  }

  /**
   * Whether block `i` is macro invocations in a data section and no instruction (`STAT st` laying out a
   * structure in .data): data, not code that falls into what follows (often `_start`, after `section .text`).
   */
  private dataMacros(i: number): boolean {
    const { document, blocks } = this.input;
    const block = blocks[i]!;
    const { sections, lineFlags } = document.structure;
    if (sections.length === 0) return false;
    let invocations = false;
    for (let line = block.start; line <= block.end; line++) {
      if (lineFlags[line]! & LINE_INACTIVE) continue;
      const kind = document.statement(line).kind;
      if (kind === 'instruction') return false;
      // A macro invocation (or a bare word that may be one) outside a data section may be code.
      if (kind === 'macroCall' || kind === 'label') {
        if (!inDataSection(sections, line)) return false;
        invocations = true;
      }
    }
    return invocations;
  }

  private run(members: readonly number[] = this.input.blocks.map((_, i) => i)): void {
    this.seed(members);
    this.drainAndGiveUp();
    // Procedures nobody reaches (only called from unreachable code) still get a hover.
    for (const [name, procedure] of this.procedures) {
      if (!this.entry[procedure.entry] && !this.reused[procedure.entry]) { this.arrive(procedure.entry, freshState(name, unknown(`set by the caller of \`${name}\``))); }
    }
    this.drainAndGiveUp();
    // Code still not reached: its only way in is a fall-through from a block found to end in exit (a
    // signal handler after `exit`, known only once the program knows the call is exit), or from other
    // such code. Entered from elsewhere, as code without a predecessor is; in document order, so code
    // reached from the first one is not entered afresh.
    const { document, blocks } = this.input;
    for (const i of members) {
      const flow = this.flows[i]!;
      if (this.entry[i] || this.reused[i] || flow.codeless || flow.inMacro || this.dataMacros(i)) continue;
      const label = document.statement(blocks[i]!.start).label?.text;
      this.arrive(i, freshState(label ?? '', label ? unknown(`set before \`${label}\` is entered`) : UNSET));
      this.drainAndGiveUp();
    }
    for (const [name, states] of this.callStates) this.facts.callers.set(name, states.size);
    this.useKeys = undefined;
  }

  /** The block being visited: loads and calls it makes are its dependencies. */
  private reader = -1;
  private readonly contexts = new Map<string, ProgramContext>();

  private contextOf(frame: string): ProgramContext {
    let context = this.contexts.get(frame);
    if (!context) this.contexts.set(frame, context = this.context(frame));
    return context;
  }

  private context(frame: string): ProgramContext {
    const { document, environment } = this.input;
    return {
      env: environment,
      macroEnv: {
        resolve: (name, line) => {
          const resolved = environment.resolve(name, line);
          this.noteUse('symbol', name, line, symbolMeaning(resolved));
          return resolved;
        },
        isMacro: (name) => {
          const macro = environment.isMacro(name);
          this.noteUse('macro', name, -1, macro ? 'macro' : '');
          return macro;
        },
      },
      frame,
      qualify: (name, line) => document.structure.qualify(name, line),
      storedAnywhere: (slot) => {
        let readers = this.storeReaders.get(slot);
        if (!readers) this.storeReaders.set(slot, readers = new Set());
        if (this.reader >= 0) readers.add(this.reader);
        return this.stores.get(slot);
      },
      procedure: (name) => {
        const procedure = this.procedures.get(name);
        if (!procedure) return undefined;
        let callers = this.procedureCallers.get(name);
        if (!callers) this.procedureCallers.set(name, callers = new Set());
        if (this.reader >= 0) callers.add(this.reader);
        const returned = this.returns.get(name)?.registers;
        if (!this.givenUp.has(name)) {
          if (!returned) this.waitedOn = name;
          return { writes: procedure.writes, returns: returned };
        }
        // Given up on: what it returns, if it ever does, or nothing known. Joined whatever the order of
        // visits, so the result is the same however the analysis got here (a fresh one or a derived one).
        const noReturn = unknown(`\`${name}\` does not return`);
        return { writes: procedure.writes, returns: FAMILIES.map((_, r) => (returned ? join(noReturn, returned[r]!) : noReturn)) };
      },
      expand: (statement, line, text) => expandMacroCall(
        this.input.macros, statement, text ?? document.lineText(line), (lookup) => this.noteUse(lookup.kind, lookup.name, -1, lookup.meaning),
      ),
    };
  }

  /** Remembers a lookup made inside a macro expansion by the block being visited (line -1: none in particular). */
  private noteUse(kind: NameUseKind, name: string, line: number, meaning: string): void {
    const i = this.reader;
    if (i < 0 || !this.useKeys) return;
    const start = this.input.blocks[i]!.start;
    const at = line < 0 ? start : line;
    const key = `${kind}\u0000${name}\u0000${at - start}`;
    let keys = this.useKeys.get(i);
    if (!keys) this.useKeys.set(i, keys = new Set());
    if (keys.has(key)) return;
    keys.add(key);
    const use = nameUse(kind, name, at, start, meaning, (n, l) => this.input.document.structure.qualify(n, l));
    (this.nameUses[i] ??= []).push(use);
    this.noteName(use);
  }

  /** Keeps usedNames a superset of what nameUses names (see touchedBy). */
  private noteName(use: NameUse): void {
    this.usedNames.add(use.qualified);
    if (use.scope !== '') this.usedNames.add(use.scope);
  }

  private visit(i: number): void {
    const { document, blocks } = this.input;
    const block = blocks[i]!;
    let start = this.entry[i]!;
    if (this.visits[i] === 0) {
      this.recomputedBlocks++;
      this.nameUses[i] = undefined;
      this.useKeys?.delete(i);
    }
    this.reused[i] = 0;
    if (++this.visits[i]! > MAX_VISITS) {
      start = copyState(start);
      start.registers = start.registers.map((v, r) => (FAMILIES[r] === 'rsp' ? v : join(v, unknown('changes on every pass through a loop'))));
      start.stack.clear();
      start.memory.clear();
      this.entry[i] = start;
    } else if (this.visits[i]! > WIDEN_AFTER && this.previous[i]) {
      const before = this.previous[i]!;
      const widened = start.registers.map((v, r) => (FAMILIES[r] === 'rsp' || sameValue(v, before.registers[r]!) ? v : join(v, unknown('changes on every pass through a loop'))));
      if (widened.some((v, r) => v !== start.registers[r])) {
        start = { ...copyState(start), registers: widened };
        this.entry[i] = start;
      }
    }
    this.previous[i] = start;
    const frame = start.registers[familyIndex('rsp')]!.kind === 'stack' ? (start.registers[familyIndex('rsp')] as { frame: string }).frame : '';
    const state = copyState(start);
    const sites: SiteState[] = [];
    this.reader = i;
    const interpreter = new Interpreter(state, this.contextOf(frame), {
      site: (site) => sites.push(site),
      call: (target, callState, line) => this.noteCall(target, callState, line),
      store: (slot, value) => this.noteStore(slot, value),
      ret: (exit) => this.noteReturn(i, exit),
    }, block);
    const flags = document.structure.lineFlags;
    for (let line = block.start; line <= block.end && !interpreter.halted; line++) {
      if (flags[line]! & LINE_INACTIVE) continue;
      interpreter.step(document.statement(line), line, document.lineText(line));
    }
    this.siteLists[i] = sites;
    this.waiting.delete(i);
    if (interpreter.halted) { this.waiting.set(i, this.waitedOn); return; }
    // exit and exit_group do not come back.
    const lastSite = sites.at(-1);
    const last = lastInstruction(document, block);
    if (lastSite?.syscall?.noReturn && last && lastSite.line === last.line) return;
    const successors = this.flows[i]!.successors;
    successors.forEach((edge, k) => {
      const out = edge.sign ? refineStateBySign(state, edge.sign) : state;
      // The last successor may take the state itself: nothing changes it after this visit.
      this.arrive(i + edge.offset, out, out === state && k < successors.length - 1);
    });
  }

  private noteCall(target: string, state: MachineState, line: number): void {
    const key = this.input.document.lineId(line);
    this.facts.callSites.set(key, { target, state, block: this.input.blocks[this.reader]! });
    let states = this.callStates.get(target);
    if (!states) this.callStates.set(target, states = new Map());
    states.set(key, state);
    const procedure = this.procedures.get(target);
    if (!procedure) return;
    // The callee's frame starts at the return address; the caller's stack slots are not its own.
    const entered = copyState(state);
    entered.registers[familyIndex('rsp')] = { kind: 'stack', frame: target, offset: 0n };
    entered.stack.clear();
    this.arrive(procedure.entry, entered);
  }

  private noteStore(slot: string, value: RegisterValue): void {
    if (this.reader >= 0) this.storeOwner.set(slot, this.reader);
    const current = this.stores.get(slot);
    const next = current ? join(current, value) : value;
    if (current && sameValue(current, next)) return;
    this.stores.set(slot, next);
    for (const reader of this.storeReaders.get(slot) ?? []) this.enqueue(reader);
  }

  private noteReturn(block: number, exit: MachineState): void {
    for (const [name, procedure] of this.procedures) {
      if (!procedure.blocks.has(block)) continue;
      const current = this.returns.get(name);
      const next = current ? joinStates(current, exit) : copyState(exit);
      if (current && sameState(current, next)) continue;
      this.returns.set(name, next);
      for (const caller of this.procedureCallers.get(name) ?? []) this.enqueue(caller);
    }
  }

  /** The blocks analysed, in document order. */
  get blocks(): readonly BlockAnalysis[] { return this.input.blocks; }

  /** The syscall sites of the block at `index` of `blocks`, in line order (an unchanged block keeps the same array). */
  sitesOfBlock(index: number): readonly SiteState[] {
    return this.siteLists[index] ?? NO_SITES;
  }

  /** Syscall sites on lines [from, to], in line order; a macro invocation line may hold several. */
  sitesBetween(from: number, to: number): SiteState[] {
    const blocks = this.input.blocks;
    const out: SiteState[] = [];
    for (let i = blockIndexAt(blocks, from); i < blocks.length && blocks[i]!.start <= to; i++) {
      for (const site of this.siteLists[i] ?? NO_SITES) if (site.line >= from && site.line <= to) out.push(site);
    }
    return out;
  }

  /**
   * The syscall sites of the blocks in the component of the block holding `line`, in line order:
   * the only sites a value set on `line` can reach (values flow along jumps and calls, inside a component).
   */
  sitesInComponentOf(line: number): SiteState[] {
    const blocks = this.input.blocks;
    const at = blockIndexAt(blocks, line);
    if (at >= blocks.length) return [];
    const root = this.component[at];
    const out: SiteState[] = [];
    for (let i = 0; i < blocks.length; i++) if (this.component[i] === root) for (const site of this.siteLists[i] ?? NO_SITES) out.push(site);
    return out;
  }

  /** The call of a procedure of this document on `line`, if there is one. */
  callSiteAt(line: number): CallSite | undefined {
    return this.facts.callSites.get(this.input.document.lineId(line));
  }

  /** The state a procedure is entered with, joined over its callers. */
  procedureEntry(name: string): MachineState | undefined {
    const procedure = this.procedures.get(name);
    return procedure ? this.entry[procedure.entry] : undefined;
  }

  /** The syscalls a procedure makes when entered with `state` (for the hover on a call). */
  sitesOfProcedure(name: string, state: MachineState, depth = 0): NestedSite[] {
    const procedure = this.procedures.get(name);
    if (!procedure || depth > 3) return [];
    const { document, blocks } = this.input;
    const entries = new Map<number, MachineState>();
    const entered = copyState(state);
    entered.registers[familyIndex('rsp')] = { kind: 'stack', frame: name, offset: 0n };
    entered.stack.clear();
    entries.set(procedure.entry, entered);
    const work = [procedure.entry];
    const visits = new Map<number, number>();
    const found = new Map<number, NestedSite[]>();
    while (work.length) {
      const i = work.shift()!;
      const count = (visits.get(i) ?? 0) + 1;
      visits.set(i, count);
      if (count > MAX_VISITS) continue;
      const state0 = copyState(entries.get(i)!);
      const nested: NestedSite[] = [];
      this.reader = -1;
      const interpreter = new Interpreter(state0, this.contextOf(name), {
        site: (site) => nested.push({ via: name, site }),
        call: (target, callState) => nested.push(...this.sitesOfProcedure(target, callState, depth + 1)),
      }, blocks[i]!);
      for (let line = blocks[i]!.start; line <= blocks[i]!.end; line++) {
        if (!(document.structure.lineFlags[line]! & LINE_INACTIVE)) interpreter.step(document.statement(line), line, document.lineText(line));
      }
      found.set(i, nested);
      const lastSite = nested.at(-1)?.site;
      if (lastSite?.syscall?.noReturn && lastSite.line === lastInstruction(document, blocks[i]!)?.line) continue;
      for (const edge of this.flows[i]!.successors) {
        const to = i + edge.offset;
        if (!procedure.blocks.has(to)) continue;
        const current = entries.get(to);
        const next = current ? joinStates(current, state0) : copyState(state0);
        if (current && sameState(current, next)) continue;
        entries.set(to, next);
        work.push(to);
      }
    }
    return [...found.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, sites]) => sites);
  }
}
