// What a document defines and how it is laid out: labels, constants, macros, includes, sections,
// `bits`, inactive %if branches and the byte positions needed for `$ - label`.
import { evaluateExpression, num, type Address, type Value } from '../parser/expression';
import type { LabelDefinition, Statement } from '../parser/statement';
import { sectionSwitch } from '../parser/sections';
import type { Token } from '../parser/tokens';
import { DATA_SIZES, RESERVE_SIZES } from '../parser/vocabulary';
import { firstAtOrAfter, replaceRange } from './lists';

export type SymbolKind = 'label' | 'localLabel' | 'constant' | 'define' | 'macro' | 'struc' | 'field';

export interface SymbolDefinition {
  /** Qualified for local labels and struc fields: `_start.loop`, `point.x`. */
  name: string;
  /** As written at the definition: `.loop`. */
  written: string;
  kind: SymbolKind;
  line: number;
  start: number;
  end: number;
  /** The global label or struc a local label or field belongs to. */
  parent?: string;
  /** Last line of the thing defined (macro body, struc, a label's code up to the next global label). */
  endLine: number;
}

export interface ConstantDefinition {
  name: string;
  line: number;
  directive: 'equ' | '%define' | '%xdefine' | '%assign';
  tokens: Token[];
  here?: Address;
}

export interface MacroDefinition {
  name: string;
  line: number;
  endLine: number;
  minParameters: number;
  maxParameters: number;
  /** `1+`: the last parameter takes the rest of the line, commas included. */
  greedy: boolean;
  /** `%macro name 1-3` → "1-3". */
  parameterText: string;
}

export interface IncludeEdge { line: number; path: string; start: number; end: number }

export const LINE_IN_MACRO = 1;
export const LINE_INACTIVE = 2;

export interface Structure {
  symbols: SymbolDefinition[];
  /** By qualified name. */
  definitions: Map<string, SymbolDefinition[]>;
  constants: Map<string, ConstantDefinition[]>;
  macros: Map<string, MacroDefinition>;
  includes: IncludeEdge[];
  globals: Map<string, number>;
  externs: Map<string, number>;
  sections: { name: string; line: number }[];
  /** LINE_IN_MACRO / LINE_INACTIVE bits per line. */
  lineFlags: Uint8Array;
  /** The bytes of labels defined with db strings and byte values, for previews (collected up to 4 KiB). */
  labelData: Map<string, Uint8Array>;
  labelAddress: Map<string, Address>;
  fieldOffsets: Map<string, bigint>;
  hereAt: Map<number, Address>;
  /** `bits 32`/`bits 64` changes, in line order. */
  bitsChanges: { line: number; bits: number }[];
  /** `org` lines: the file is a flat binary (`-f bin`). */
  orgLines: number[];
  /**
   * Words without a colon, alone on their line or before an instruction, whose meaning this file cannot
   * decide: a call of a macro defined elsewhere (an include), or a label. Labels unless listed in `externalMacros`.
   */
  bareWords: Set<string>;
  /** The bare words this structure was built to treat as macro calls. */
  externalMacros: ReadonlySet<string>;
  /** The global label (or struc) whose scope `line` is in. */
  scopeAt(line: number): string | undefined;
  /** `.loop` on line 40 → `_start.loop`; other names unchanged. */
  qualify(name: string, line: number): string;
  /** The value of a constant or label position defined in this document (no includes). */
  evaluate(tokens: readonly Token[], line: number, external?: (name: string) => Value | undefined): Value | undefined;
  constantValue(name: string, external?: (name: string) => Value | undefined): Value | undefined;
  bitsAt(line: number, fallback: number): number;
  /**
   * Applies an edit of the statements (the same array, already changed) by redoing the pass only where
   * it differs. Returns the names whose definition or value may have changed, or undefined when the
   * edit needs a new structure (it touched a section, conditional, macro, global or struc line).
   */
  update(statements: readonly Statement[], edit: StructureEdit): Set<string> | undefined;
}

const STRUCTURE_LIMIT_BYTES = 4096n;
const LABEL_DATA_LIMIT = 4096;

function dataSize(statement: Statement, evaluate: (tokens: Token[]) => Value | undefined): bigint | undefined {
  const keyword = statement.keyword?.name ?? '';
  let count = 1n;
  if (statement.times) {
    const times = evaluate(statement.times);
    if (times?.kind !== 'number') return undefined;
    count = times.value;
  }
  const unit = DATA_SIZES[keyword];
  if (unit !== undefined) {
    let size = 0n;
    for (const operand of statement.operands) {
      const only = operand.tokens.length === 1 ? operand.tokens[0]! : undefined;
      if (only?.kind === 'string' && only.string !== undefined) {
        const bytes = BigInt(Buffer.byteLength(only.string, 'utf8'));
        size += ((bytes + BigInt(unit) - 1n) / BigInt(unit)) * BigInt(unit);
      } else {
        size += BigInt(unit);
      }
    }
    return size * count;
  }
  const reserveUnit = RESERVE_SIZES[keyword];
  if (reserveUnit !== undefined) {
    const n = statement.operands[0] ? evaluate(statement.operands[0].tokens) : undefined;
    return n?.kind === 'number' ? n.value * BigInt(reserveUnit) * count : undefined;
  }
  return undefined;
}

/** The bytes a `db` line spells, when it is only strings (stored as UTF-8, as nasm does) and byte values. */
function byteData(statement: Statement): Uint8Array | undefined {
  if (statement.keyword?.name !== 'db' || statement.times) return undefined;
  const parts: Uint8Array[] = [];
  for (const operand of statement.operands) {
    const only = operand.tokens.length === 1 ? operand.tokens[0]! : undefined;
    if (only?.kind === 'string' && only.string !== undefined) parts.push(Buffer.from(only.string, 'utf8'));
    else if (only?.kind === 'number' && only.value !== undefined && only.value >= 0n && only.value < 256n) parts.push(Uint8Array.of(Number(only.value)));
    else return undefined;
  }
  return Buffer.concat(parts);
}

function parseMacroParameters(args: Token[]): { min: number; max: number; greedy: boolean; text: string } {
  const spec = args.slice(1).map((t) => t.text).join('');
  const match = /^(\d+)(?:-(\d+|\*))?(\+)?/.exec(spec);
  if (!match) return { min: 0, max: 0, greedy: false, text: '0' };
  const min = Number(match[1]);
  const max = match[2] === '*' ? Infinity : match[2] ? Number(match[2]) : min;
  return { min, max, greedy: !!match[3], text: match[0] };
}

