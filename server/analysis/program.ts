// Values through the whole document: a fixpoint over the control-flow graph of basic blocks, with
// states joined where paths merge, procedures entered from every caller (call/ret summaries),
// named memory slots shared across procedures, and the kernel's initial stack at `_start`.
import type { AsmDocument } from '../../nasm/document/document';
import { LINE_IN_MACRO, LINE_INACTIVE } from '../../nasm/document/structure';
import type { Statement } from '../../nasm/parser/statement';
import { REGISTERS } from '../../nasm/parser/vocabulary';
import type { BlockAnalysis, SymbolEnvironment } from './dataflow';
import {
  copyState, FAMILIES, familyIndex, freshState, Interpreter, joinStates, refineStateBySign, sameState,
  type MachineState, type ProgramContext, type SiteState,
} from './interpreter';
import { expandMacroCall, type MacroSource } from './macroExpansion';
import { join, sameValue, unknown, UNSET, type RegisterValue } from './values';

/** Each block is interpreted at most this often; then its entry is widened to "unknown". */
const MAX_VISITS = 40;
/** From this visit on, a register whose entry value changed again is widened at once: loops converge in a few passes. */
const WIDEN_AFTER = 2;
/** Names the kernel jumps to when the program starts. */
const ENTRY_POINTS = new Set(['_start', '..start']);

interface Edge { to: number; sign?: 'error' | 'nonnegative' }

interface BlockFlow {
  successors: Edge[];
  /** The procedure a `call` at the block's end enters, when it is in this document. */
  callee?: string;
  /** The block is inside a %macro body: analysed on its own, it runs where the macro is used. */
  inMacro: boolean;
  /** No instruction or macro call: data, directives or bare labels. Only runs when something reaches it. */
  codeless: boolean;
}

/** A syscall made inside a procedure or a macro expansion, with the values the caller gave. */
export interface NestedSite { via: string; site: SiteState }

export interface ProgramFacts {
  /** Syscall sites by line; a macro invocation line may hold several. */
  sites: Map<number, SiteState[]>;
  /** For `call` lines: the syscalls the procedure makes with this caller's values. */
  callSites: Map<number, { target: string; state: MachineState }>;
  /** The states at the entry of every reachable block, by block start line. */
  entries: Map<number, MachineState>;
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

/** The whole-document analysis. Pure: build it again when the document or its names change. */
export class ProgramAnalysis {
  private readonly flows: BlockFlow[];
  private readonly labelIndex = new Map<string, number>();
  private readonly procedures = new Map<string, { entry: number; blocks: Set<number>; writes: Set<string> }>();
  readonly facts: ProgramFacts = { sites: new Map(), callSites: new Map(), entries: new Map(), callers: new Map() };

  // Fixpoint state.
  private readonly entry: (MachineState | undefined)[];
  private readonly visits: number[];
  /** The entry state of each block's previous visit, to see what a loop keeps changing. */
  private readonly previous: (MachineState | undefined)[];
  private readonly callStates = new Map<string, Map<number, MachineState>>();
  private readonly returns = new Map<string, MachineState>();
  private readonly stores = new Map<string, RegisterValue>();
  private readonly storeReaders = new Map<string, Set<number>>();
  private readonly procedureCallers = new Map<string, Set<number>>();
  /** Blocks waiting for a visit; the lowest index goes first, so straight-line code is visited once. */
  private readonly queued: Uint8Array;
  private lowest = Infinity;
  private pending = 0;
  /** A block that wrote each named slot (to keep the store with its component). */
  private readonly storeOwner = new Map<string, number>();
  /** Blocks whose component is unchanged since the previous analysis: their results were copied. */
  private readonly reused: Uint8Array;
  /** Each block's component: blocks joined by jumps, calls and shared memory slots. */
  private readonly component: Int32Array;
  private readonly blockIndex = new Map<BlockAnalysis, number>();
  /** How many blocks were analysed again (the rest came from the previous analysis). */
  recomputedBlocks = 0;

  constructor(private readonly input: ProgramInput) {
    const { document, blocks } = input;
    const structure = document.structure;
    blocks.forEach((block, i) => {
      const label = document.statement(block.start).label;
      if (label) this.labelIndex.set(structure.qualify(label.text, block.start), i);
    });
    this.flows = blocks.map((block, i) => this.flowOf(block, i));
    this.findProcedures();
    this.entry = blocks.map(() => undefined);
    this.visits = blocks.map(() => 0);
    this.previous = blocks.map(() => undefined);
    this.queued = new Uint8Array(blocks.length);
    this.reused = new Uint8Array(blocks.length);
    blocks.forEach((block, i) => this.blockIndex.set(block, i));
    this.component = this.components();
    this.macroText = [...document.structure.macros.values()]
      .map((m) => { let text = ''; for (let l = m.line; l <= m.endLine; l++) text += `${document.lineText(l)}\n`; return text; }).join('\u0000');
    if (input.previous) this.reuse(input.previous);
    // Keep no chain of earlier analyses alive.
    delete input.previous;
    this.run();
  }

