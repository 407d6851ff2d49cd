// What a document defines and how it is laid out: labels, constants, macros, includes, sections,
// `bits`, inactive %if branches and the byte positions needed for `$ - label`.
import { evaluateExpression, num, type Address, type Value } from '../parser/expression';
import type { LabelDefinition, Statement } from '../parser/statement';
import { sectionSwitch } from '../parser/sections';
import type { Token } from '../parser/tokens';
import { DATA_SIZES, RESERVE_SIZES } from '../parser/vocabulary';

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

/** One forward pass over the statements; afterwards it answers the Structure questions. */
class DocumentStructure implements Structure {
  readonly symbols: SymbolDefinition[] = [];
  readonly definitions = new Map<string, SymbolDefinition[]>();
  readonly constants = new Map<string, ConstantDefinition[]>();
  readonly macros = new Map<string, MacroDefinition>();
  readonly includes: IncludeEdge[] = [];
  readonly globals = new Map<string, number>();
  readonly externs = new Map<string, number>();
  readonly sections: { name: string; line: number }[] = [];
  readonly lineFlags: Uint8Array;
  readonly labelData = new Map<string, Uint8Array>();
  readonly labelAddress = new Map<string, Address>();
  readonly fieldOffsets = new Map<string, bigint>();
  readonly hereAt = new Map<number, Address>();
  readonly bitsChanges: { line: number; bits: number }[] = [];
  readonly orgLines: number[] = [];
  readonly bareWords = new Set<string>();

  private readonly scopes: { line: number; name: string }[] = [];
  private readonly definedNames = new Set<string>();
  // Only known values are remembered: an unknown one may become known through an include later.
  private readonly memo = new Map<string, Value>();
  private readonly evaluating = new Set<string>();

  // State of the pass. The position of the next byte is kept relative to an anchor label while it is known.
  private position: Address | undefined;
  private struc: { name: string; offset: bigint | undefined } | undefined;
  private openMacro: OpenMacro | undefined;
  private readonly conditions: Condition[] = [];
  private dataLabel: string | undefined;
  private lastGlobal: SymbolDefinition | undefined;
  private readonly sectionsSeen = new Set<string>();

  constructor(
    private readonly statements: readonly Statement[], readonly externalMacros: ReadonlySet<string> = NO_NAMES,
    predefined: PredefinedNames = NO_DEFINES,
  ) {
    this.lineFlags = new Uint8Array(statements.length);
    // What the build defines before the file (nasm -D): `%ifdef` sees it, `%if NAME` its number.
    for (const [name, value] of predefined) {
      this.definedNames.add(name);
      if (value !== undefined) this.memo.set(name, num(value));
    }
    for (let line = 0; line < statements.length; line++) this.visit(statements[line]!, line);
    this.finish();
  }

  scopeAt(line: number): string | undefined {
    let lo = 0;
    let hi = this.scopes.length - 1;
    let found: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.scopes[mid]!.line <= line) { found = this.scopes[mid]!.name; lo = mid + 1; } else hi = mid - 1;
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

  private addSymbol(symbol: SymbolDefinition): void {
    this.symbols.push(symbol);
    const list = this.definitions.get(symbol.name);
    if (list) list.push(symbol); else this.definitions.set(symbol.name, [symbol]);
  }

  private active(): boolean {
    return this.conditions.every((c) => c.active);
  }