/** Lines that mention `$` or `$$`: only there is the current position worth remembering. */
export function usesHere(statement: Statement): boolean {
  return statement.tokens.some((t) => t.kind === 'operator' && (t.text === '$' || t.text === '$$'));
}

const CONDITIONALS = new Set(['%if', '%ifdef', '%ifndef', '%ifmacro', '%elif', '%elifdef', '%elifndef', '%else', '%endif']);
const DEFINES = new Set(['%define', '%xdefine', '%assign', '%idefine', '%ixdefine', '%iassign']);

interface Condition { active: boolean; taken: boolean; known: boolean }
interface OpenMacro { name: string; line: number; params: ReturnType<typeof parseMacroParameters> }

/** The state of the pass before a line: where a later pass may start again, or meet this one. */
interface PassState {
  position: Address | undefined;
  struc: { name: string; offset: bigint | undefined } | undefined;
  openMacro: OpenMacro | undefined;
  conditions: Condition[];
  dataLabel: string | undefined;
  /** The bytes collected so far for `dataLabel`. */
  dataBytes: Uint8Array | undefined;
  lastGlobal: SymbolDefinition | undefined;
}
interface Checkpoint { line: number; state: PassState }

/** A state is kept every this many lines, and around lines an incremental pass does not redo. */
const CHECKPOINT_LINES = 256;

/** Lines changed by an edit: `removed` old lines from `first` replaced by `inserted` new ones. */
export interface StructureEdit {
  first: number;
  removed: number;
  inserted: number;
  /** The statements the edit removed (only asked whether any is a barrier, below). */
  removedStatements: readonly Statement[];
}

/** Where the pass writes: the structure itself, or, while redoing part of it, a scratch copy. */
interface PassOutput {
  symbols: SymbolDefinition[];
  definitions: Map<string, SymbolDefinition[]>;
  constants: Map<string, ConstantDefinition[]>;
  labelAddress: Map<string, Address>;
  labelData: Map<string, Uint8Array>;
  hereAt: Map<number, Address>;
  scopes: { line: number; name: string }[];
  checkpoints: Checkpoint[];
  flags: Uint8Array;
  /** Scope ends set by the redone part, applied once the rest has moved. */
  endLines: [SymbolDefinition, number][];
}

/** Preprocessor lines whose effect an incremental pass does not follow: macro bodies, includes, %undef. */
const BARRIER_PREPROCESSOR = new Set(['%macro', '%imacro', '%endmacro', '%endm', '%include', '%undef']);
const SECTION_DIRECTIVES = new Set(['section', 'segment', 'bits', 'use16', 'use32', 'use64', 'global', 'extern', 'extrn', 'common', 'static', 'struc', 'endstruc', 'org', 'absolute']);

/**
 * A line whose effect reaches past the pass state (sections, globals, strucs, macros, includes, bits,
 * %undef) or a bare word: an incremental pass does not redo it; such an edit rebuilds all.
 */
function isBarrier(statement: Statement): boolean {
  const keyword = statement.keyword?.name;
  if (statement.kind === 'preprocessor') return !keyword || BARRIER_PREPROCESSOR.has(keyword);
  if (statement.kind === 'directive') return !keyword || SECTION_DIRECTIVES.has(keyword) || sectionSwitch(statement) !== undefined;
  const label = statement.label;
  return !!label && !label.colon && label.kind === 'global' && (statement.kind === 'label' || statement.kind === 'instruction');
}

class Abort extends Error {}

function sameAddress(a: Address | undefined, b: Address | undefined): boolean {
  return a === b || (!!a && !!b && a.anchor === b.anchor && a.offset === b.offset);
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameState(a: PassState, b: PassState): boolean {
  return sameAddress(a.position, b.position) && !a.struc && !b.struc && !a.openMacro && !b.openMacro
    && a.dataLabel === b.dataLabel && sameBytes(a.dataBytes, b.dataBytes) && a.lastGlobal?.name === b.lastGlobal?.name
    && a.conditions.length === b.conditions.length
    && a.conditions.every((c, i) => c.active === b.conditions[i]!.active && c.taken === b.conditions[i]!.taken && c.known === b.conditions[i]!.known);
}

// Moving what follows an edit by `delta` lines (`oldEnd`: the first old line after it), one small function
// per table: each walks a whole table, and a small function is quick to compile once it runs often.
function moveSymbols(symbols: SymbolDefinition[], oldEnd: number, delta: number): void {
  for (let i = 0; i < symbols.length; i++) {
    const symbol = symbols[i]!;
    if (symbol.line >= oldEnd) symbol.line += delta;
    if (symbol.endLine >= oldEnd) symbol.endLine += delta;
  }
}

function moveConstants(constants: Map<string, ConstantDefinition[]>, oldEnd: number, delta: number): void {
  constants.forEach((list) => { for (let i = 0; i < list.length; i++) if (list[i]!.line >= oldEnd) list[i]!.line += delta; });
}

/** `from`: the first item that may be at or after `oldEnd` (lists in line order start there). */
function moveListed(list: readonly { line: number }[], oldEnd: number, delta: number, from = 0): void {
  for (let i = from; i < list.length; i++) if (list[i]!.line >= oldEnd) list[i]!.line += delta;
}

function moveNamed(lines: Map<string, number>, oldEnd: number, delta: number): void {
  lines.forEach((line, name) => { if (line >= oldEnd) lines.set(name, line + delta); });
}

/** The positions kept for lines outside [start, oldEnd), those after it moved. */
function movedPositions(hereAt: ReadonlyMap<number, Address>, start: number, oldEnd: number, delta: number): Map<number, Address> {
  const moved = new Map<number, Address>();
  hereAt.forEach((address, line) => { if (line < start) moved.set(line, address); else if (line >= oldEnd) moved.set(line + delta, address); });
  return moved;
}

/** The old run's states from `from` on: moved, and their scope mapped to the symbol that replaced it (`scope`). */
function moveCheckpoints(
  checkpoints: Checkpoint[], from: number, oldEnd: number, delta: number, scope: (symbol: SymbolDefinition) => SymbolDefinition | undefined,
): void {
  for (let i = from; i < checkpoints.length; i++) {
    const checkpoint = checkpoints[i]!;
    const state = checkpoint.state;
    checkpoint.line += delta;
    if (state.openMacro && state.openMacro.line >= oldEnd) state.openMacro.line += delta;
    if (state.lastGlobal) state.lastGlobal = scope(state.lastGlobal);
  }
}

/** The names a constant's definitions mention, local ones qualified by the scope of their line. */
function mentionedNames(list: readonly ConstantDefinition[], scope: (line: number) => string | undefined): string[] {
  const names: string[] = [];
  for (const c of list) {
    for (const t of c.tokens) {
      if (t.kind !== 'identifier') continue;
      const local = t.text.startsWith('.') && !t.text.startsWith('..');
      const s = local ? scope(c.line) : undefined;
      names.push(local && s ? s + t.text : t.text);
    }
  }
  return names;
}

function lastBefore<T extends { line: number }>(list: readonly T[] | undefined, bound: number): T | undefined {
  if (!list) return undefined;
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.line < bound) return list[i];
  return undefined;
}