  /** Union-find over the blocks: what one edit can change is its block's component, nothing else. */
  private components(): Int32Array {
    const { document, blocks } = this.input;
    const parent = new Int32Array(blocks.length).map((_, i) => i);
    const union = (a: number, b: number) => { const x = find(parent, a); const y = find(parent, b); if (x !== y) parent[Math.max(x, y)] = Math.min(x, y); };
    const bySlot = new Map<string, number>();
    this.flows.forEach((flow, i) => {
      for (const edge of flow.successors) union(i, edge.to);
      if (flow.callee) union(i, this.procedures.get(flow.callee)!.entry);
      for (const name of slotNames(document, blocks[i]!)) {
        const other = bySlot.get(name);
        if (other === undefined) bySlot.set(name, i); else union(i, other);
      }
    });
    for (let i = 0; i < blocks.length; i++) parent[i] = find(parent, i);
    return parent;
  }

  /**
   * The text of the document's macro bodies: an invocation runs its macro's body, so when a body
   * changed no earlier result is kept (the invoking block itself did not change).
   */
  private macroText = '';

  /** Copies the results of every component whose blocks are all unchanged (same block objects, same grouping). */
  private reuse(previous: ProgramAnalysis): void {
    const { blocks } = this.input;
    if (previous.macroText !== this.macroText) return;
    const members = new Map<number, number[]>();
    this.component.forEach((root, i) => { const list = members.get(root); if (list) list.push(i); else members.set(root, [i]); });
    for (const list of members.values()) {
      const old = list.map((i) => previous.blockIndex.get(blocks[i]!));
      if (old.some((o) => o === undefined)) continue;
      const oldRoot = previous.component[old[0]!]!;
      if (old.some((o) => previous.component[o!] !== oldRoot) || previous.componentSize(oldRoot) !== list.length) continue;
      list.forEach((i, k) => {
        const o = old[k]!;
        this.reused[i] = 1;
        this.entry[i] = previous.entry[o];
        const block = blocks[i]!;
        if (previous.entry[o]) this.facts.entries.set(block.start, previous.entry[o]!);
        for (let line = block.start; line <= block.end; line++) {
          const sites = previous.facts.sites.get(line);
          if (sites) this.facts.sites.set(line, sites);
          const call = previous.facts.callSites.get(line);
          if (call) this.facts.callSites.set(line, call);
        }
      });
    }
    for (const [name, procedure] of this.procedures) {
      if (!this.reused[procedure.entry]) continue;
      const states = previous.callStates.get(name);
      if (states) this.callStates.set(name, states);
      const returned = previous.returns.get(name);
      if (returned) this.returns.set(name, returned);
    }
    for (const [slot, owner] of previous.storeOwner) {
      const now = this.blockIndex.get(previous.input.blocks[owner]!);
      if (now === undefined || !this.reused[now]) continue;
      this.stores.set(slot, previous.stores.get(slot)!);
      this.storeOwner.set(slot, now);
    }
  }

  private componentSizes: Map<number, number> | undefined;
  private componentSize(root: number): number {
    if (!this.componentSizes) {
      this.componentSizes = new Map();
      for (const r of this.component) this.componentSizes.set(r, (this.componentSizes.get(r) ?? 0) + 1);
    }
    return this.componentSizes.get(root) ?? 0;
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
    if (!inMacro) {
      if (block.exit.target !== undefined) {
        const target = this.labelIndex.get(structure.qualify(block.exit.target, block.exit.line ?? block.end));
        if (target !== undefined) successors.push({ to: target, ...(signs?.[0] ? { sign: signs[0] } : {}) });
      }
      const next = blocks[i + 1];
      if (block.exit.falls && next && !(structure.lineFlags[next.start]! & LINE_IN_MACRO)) {
        successors.push({ to: i + 1, ...(signs?.[1] ? { sign: signs[1] } : {}) });
      }
    }
    return { successors, inMacro, codeless: shape.codeless, ...(callee ? { callee } : {}) };
  }