  private visit(statement: Statement, line: number): void {
    const keyword = statement.keyword?.name;
    if (this.openMacro) this.lineFlags[line] |= LINE_IN_MACRO;
    if (!this.active()) this.lineFlags[line] |= LINE_INACTIVE;
    if (statement.kind === 'preprocessor' && keyword) { this.preprocessor(statement, keyword, line); return; }
    if (!this.active()) return;
    if (statement.kind === 'directive' && keyword) this.directive(statement, keyword, line);
    // `$` is only recorded where it is used, to keep memory flat on large files.
    if (this.position && usesHere(statement)) this.hereAt.set(line, this.position);
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
      this.lineFlags[line] |= LINE_IN_MACRO;
      return;
    }
    if (keyword === '%endmacro' || keyword === '%endm') { this.closeMacro(line); return; }
    if (this.openMacro || !this.active()) return;
    if (DEFINES.has(keyword) && nameToken?.kind === 'identifier') {
      this.definedNames.add(nameToken.text);
      const functionLike = statement.args[1]?.text === '(' && statement.args[1].start === nameToken.end;
      this.memo.delete(nameToken.text);
      if (!functionLike) {
        const directive = keyword.replace('%i', '%') as ConstantDefinition['directive'];
        const list = this.constants.get(nameToken.text) ?? [];
        list.push({ name: nameToken.text, line, directive, tokens: statement.args.slice(1) });
        this.constants.set(nameToken.text, list);
      }
      this.addSymbol({ name: nameToken.text, written: nameToken.text, kind: 'define', line, start: nameToken.start, end: nameToken.end, endLine: line });
    } else if (keyword === '%undef' && nameToken) {
      this.definedNames.delete(nameToken.text);
    } else if (keyword === '%include' && nameToken?.kind === 'string' && nameToken.string !== undefined) {
      this.includes.push({ line, path: nameToken.string, start: nameToken.start, end: nameToken.end });
    }
  }

  /** %if/%elif/%else/%endif: which branch is active, when the condition can be decided here. */
  private conditional(statement: Statement, keyword: string, line: number): void {
    const nameToken = statement.args[0];
    const test = (): boolean | undefined => {
      if (keyword.endsWith('ndef')) return nameToken ? !this.definedNames.has(nameToken.text) : undefined;
      if (keyword.endsWith('def')) return nameToken ? this.definedNames.has(nameToken.text) : undefined;
      if (keyword === '%if' || keyword === '%elif') {
        const value = this.evaluateAt(statement.args, line);
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
    this.lineFlags[line] &= ~LINE_INACTIVE;
    if (keyword !== '%endif' && !this.conditions.slice(0, -1).every((c) => c.active)) this.lineFlags[line] |= LINE_INACTIVE;
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
      this.scopes.push({ line, name: name.text });
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
      if (this.lastGlobal) this.lastGlobal.endLine = line - 1;
      this.scopes.push({ line, name: label.text });
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
    this.labelAddress.set(qualified, this.position);
    this.dataLabel = statement.kind === 'data' || statement.kind === 'label' ? qualified : undefined;
  }

  private equ(statement: Statement, label: LabelDefinition, line: number): void {
    const qualified = this.qualify(label.text, line);
    const definition: ConstantDefinition = { name: qualified, line, directive: 'equ', tokens: statement.operands[0]?.tokens ?? [] };
    if (this.position) definition.here = this.position;
    const list = this.constants.get(qualified) ?? [];
    list.push(definition);
    this.constants.set(qualified, list);
    this.definedNames.add(qualified);
    this.addSymbol({ name: qualified, written: label.text, kind: 'constant', line, start: label.start, end: label.end, endLine: line });
  }

  /** db…/res…: the bytes a labelled string spells, and how far the position moves. */
  private data(statement: Statement, line: number): void {
    if (this.dataLabel && statement.kind === 'data') {
      const bytes = byteData(statement);
      if (bytes !== undefined) {
        const previous = statement.label ? undefined : this.labelData.get(this.dataLabel);
        if (!previous) this.labelData.set(this.dataLabel, bytes);
        else if (previous.length < LABEL_DATA_LIMIT) this.labelData.set(this.dataLabel, Buffer.concat([previous, bytes]));
      } else {
        this.dataLabel = undefined;
      }
    }
    const size = dataSize(statement, (tokens) => this.evaluateAt(tokens, line));
    if (this.struc) {
      const offset = this.struc.offset;
      this.struc.offset = size !== undefined && offset !== undefined && size < STRUCTURE_LIMIT_BYTES * 1024n ? offset + size : undefined;
    }
    this.position = this.position && size !== undefined ? { ...this.position, offset: this.position.offset + size } : undefined;
  }

  private finish(): void {
    const last = this.statements.length - 1;
    if (this.lastGlobal) this.lastGlobal.endLine = last;
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

/** `externalMacros`: bare words to take as calls of macros defined in other files; `predefined`: the build's -D names. */
export function buildStructure(statements: readonly Statement[], externalMacros?: ReadonlySet<string>, predefined?: PredefinedNames): Structure {
  return new DocumentStructure(statements, externalMacros, predefined);
}