/**
 * One forward pass over the statements; afterwards it answers the Structure questions. After an edit,
 * `update` redoes the pass from the last kept state before the edit until its state meets the old
 * run's again, and moves the rest.
 */
class DocumentStructure implements Structure {
  symbols: SymbolDefinition[] = [];
  readonly definitions = new Map<string, SymbolDefinition[]>();
  readonly constants = new Map<string, ConstantDefinition[]>();
  readonly macros = new Map<string, MacroDefinition>();
  readonly includes: IncludeEdge[] = [];
  readonly globals = new Map<string, number>();
  readonly externs = new Map<string, number>();
  readonly sections: { name: string; line: number }[] = [];
  lineFlags: Uint8Array;
  readonly labelData = new Map<string, Uint8Array>();
  readonly labelAddress = new Map<string, Address>();
  readonly fieldOffsets = new Map<string, bigint>();
  hereAt = new Map<number, Address>();
  readonly bitsChanges: { line: number; bits: number }[] = [];
  readonly orgLines: number[] = [];
  readonly bareWords = new Set<string>();

  private scopes: { line: number; name: string }[] = [];
  private checkpoints: Checkpoint[] = [];
  private readonly definedNames = new Set<string>();
  /** Names some %undef removes: whether one is defined at a line is left to a whole pass. */
  private readonly undefinedNames = new Set<string>();
  // Values asked for after the pass (the last definition of each name counts).
  private readonly memo = new Map<string, Value>();
  // Values asked for during the pass (definitions so far count); emptied when a name is defined.
  private readonly passMemo = new Map<string, Value>();
  private readonly evaluating = new Set<string>();
  /** Names the pass itself evaluated (%if, %ifdef, times, res): changing one of them changes the pass. */
  private readonly consulted = new Set<string>();

  // State of the pass. The position of the next byte is kept relative to an anchor label while it is known.
  private position: Address | undefined;
  private struc: { name: string; offset: bigint | undefined } | undefined;
  private openMacro: OpenMacro | undefined;
  private conditions: Condition[] = [];
  private dataLabel: string | undefined;
  private lastGlobal: SymbolDefinition | undefined;
  private readonly sectionsSeen = new Set<string>();

  /** Where the pass writes; while redoing lines from `restart` on, a scratch output that sees this one's lines before `restart`. */
  private out: PassOutput;
  private restart = 0;
  private restartState: PassState | undefined;

  constructor(
    private statements: readonly Statement[], readonly externalMacros: ReadonlySet<string> = NO_NAMES,
    private readonly predefined: PredefinedNames = NO_DEFINES,
  ) {
    this.lineFlags = new Uint8Array(statements.length);
    this.out = this.ownOutput();
    // What the build defines before the file (nasm -D): `%ifdef` sees it, `%if NAME` its number.
    for (const name of predefined.keys()) this.definedNames.add(name);
    this.checkpoints.push({ line: 0, state: this.snapshot() });
    for (let line = 0; line < statements.length; line++) {
      const statement = statements[line]!;
      if (line > 0 && (line % CHECKPOINT_LINES === 0 || isBarrier(statement) || isBarrier(statements[line - 1]!))) this.checkpoints.push({ line, state: this.snapshot() });
      this.visit(statement, line);
    }
    this.finish();
    this.seedMemo();
  }

  /** The build's numbers, for names the file does not define itself. */
  private seedMemo(): void {
    this.memo.clear();
    for (const [name, value] of this.predefined) if (value !== undefined && !this.constants.has(name)) this.memo.set(name, num(value));
  }

  private snapshot(): PassState {
    return {
      position: this.position, struc: this.struc ? { ...this.struc } : undefined, openMacro: this.openMacro ? { ...this.openMacro } : undefined,
      conditions: this.conditions.map((c) => ({ ...c })), dataLabel: this.dataLabel,
      dataBytes: this.dataLabel === undefined ? undefined : this.dataBytesOf(this.dataLabel), lastGlobal: this.lastGlobal,
    };
  }

  private restore(state: PassState): void {
    this.position = state.position;
    this.struc = state.struc ? { ...state.struc } : undefined;
    this.openMacro = state.openMacro ? { ...state.openMacro } : undefined;
    this.conditions = state.conditions.map((c) => ({ ...c }));
    this.dataLabel = state.dataLabel;
    this.lastGlobal = state.lastGlobal;
  }

  private get redoing(): boolean { return this.out.symbols !== this.symbols; }