  /** Procedures: call targets, with the blocks reachable from their entry without following calls. */
  private findProcedures(): void {
    const { blocks } = this.input;
    for (const flow of this.flows) {
      if (!flow.callee || this.procedures.has(flow.callee)) continue;
      const entry = this.labelIndex.get(flow.callee)!;
      const members = new Set<number>([entry]);
      const stack = [entry];
      while (stack.length) for (const edge of this.flows[stack.pop()!]!.successors) if (!members.has(edge.to)) { members.add(edge.to); stack.push(edge.to); }
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

  private arrive(i: number, state: MachineState): void {
    const current = this.entry[i];
    const next = current ? joinStates(current, state) : state;
    if (current && sameState(current, next)) return;
    this.entry[i] = next;
    this.enqueue(i);
  }

  /** Where each block without a predecessor starts: the program entry, a procedure, or code we do not see enter. */
  private seed(): void {
    const { document, blocks } = this.input;
    // Data and directives before code reach nothing: only code, or a bare label code reaches, is a predecessor.
    const hasPredecessor = new Uint8Array(blocks.length);
    for (let round = 0, changed = true; changed && round < 4; round++) {
      changed = false;
      this.flows.forEach((flow, i) => {
        if (flow.codeless && !hasPredecessor[i]) return;
        for (const edge of flow.successors) if (!hasPredecessor[edge.to]) { hasPredecessor[edge.to] = 1; changed = true; }
      });
    }
    blocks.forEach((block, i) => {
      const flow = this.flows[i]!;
      const label = document.statement(block.start).label?.text;
      if (flow.codeless || this.reused[i]) return;
      if (flow.inMacro) { this.arrive(i, freshState('', unknown('set where the macro is used'))); return; }
      if (label && ENTRY_POINTS.has(label)) { this.arrive(i, freshState('_start', UNSET)); return; }
      if (hasPredecessor[i] || (label && this.procedures.has(document.structure.qualify(label, block.start)))) return;
      if (!label) { this.arrive(i, freshState('', UNSET)); return; }
      // Entered from another file or by an indirect jump: whatever was set there.
      this.arrive(i, freshState(label, unknown(`set before \`${label}\` is entered`)));
    });
  }

  private run(): void {
    this.seed();
    this.drain();
    // Procedures nobody reaches (only called from unreachable code) still get a hover.
    for (const [name, procedure] of this.procedures) {
      if (!this.entry[procedure.entry] && !this.reused[procedure.entry]) { this.arrive(procedure.entry, freshState(name, unknown(`set by the caller of \`${name}\``))); }
    }
    this.drain();
    this.input.blocks.forEach((block, i) => { if (this.entry[i] && !this.reused[i]) this.facts.entries.set(block.start, this.entry[i]!); });
    for (const [name, states] of this.callStates) this.facts.callers.set(name, states.size);
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
        const returned = this.returns.get(name);
        return { writes: procedure.writes, returns: returned?.registers ?? FAMILIES.map(() => unknown(`\`${name}\` does not return`)) };
      },
      expand: (statement, line, text) => expandMacroCall(this.input.macros, statement, text ?? document.lineText(line)),
    };
  }

  private visit(i: number): void {
    const { document, blocks } = this.input;
    const block = blocks[i]!;
    let start = this.entry[i]!;
    if (this.visits[i] === 0) this.recomputedBlocks++;
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
    });
    const flags = document.structure.lineFlags;
    for (let line = block.start; line <= block.end; line++) {
      if (flags[line]! & LINE_INACTIVE) continue;
      interpreter.step(document.statement(line), line, document.lineText(line));
    }
    for (let line = block.start; line <= block.end; line++) this.facts.sites.delete(line);
    for (const site of sites) {
      const list = this.facts.sites.get(site.line);
      if (list) list.push(site); else this.facts.sites.set(site.line, [site]);
    }
    // exit and exit_group do not come back.
    const lastSite = sites.at(-1);
    const last = lastInstruction(document, block);
    if (lastSite?.syscall?.noReturn && last && lastSite.line === last.line) return;
    const successors = this.flows[i]!.successors;
    successors.forEach((edge, k) => {
      const out = edge.sign ? refineStateBySign(state, edge.sign) : state;
      // The last successor may take the state itself: nothing changes it after this visit.
      this.arrive(edge.to, out === state && k < successors.length - 1 ? copyState(state) : out);
    });
  }

  private noteCall(target: string, state: MachineState, line: number): void {
    this.facts.callSites.set(line, { target, state });
    let states = this.callStates.get(target);
    if (!states) this.callStates.set(target, states = new Map());
    states.set(line, state);
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
      });
      for (let line = blocks[i]!.start; line <= blocks[i]!.end; line++) {
        if (!(document.structure.lineFlags[line]! & LINE_INACTIVE)) interpreter.step(document.statement(line), line, document.lineText(line));
      }
      found.set(i, nested);
      const lastSite = nested.at(-1)?.site;
      if (lastSite?.syscall?.noReturn && lastSite.line === lastInstruction(document, blocks[i]!)?.line) continue;
      for (const edge of this.flows[i]!.successors) {
        if (!procedure.blocks.has(edge.to)) continue;
        const current = entries.get(edge.to);
        const next = current ? joinStates(current, state0) : copyState(state0);
        if (current && sameState(current, next)) continue;
        entries.set(edge.to, next);
        work.push(edge.to);
      }
    }
    return [...found.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, sites]) => sites);
  }
}