  /**
   * Applies an edit of the statements (the same array, already changed). Returns the names whose
   * definition or value may have changed, or undefined when the edit needs a new structure.
   */
  update(statements: readonly Statement[], edit: StructureEdit): Set<string> | undefined {
    if (edit.removedStatements.some(isBarrier)) return undefined;
    for (let line = edit.first; line < edit.first + edit.inserted; line++) if (isBarrier(statements[line]!)) return undefined;
    const delta = edit.inserted - edit.removed;
    const oldCount = this.lineFlags.length;
    const oldEditEnd = edit.first + edit.removed;
    const newEditEnd = edit.first + edit.inserted;
    // The last kept state at or before the edit, outside a struc or macro.
    let at = Math.max(0, firstAtOrAfter(this.checkpoints, edit.first + 1) - 1);
    while (at > 0 && (this.checkpoints[at]!.state.struc || this.checkpoints[at]!.state.openMacro)) at--;
    const from = this.checkpoints[at]!;
    if (from.state.struc || from.state.openMacro) return undefined;
    const scratch: PassOutput = {
      symbols: [], definitions: new Map(), constants: new Map(), labelAddress: new Map(), labelData: new Map(), hereAt: new Map(),
      scopes: [], checkpoints: [], flags: new Uint8Array(statements.length), endLines: [],
    };
    const saved = { out: this.out };
    this.statements = statements;
    this.out = scratch;
    this.restart = from.line;
    this.restartState = from.state;
    this.restore(from.state);
    this.passMemo.clear();
    // The old run's states after the edit, where this run may meet it.
    let next = at + 1;
    while (next < this.checkpoints.length && this.checkpoints[next]!.line < oldEditEnd) next++;
    let met: Checkpoint | undefined;
    let end = statements.length;
    try {
      for (let line = from.line; line < statements.length; line++) {
        while (next < this.checkpoints.length && this.checkpoints[next]!.line + delta < line) next++;
        const old = this.checkpoints[next];
        if (line >= newEditEnd && old && old.line + delta === line) {
          const now = this.snapshot();
          if (sameState(now, old.state)) { met = old; end = line; break; }
        }
        const statement = statements[line]!;
        if (isBarrier(statement)) throw new Abort();
        if (line > from.line && line % CHECKPOINT_LINES === 0) scratch.checkpoints.push({ line, state: this.snapshot() });
        this.visit(statement, line);
      }
      if (!met) this.finish();
    } catch (error) {
      if (error instanceof Abort) return undefined;
      throw error;
    } finally {
      this.out = saved.out;
      this.restartState = undefined;
      this.restart = 0;
    }
    const oldEnd = met ? end - delta : oldCount;
    return this.splice(scratch, from, oldEnd, end, delta, met, (line) => (line < edit.first ? line : line >= oldEditEnd ? line + delta : -1));
  }

  /** Puts the redone lines [start, end) (from the kept state `from` on) in place of the old lines [start, oldEnd), and moves the lines after by `delta`. */
  private splice(
    scratch: PassOutput, from: Checkpoint, oldEnd: number, end: number, delta: number, met: Checkpoint | undefined, newLineOf: (line: number) => number,
  ): Set<string> | undefined {
    const start = from.line;
    // The old symbols of the redone lines (the symbols are in line order).
    const first = firstAtOrAfter(this.symbols, start);
    const last = firstAtOrAfter(this.symbols, oldEnd);
    const dropped = this.symbols.slice(first, last);
    // A name defined both in and out of the redone lines: which definition wins is the whole pass's question.
    const touched = new Set<string>();
    for (const symbol of dropped) touched.add(symbol.name);
    for (const symbol of scratch.symbols) touched.add(symbol.name);
    for (const name of touched) if (this.definitions.get(name)?.some((s) => s.line < start || s.line >= oldEnd)) return undefined;
    const changed = this.changedNames(dropped, scratch, start, oldEnd, newLineOf);
    for (const name of changed) if (this.consulted.has(name)) return undefined;

    // The scope open where the runs met ends where the old one did; when that was the line just before
    // the meeting point (a global label there), the line before it is not moved with the rest.
    const scopeEndsAtMeeting = met?.state.lastGlobal?.endLine === oldEnd - 1;
    // Move what follows the redone lines, then put the new lines in.
    const moveLine = (line: number) => (line >= oldEnd ? line + delta : line);
    // The long walks are small functions of their own: called once per edit, this one stays small to compile.
    if (delta !== 0) {
      moveSymbols(this.symbols, oldEnd, delta);
      moveConstants(this.constants, oldEnd, delta);
      for (const macro of this.macros.values()) { macro.line = moveLine(macro.line); macro.endLine = moveLine(macro.endLine); }
      moveListed(this.includes, oldEnd, delta);
      moveNamed(this.globals, oldEnd, delta);
      moveNamed(this.externs, oldEnd, delta);
      moveListed(this.sections, oldEnd, delta);
      moveListed(this.bitsChanges, oldEnd, delta);
      this.orgLines.forEach((line, i) => { this.orgLines[i] = moveLine(line); });
    }
    for (const [symbol, line] of scratch.endLines) symbol.endLine = line;
    // Where the runs met, the scope open there is the new run's symbol: it ends where the old one did.
    if (scopeEndsAtMeeting) met!.state.lastGlobal!.endLine = end - 1;
    if (met?.state.lastGlobal && this.lastGlobal && this.lastGlobal !== met.state.lastGlobal) this.lastGlobal.endLine = met.state.lastGlobal.endLine;
    const keptData = met?.state.dataLabel;
    // The label whose bytes ran into the redone lines: it has what it had before them, and what they add.
    const startData = from.state.dataLabel;
    if (startData !== undefined && startData !== keptData && !scratch.labelData.has(startData)) {
      if (from.state.dataBytes) this.labelData.set(startData, from.state.dataBytes); else this.labelData.delete(startData);
    }
    replaceRange(this.symbols, first, last, scratch.symbols);
    for (const name of touched) {
      this.definitions.delete(name);
      this.constants.delete(name);
      this.labelAddress.delete(name);
      if (name !== keptData) this.labelData.delete(name);
    }
    for (const symbol of scratch.symbols) {
      const list = this.definitions.get(symbol.name);
      if (list) list.push(symbol); else this.definitions.set(symbol.name, [symbol]);
    }
    for (const [name, list] of scratch.constants) this.constants.set(name, list);
    for (const [name, address] of scratch.labelAddress) this.labelAddress.set(name, address);
    // The label whose bytes run on past the meeting point keeps the old run's bytes (the same up to there).
    for (const [name, bytes] of scratch.labelData) if (name !== keptData) this.labelData.set(name, bytes);
    if (delta === 0) {
      for (let line = start; line < oldEnd; line++) this.hereAt.delete(line);
    } else {
      this.hereAt = movedPositions(this.hereAt, start, oldEnd, delta);
    }
    for (const [line, address] of scratch.hereAt) this.hereAt.set(line, address);
    const scopesAfter = firstAtOrAfter(this.scopes, oldEnd);
    if (delta !== 0) moveListed(this.scopes, oldEnd, delta, scopesAfter);
    const scopesFrom = firstAtOrAfter(this.scopes, start);
    replaceRange(this.scopes, scopesFrom, scopesAfter, scratch.scopes);
    this.updateMentions(touched, scratch);
    // The old run's states after the redone lines: their scope may be a symbol the new lines replaced.
    const gone = new Set(dropped);
    const replacement = new Map(scratch.symbols.filter((s) => s.kind === 'label').map((s) => [s.name, s]));
    const movedFrom = firstAtOrAfter(this.checkpoints, oldEnd);
    moveCheckpoints(this.checkpoints, movedFrom, oldEnd, delta, (symbol) => (gone.has(symbol) ? replacement.get(symbol.name) : symbol));
    const keptFrom = firstAtOrAfter(this.checkpoints, start + 1);
    replaceRange(this.checkpoints, keptFrom, movedFrom, scratch.checkpoints);
    if (delta === 0) {
      this.lineFlags.set(scratch.flags.subarray(start, end), start);
    } else {
      const flags = new Uint8Array(this.statements.length);
      flags.set(this.lineFlags.subarray(0, start));
      flags.set(scratch.flags.subarray(start, end), start);
      flags.set(this.lineFlags.subarray(oldEnd), end);
      this.lineFlags = flags;
    }
    this.out = this.ownOutput();
    this.seedMemo();
    return changed;
  }

  /** For each name, the constants whose definition mentions it (local names qualified); made when first asked. */
  private mentions: Map<string, Set<string>> | undefined;
  /** What each constant's definitions mention, to take it out of `mentions`. */
  private mentioned = new Map<string, string[]>();

  private mentionIndex(): Map<string, Set<string>> {
    if (!this.mentions) {
      this.mentions = new Map();
      for (const [name, list] of this.constants) this.addMentions(name, mentionedNames(list, (line) => this.scopeIn(this.scopes, line)));
    }
    return this.mentions;
  }

  private addMentions(name: string, names: string[]): void {
    this.mentioned.set(name, names);
    for (const mentioned of names) {
      const users = this.mentions!.get(mentioned);
      if (users) users.add(name); else this.mentions!.set(mentioned, new Set([name]));
    }
  }

  /** After a splice: the touched names' constants mention what the new lines say. */
  private updateMentions(touched: ReadonlySet<string>, scratch: PassOutput): void {
    if (!this.mentions) return;
    for (const name of touched) {
      for (const mentioned of this.mentioned.get(name) ?? []) this.mentions.get(mentioned)?.delete(name);
      this.mentioned.delete(name);
    }
    for (const [name, list] of scratch.constants) this.addMentions(name, mentionedNames(list, (line) => this.scopeIn(this.scopes, line)));
  }

  private ownOutput(): PassOutput {
    return {
      symbols: this.symbols, definitions: this.definitions, constants: this.constants, labelAddress: this.labelAddress,
      labelData: this.labelData, hereAt: this.hereAt, scopes: this.scopes, checkpoints: this.checkpoints, flags: this.lineFlags, endLines: [],
    };
  }

  /**
   * The names whose meaning the redone lines may have changed: defined or no longer defined, a constant
   * written or placed differently, a label at another address; then the constants that use one of them.
   */
  private changedNames(dropped: readonly SymbolDefinition[], scratch: PassOutput, start: number, oldEnd: number, newLineOf: (line: number) => number): Set<string> {
    const scopeNow = (line: number) => {
      for (let i = scratch.scopes.length - 1; i >= 0; i--) if (scratch.scopes[i]!.line <= line) return scratch.scopes[i]!.name;
      return this.scopeIn(this.scopes, Math.min(line, start - 1));
    };
    const describe = (symbol: SymbolDefinition, constants: Map<string, ConstantDefinition[]>, address: Address | undefined, scope: string | undefined) => {
      const constant = constants.get(symbol.name)?.find((c) => c.line === symbol.line);
      const where = (a: Address | undefined) => (a ? `${a.anchor}+${a.offset}` : '');
      return `${symbol.kind}|${scope ?? ''}|${constant ? constant.tokens.map((t) => t.text).join(' ') : ''}|${where(constant?.here)}|${where(address)}`;
    };
    const old = new Map<string, string[]>();
    for (const symbol of dropped) {
      const list = old.get(symbol.name) ?? [];
      list.push(describe(symbol, this.constants, this.labelAddress.get(symbol.name), this.scopeIn(this.scopes, symbol.line)));
      old.set(symbol.name, list);
    }
    const changed = new Set<string>();
    for (const symbol of scratch.symbols) {
      const key = describe(symbol, scratch.constants, scratch.labelAddress.get(symbol.name), scopeNow(symbol.line));
      const list = old.get(symbol.name);
      const k = list ? list.indexOf(key) : -1;
      if (k >= 0) list!.splice(k, 1); else changed.add(symbol.name);
    }
    for (const [name, list] of old) if (list.length) changed.add(name);
    // Scopes that start or end elsewhere: the local names of the lines they gained or lost mean something else.
    const scopes = new Map<string, number>();
    for (let i = firstAtOrAfter(this.scopes, start); i < this.scopes.length && this.scopes[i]!.line < oldEnd; i++) {
      const s = this.scopes[i]!;
      const key = `${s.name}@${newLineOf(s.line)}`;
      scopes.set(key, (scopes.get(key) ?? 0) + 1);
    }
    for (const s of scratch.scopes) { const key = `${s.name}@${s.line}`; scopes.set(key, (scopes.get(key) ?? 0) - 1); }
    for (const [key, count] of scopes) {
      if (count === 0) continue;
      changed.add(key.slice(0, key.lastIndexOf('@')));
      const entering = this.scopeIn(this.scopes, start - 1);
      if (entering !== undefined) changed.add(entering);
    }
    // Constants whose value follows a changed name, here or in the redone lines.
    const mentions = this.mentionIndex();
    const scratchMentions = new Map<string, string[]>();
    for (const [name, list] of scratch.constants) {
      for (const mentioned of mentionedNames(list, scopeNow)) {
        const names = scratchMentions.get(mentioned);
        if (names) names.push(name); else scratchMentions.set(mentioned, [name]);
      }
    }
    const queue = [...changed];
    while (queue.length) {
      const name = queue.pop()!;
      for (const user of [...(mentions.get(name) ?? []), ...(scratchMentions.get(name) ?? [])]) if (!changed.has(user)) { changed.add(user); queue.push(user); }
    }
    return changed;
  }

  scopeAt(line: number): string | undefined {
    if (this.redoing) {
      const own = this.out.scopes;
      for (let i = own.length - 1; i >= 0; i--) if (own[i]!.line <= line) return own[i]!.name;
      return this.scopeIn(this.scopes, Math.min(line, this.restart - 1));
    }
    return this.scopeIn(this.scopes, line);
  }

  private scopeIn(scopes: readonly { line: number; name: string }[], line: number): string | undefined {
    let lo = 0;
    let hi = scopes.length - 1;
    let found: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (scopes[mid]!.line <= line) { found = scopes[mid]!.name; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }

  qualify(name: string, line: number): string {
    if (!name.startsWith('.') || name.startsWith('..')) return name;
    const scope = this.scopeAt(line);
    return scope ? scope + name : name;
  }

  constantValue(name: string, external?: (n: string) => Value | undefined): Value | undefined {
    const cached = this.memo.get(name);
    if (cached !== undefined) return cached;
    if (this.evaluating.has(name)) return undefined; // a cycle: `a equ b` / `b equ a`
    let value: Value | undefined;
    const definition = this.constants.get(name);
    if (definition) {
      const last = definition[definition.length - 1]!;
      this.evaluating.add(name);
      value = this.evaluateAt(last.tokens, last.line, external, last.here);
      this.evaluating.delete(name);
    } else if (this.fieldOffsets.has(name)) {
      value = num(this.fieldOffsets.get(name)!);
    } else if (this.labelAddress.has(name)) {
      value = this.labelAddress.get(name);
    } else if (external) {
      return external(name);
    }
    if (value !== undefined) this.memo.set(name, value);
    return value;
  }

  evaluate(tokens: readonly Token[], line: number, external?: (name: string) => Value | undefined): Value | undefined {
    return this.evaluateAt(tokens, line, external);
  }

  bitsAt(line: number, fallback: number): number {
    let bits = fallback;
    for (const change of this.bitsChanges) { if (change.line > line) break; bits = change.bits; }
    return bits;
  }

  private evaluateAt(tokens: readonly Token[], line: number, external?: (n: string) => Value | undefined, here?: Address): Value | undefined {
    return evaluateExpression(tokens, {
      resolve: (n) => this.constantValue(this.qualify(n, line), external),
      here: here ?? this.hereAt.get(line),
    });
  }

  /** An expression evaluated by the pass itself, on `line`: only what is defined before counts. */
  private evaluateInPass(tokens: readonly Token[], line: number, here: Address | undefined): Value | undefined {
    return evaluateExpression(tokens, { resolve: (n) => this.valueSoFar(this.qualify(n, line), line), here });
  }

  private valueSoFar(name: string, line: number): Value | undefined {
    this.consulted.add(name);
    // `__BITS__` after a `bits` line: the mode it set (not remembered for the pass: a later `bits` changes it).
    if (BITS_NAMES.has(name) && this.bitsChanges.length > 0 && this.bitsChanges[0]!.line < line && !this.definitionSoFar(name)) {
      return num(BigInt(this.bitsAt(line - 1, 64)));
    }
    const cached = this.passMemo.get(name);
    if (cached !== undefined) return cached;
    if (this.evaluating.has(name)) return undefined;
    let value: Value | undefined;
    const definition = this.definitionSoFar(name);
    if (definition) {
      this.evaluating.add(name);
      value = evaluateExpression(definition.tokens, { resolve: (n) => this.valueSoFar(this.qualify(n, definition.line), line), here: definition.here });
      this.evaluating.delete(name);
    } else if (this.fieldOffsets.has(name) && this.definedBefore(name, 'field')) {
      value = num(this.fieldOffsets.get(name)!);
    } else if (this.out.labelAddress.has(name)) {
      value = this.out.labelAddress.get(name);
    } else if (this.redoing && this.labelAddress.has(name) && this.definedBefore(name, 'label')) {
      value = this.labelAddress.get(name);
    } else {
      const fromBuild = this.predefined.get(name);
      if (fromBuild !== undefined) value = num(fromBuild);
    }
    if (value !== undefined) this.passMemo.set(name, value);
    return value;
  }

  /** `%ifdef name` on the line the pass is on. */
  private definedSoFar(name: string): boolean {
    if (!this.redoing) return this.definedNames.has(name);
    if (this.undefinedNames.has(name) || this.macros.has(name)) throw new Abort();
    const defines = (s: SymbolDefinition) => s.kind === 'label' || s.kind === 'localLabel' || s.kind === 'constant' || s.kind === 'define';
    if (this.predefined.has(name) || this.out.definitions.get(name)?.some(defines)) return true;
    return !!this.definitions.get(name)?.some((s) => defines(s) && s.line < this.restart);
  }

  /** The last definition of a constant before the line the pass is on. */
  private definitionSoFar(name: string): ConstantDefinition | undefined {
    const own = this.out.constants.get(name);
    if (own?.length) return own[own.length - 1];
    if (!this.redoing) return undefined;
    const list = this.constants.get(name);
    const found = lastBefore(list, this.restart);
    if (found && found !== list![list!.length - 1] && list!.some((c) => c.line < this.restart && c !== found)) throw new Abort();
    return found;
  }

  /** Whether the field or label `name` this structure holds was defined before the pass's line (no other definition after). */
  private definedBefore(name: string, kind: 'field' | 'label'): boolean {
    const list = (this.definitions.get(name) ?? []).filter((s) => (kind === 'field' ? s.kind === 'field' : s.kind === 'label' || s.kind === 'localLabel'));
    if (!this.redoing) return list.length > 0;
    const before = list.filter((s) => s.line < this.restart);
    if (before.length && before.length !== list.length) throw new Abort(); // the value held is a later definition's
    return before.length > 0;
  }

  private dataBytesOf(label: string): Uint8Array | undefined {
    const own = this.out.labelData.get(label);
    if (own !== undefined || !this.redoing) return own;
    return label === this.restartState?.dataLabel ? this.restartState.dataBytes : undefined;
  }

  private addSymbol(symbol: SymbolDefinition): void {
    if (this.passMemo.size) this.passMemo.clear();
    this.out.symbols.push(symbol);
    const list = this.out.definitions.get(symbol.name);
    if (list) list.push(symbol); else this.out.definitions.set(symbol.name, [symbol]);
  }

  private setEndLine(symbol: SymbolDefinition, line: number): void {
    if (this.redoing) this.out.endLines.push([symbol, line]); else symbol.endLine = line;
  }

  private active(): boolean {
    return this.conditions.every((c) => c.active);
  }

  private visit(statement: Statement, line: number): void {
    const keyword = statement.keyword?.name;
    const flags = this.out.flags;
    if (this.openMacro) flags[line] |= LINE_IN_MACRO;
    if (!this.active()) flags[line] |= LINE_INACTIVE;
    if (statement.kind === 'preprocessor' && keyword) { this.preprocessor(statement, keyword, line); return; }
    if (!this.active()) return;
    if (statement.kind === 'directive' && keyword) this.directive(statement, keyword, line);
    // `$` is only recorded where it is used, to keep memory flat on large files.
    if (this.position && usesHere(statement)) this.out.hereAt.set(line, this.position);
    const label = statement.label;
    if (label && statement.kind === 'equ') { this.equ(statement, label, line); return; }
    if (label && this.isMacroCall(statement, label)) {
      // `SAVE` alone, or `twice nop, ret`, calls a macro: no label, and local labels after it keep their scope.
      this.position = undefined;
      this.dataLabel = undefined;
      return;
    }
    if (label) this.label(statement, label, line);
    if (statement.kind === 'data' || statement.kind === 'reserve') this.data(statement, line);
    else if (statement.kind === 'instruction' || statement.kind === 'macroCall') {
      this.position = undefined;
      this.dataLabel = undefined;
    }
  }

  /** A word without a colon before nothing or an instruction (`twice nop, ret`) is a macro call when such a macro exists. */
  private isMacroCall(statement: Statement, label: LabelDefinition): boolean {
    if (label.colon || label.kind !== 'global' || this.openMacro) return false;
    if (statement.kind !== 'label' && statement.kind !== 'instruction') return false;
    if (this.macros.has(label.text)) return true;
    this.bareWords.add(label.text);
    return this.externalMacros.has(label.text);
  }

  private preprocessor(statement: Statement, keyword: string, line: number): void {
    const nameToken = statement.args[0];
    if (CONDITIONALS.has(keyword) || keyword.startsWith('%if')) { this.conditional(statement, keyword, line); return; }
    if (keyword === '%macro' || keyword === '%imacro') {
      if (nameToken) this.openMacro = { name: nameToken.text, line, params: parseMacroParameters(statement.args) };
      this.out.flags[line] |= LINE_IN_MACRO;
      return;
    }
    if (keyword === '%endmacro' || keyword === '%endm') { this.closeMacro(line); return; }
    if (this.openMacro || !this.active()) return;
    if (DEFINES.has(keyword) && nameToken?.kind === 'identifier') {
      this.definedNames.add(nameToken.text);
      const functionLike = statement.args[1]?.text === '(' && statement.args[1].start === nameToken.end;
      if (!functionLike) {
        const directive = keyword.replace('%i', '%') as ConstantDefinition['directive'];
        const list = this.out.constants.get(nameToken.text) ?? [];
        list.push({ name: nameToken.text, line, directive, tokens: statement.args.slice(1) });
        this.out.constants.set(nameToken.text, list);
      }
      this.addSymbol({ name: nameToken.text, written: nameToken.text, kind: 'define', line, start: nameToken.start, end: nameToken.end, endLine: line });
    } else if (keyword === '%undef' && nameToken) {
      this.definedNames.delete(nameToken.text);
      this.undefinedNames.add(nameToken.text);
    } else if (keyword === '%include' && nameToken?.kind === 'string' && nameToken.string !== undefined) {
      this.includes.push({ line, path: nameToken.string, start: nameToken.start, end: nameToken.end });
    }
  }

  /** %if/%elif/%else/%endif: which branch is active, when the condition can be decided here. */
  private conditional(statement: Statement, keyword: string, line: number): void {
    const nameToken = statement.args[0];
    const test = (): boolean | undefined => {
      if (nameToken && (keyword.endsWith('def') || keyword.endsWith('ndef'))) this.consulted.add(nameToken.text);
      if (keyword.endsWith('ndef')) return nameToken ? !this.definedSoFar(nameToken.text) : undefined;
      if (keyword.endsWith('def')) return nameToken ? this.definedSoFar(nameToken.text) : undefined;
      if (keyword === '%if' || keyword === '%elif') {
        const value = this.evaluateInPass(statement.args, line, undefined);
        return value?.kind === 'number' ? value.value !== 0n : undefined;
      }
      return undefined;
    };
    const top = this.conditions[this.conditions.length - 1];
    if (keyword === '%endif') {
      this.conditions.pop();
    } else if (keyword === '%else') {
      if (top) { top.active = top.known ? !top.taken : true; top.taken = true; }
    } else if (keyword.startsWith('%elif')) {
      if (top) {
        const result = test();
        const known = top.known && result !== undefined;
        top.active = known ? !top.taken && result! : true;
        top.known = known;
        top.taken ||= top.active && known;
      }
    } else {
      const result = test();
      this.conditions.push({ active: result ?? true, taken: result ?? false, known: result !== undefined });
    }
    // The directive line itself belongs to the enclosing branch.
    this.out.flags[line] &= ~LINE_INACTIVE;
    if (keyword !== '%endif' && !this.conditions.slice(0, -1).every((c) => c.active)) this.out.flags[line] |= LINE_INACTIVE;
  }

  private closeMacro(line: number): void {
    const open = this.openMacro;
    this.openMacro = undefined;
    if (!open) return;
    this.macros.set(open.name, {
      name: open.name, line: open.line, endLine: line, minParameters: open.params.min,
      maxParameters: open.params.max, greedy: open.params.greedy, parameterText: open.params.text,
    });
    const nameToken = this.statements[open.line]!.args[0]!;
    this.addSymbol({ name: open.name, written: open.name, kind: 'macro', line: open.line, start: nameToken.start, end: nameToken.end, endLine: line });
    this.definedNames.add(open.name);
  }

  private directive(statement: Statement, keyword: string, line: number): void {
    const operand = statement.operands[0];
    const section = sectionSwitch(statement);
    if (section !== undefined || keyword === 'section' || keyword === 'segment') {
      const name = section ?? '';
      this.sections.push({ name, line });
      this.position = this.sectionsSeen.has(name) ? undefined : { kind: 'address', anchor: `section ${name}`, offset: 0n };
      this.sectionsSeen.add(name);
      this.dataLabel = undefined;
    } else if (keyword === 'bits' && operand) {
      this.bitsChanges.push({ line, bits: Number(operand.tokens[0]?.value ?? 64n) });
    } else if (keyword === 'use32' || keyword === 'use64' || keyword === 'use16') {
      this.bitsChanges.push({ line, bits: Number(keyword.slice(3)) });
    } else if (keyword === 'global' || keyword === 'extern' || keyword === 'extrn' || keyword === 'common' || keyword === 'static') {
      const into = keyword === 'extern' || keyword === 'extrn' ? this.externs : this.globals;
      for (const op of statement.operands) {
        const name = op.tokens[0];
        if (name?.kind === 'identifier') into.set(name.text, line);
      }
    } else if (keyword === 'struc' && operand?.tokens[0]) {
      const name = operand.tokens[0];
      this.struc = { name: name.text, offset: 0n };
      this.out.scopes.push({ line, name: name.text });
      this.addSymbol({ name: name.text, written: name.text, kind: 'struc', line, start: name.start, end: name.end, endLine: line });
    } else if (keyword === 'endstruc' && this.struc) {
      const { name, offset } = this.struc;
      const symbol = this.definitions.get(name)?.find((s) => s.kind === 'struc');
      if (symbol) symbol.endLine = line;
      if (offset !== undefined) this.fieldOffsets.set(`${name}_size`, offset);
      this.struc = undefined;
    } else if (keyword === 'align' || keyword === 'alignb' || keyword === 'org' || keyword === 'absolute') {
      if (keyword === 'org') this.orgLines.push(line);
      this.position = undefined;
    }
  }

  private label(statement: Statement, label: LabelDefinition, line: number): void {
    if (this.openMacro || label.kind === 'macroLocal') return; // macro-local labels exist per expansion
    if (this.struc && label.kind === 'local') {
      const qualified = this.struc.name + label.text;
      if (this.struc.offset !== undefined) this.fieldOffsets.set(qualified, this.struc.offset);
      this.addSymbol({ name: qualified, written: label.text, kind: 'field', parent: this.struc.name, line, start: label.start, end: label.end, endLine: line });
      return;
    }
    const local = label.kind === 'local';
    if (label.kind === 'global') {
      if (this.lastGlobal) this.setEndLine(this.lastGlobal, line - 1);
      this.out.scopes.push({ line, name: label.text });
    }
    const qualified = this.qualify(label.text, line);
    const symbol: SymbolDefinition = {
      name: qualified, written: label.text, kind: local ? 'localLabel' : 'label', line, start: label.start, end: label.end, endLine: line,
    };
    if (local) symbol.parent = this.scopeAt(line);
    this.addSymbol(symbol);
    if (label.kind === 'global') this.lastGlobal = symbol;
    if (statement.kind !== 'label' || !this.macros.has(label.text)) this.definedNames.add(qualified);
    this.position ??= { kind: 'address', anchor: qualified, offset: 0n };
    this.out.labelAddress.set(qualified, this.position);
    this.dataLabel = statement.kind === 'data' || statement.kind === 'label' ? qualified : undefined;
  }

  private equ(statement: Statement, label: LabelDefinition, line: number): void {
    const qualified = this.qualify(label.text, line);
    const definition: ConstantDefinition = { name: qualified, line, directive: 'equ', tokens: statement.operands[0]?.tokens ?? [] };
    if (this.position) definition.here = this.position;
    const list = this.out.constants.get(qualified) ?? [];
    list.push(definition);
    this.out.constants.set(qualified, list);
    this.definedNames.add(qualified);
    this.addSymbol({ name: qualified, written: label.text, kind: 'constant', line, start: label.start, end: label.end, endLine: line });
  }

  /** db…/res…: the bytes a labelled string spells, and how far the position moves. */
  private data(statement: Statement, line: number): void {
    if (this.dataLabel && statement.kind === 'data') {
      const bytes = byteData(statement);
      if (bytes !== undefined) {
        const previous = statement.label ? undefined : this.dataBytesOf(this.dataLabel);
        if (!previous) this.out.labelData.set(this.dataLabel, bytes);
        else if (previous.length < LABEL_DATA_LIMIT) this.out.labelData.set(this.dataLabel, Buffer.concat([previous, bytes]));
      } else {
        this.dataLabel = undefined;
      }
    }
    const size = dataSize(statement, (tokens) => this.evaluateInPass(tokens, line, this.position));
    if (this.struc) {
      const offset = this.struc.offset;
      this.struc.offset = size !== undefined && offset !== undefined && size < STRUCTURE_LIMIT_BYTES * 1024n ? offset + size : undefined;
    }
    this.position = this.position && size !== undefined ? { ...this.position, offset: this.position.offset + size } : undefined;
  }

  private finish(): void {
    const last = this.statements.length - 1;
    if (this.lastGlobal) this.setEndLine(this.lastGlobal, last);
    // A macro left open runs to the end of the file, as nasm reports.
    const open = this.openMacro;
    if (open) {
      this.macros.set(open.name, {
        name: open.name, line: open.line, endLine: last, minParameters: open.params.min,
        maxParameters: open.params.max, greedy: open.params.greedy, parameterText: open.params.text,
      });
    }
  }
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** Names the build defines before the source (nasm -D), with their value when it is a number. */
export type PredefinedNames = ReadonlyMap<string, bigint | undefined>;
export const NO_DEFINES: PredefinedNames = new Map();

/** The names NASM itself defines that a `%if` tests: `__BITS__` (and its `__?BITS?__` spelling), the current mode. */
const BITS_NAMES = new Set(['__BITS__', '__?BITS?__']);
export function nasmPredefined(bits: number): [string, bigint][] {
  return [...BITS_NAMES].map((name) => [name, BigInt(bits)]);
}

/** `externalMacros`: bare words to take as calls of macros defined in other files; `predefined`: the build's -D names. */
export function buildStructure(statements: readonly Statement[], externalMacros?: ReadonlySet<string>, predefined?: PredefinedNames): Structure {
  return new DocumentStructure(statements, externalMacros, predefined);
}
