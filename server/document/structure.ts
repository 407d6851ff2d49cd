// What a document defines and how it is laid out: labels, constants, macros, includes, sections,
// `bits`, inactive %if branches and the byte positions needed for `$ - label`.
import { evaluateExpression, num, type Address, type Value } from '../parser/expression';
import type { Statement } from '../parser/statement';
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
  /** The byte contents of labels defined with db strings, for previews. */
  labelData: Map<string, string>;
  labelAddress: Map<string, Address>;
  fieldOffsets: Map<string, bigint>;
  hereAt: Map<number, Address>;
  /** `bits 32`/`bits 64` changes, in line order. */
  bitsChanges: { line: number; bits: number }[];
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

/** The text a `db` line spells, when it is only strings and byte values. */
function byteText(statement: Statement): string | undefined {
  if (statement.keyword?.name !== 'db' || statement.times) return undefined;
  let text = '';
  for (const operand of statement.operands) {
    const only = operand.tokens.length === 1 ? operand.tokens[0]! : undefined;
    if (only?.kind === 'string' && only.string !== undefined) text += only.string;
    else if (only?.kind === 'number' && only.value !== undefined && only.value >= 0n && only.value < 256n) text += String.fromCharCode(Number(only.value));
    else return undefined;
  }
  return text;
}

function parseMacroParameters(args: Token[]): { min: number; max: number; greedy: boolean; text: string } {
  const spec = args.slice(1).map((t) => t.text).join('');
  const match = /^(\d+)(?:-(\d+|\*))?(\+)?/.exec(spec);
  if (!match) return { min: 0, max: 0, greedy: false, text: '0' };
  const min = Number(match[1]);
  const max = match[2] === '*' ? Infinity : match[2] ? Number(match[2]) : min;
  return { min, max, greedy: !!match[3], text: match[0] };
}

export function buildStructure(_uri: string, lines: readonly string[], statements: readonly Statement[]): Structure {
  const symbols: SymbolDefinition[] = [];
  const definitions = new Map<string, SymbolDefinition[]>();
  const constants = new Map<string, ConstantDefinition[]>();
  const macros = new Map<string, MacroDefinition>();
  const includes: IncludeEdge[] = [];
  const globals = new Map<string, number>();
  const externs = new Map<string, number>();
  const sections: { name: string; line: number }[] = [];
  const lineFlags = new Uint8Array(lines.length);
  const labelData = new Map<string, string>();
  const labelAddress = new Map<string, Address>();
  const fieldOffsets = new Map<string, bigint>();
  const hereAt = new Map<number, Address>();
  const bitsChanges: { line: number; bits: number }[] = [];
  const scopes: { line: number; name: string }[] = [];
  const definedNames = new Set<string>();
  // Only known values are remembered: an unknown one may become known through an include later.
  const memo = new Map<string, Value>();
  const evaluating = new Set<string>();

  const addSymbol = (symbol: SymbolDefinition) => {
    symbols.push(symbol);
    const list = definitions.get(symbol.name);
    if (list) list.push(symbol); else definitions.set(symbol.name, [symbol]);
  };

  const scopeAt = (line: number): string | undefined => {
    let lo = 0;
    let hi = scopes.length - 1;
    let found: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (scopes[mid]!.line <= line) { found = scopes[mid]!.name; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  };
  const qualify = (name: string, line: number): string => {
    if (!name.startsWith('.') || name.startsWith('..')) return name;
    const scope = scopeAt(line);
    return scope ? scope + name : name;
  };

  const constantValue = (name: string, external?: (n: string) => Value | undefined): Value | undefined => {
    const cached = memo.get(name);
    if (cached !== undefined) return cached;
    if (evaluating.has(name)) return undefined; // a cycle: `a equ b` / `b equ a`
    let value: Value | undefined;
    const definition = constants.get(name);
    if (definition) {
      const last = definition[definition.length - 1]!;
      evaluating.add(name);
      value = evaluate(last.tokens, last.line, external, last.here);
      evaluating.delete(name);
    } else if (fieldOffsets.has(name)) {
      value = num(fieldOffsets.get(name)!);
    } else if (labelAddress.has(name)) {
      value = labelAddress.get(name);
    } else if (external) {
      return external(name);
    }
    if (value !== undefined) memo.set(name, value);
    return value;
  };

  function evaluate(tokens: readonly Token[], line: number, external?: (n: string) => Value | undefined, here?: Address): Value | undefined {
    return evaluateExpression(tokens, {
      resolve: (n) => constantValue(qualify(n, line), external),
      here: here ?? hereAt.get(line),
    });
  }

  // Layout state: the position of the next byte, relative to an anchor label, while it is known.
  let position: Address | undefined;
  let strucName: string | undefined;
  let strucOffset: bigint | undefined = 0n;
  let macroStart: { name: string; line: number; params: ReturnType<typeof parseMacroParameters> } | undefined;
  const conditions: { active: boolean; taken: boolean; known: boolean }[] = [];
  let dataLabel: string | undefined;
  let lastGlobal: SymbolDefinition | undefined;
  const sectionsSeen = new Set<string>();

  const activeNow = () => conditions.every((c) => c.active);

  for (let line = 0; line < statements.length; line++) {
    const statement = statements[line]!;
    const keyword = statement.keyword?.name;
    if (macroStart) lineFlags[line] |= LINE_IN_MACRO;
    if (!activeNow()) lineFlags[line] |= LINE_INACTIVE;

    if (statement.kind === 'preprocessor' && keyword) {
      const nameToken = statement.args[0];
      if (keyword === '%if' || keyword === '%ifdef' || keyword === '%ifndef' || keyword === '%ifmacro' || keyword === '%elif'
        || keyword === '%elifdef' || keyword === '%elifndef' || keyword === '%else' || keyword === '%endif' || keyword.startsWith('%if')) {
        const testOf = (): boolean | undefined => {
          if (keyword.endsWith('ndef')) return nameToken ? !definedNames.has(nameToken.text) : undefined;
          if (keyword.endsWith('def')) return nameToken ? definedNames.has(nameToken.text) : undefined;
          if (keyword === '%if' || keyword === '%elif') {
            const value = evaluate(statement.args, line);
            return value?.kind === 'number' ? value.value !== 0n : undefined;
          }
          return undefined;
        };
        if (keyword === '%endif') {
          conditions.pop();
        } else if (keyword === '%else') {
          const top = conditions[conditions.length - 1];
          if (top) { top.active = top.known ? !top.taken : true; top.taken = true; }
        } else if (keyword.startsWith('%elif')) {
          const top = conditions[conditions.length - 1];
          if (top) {
            const test = testOf();
            const known = top.known && test !== undefined;
            top.active = known ? !top.taken && test! : true;
            top.known = known;
            top.taken ||= top.active && known;
          }
        } else {
          const test = testOf();
          conditions.push({ active: test ?? true, taken: test ?? false, known: test !== undefined });
        }
        // The directive line itself belongs to the enclosing branch.
        lineFlags[line] &= ~LINE_INACTIVE;
        if (!conditions.slice(0, -1).every((c) => c.active) && keyword !== '%endif') lineFlags[line] |= LINE_INACTIVE;
        continue;
      }
      if (keyword === '%macro' || keyword === '%imacro') {
        if (nameToken) macroStart = { name: nameToken.text, line, params: parseMacroParameters(statement.args) };
        lineFlags[line] |= LINE_IN_MACRO;
        continue;
      }
      if (keyword === '%endmacro' || keyword === '%endm') {
        if (macroStart) {
          const definition: MacroDefinition = {
            name: macroStart.name, line: macroStart.line, endLine: line, minParameters: macroStart.params.min,
            maxParameters: macroStart.params.max, greedy: macroStart.params.greedy, parameterText: macroStart.params.text,
          };
          macros.set(definition.name, definition);
          const nameTok = statements[macroStart.line]!.args[0]!;
          addSymbol({ name: definition.name, written: definition.name, kind: 'macro', line: macroStart.line, start: nameTok.start, end: nameTok.end, endLine: line });
          definedNames.add(definition.name);
        }
        macroStart = undefined;
        continue;
      }
      if (macroStart || !activeNow()) continue;
      if ((keyword === '%define' || keyword === '%xdefine' || keyword === '%assign' || keyword === '%idefine' || keyword === '%ixdefine' || keyword === '%iassign') && nameToken?.kind === 'identifier') {
        definedNames.add(nameToken.text);
        const functionLike = statement.args[1]?.text === '(' && statement.args[1].start === nameToken.end;
        memo.delete(nameToken.text);
        if (!functionLike) {
          const directive = keyword.replace('%i', '%') as ConstantDefinition['directive'];
          const list = constants.get(nameToken.text) ?? [];
          list.push({ name: nameToken.text, line, directive, tokens: statement.args.slice(1) });
          constants.set(nameToken.text, list);
        }
        addSymbol({ name: nameToken.text, written: nameToken.text, kind: 'define', line, start: nameToken.start, end: nameToken.end, endLine: line });
      } else if (keyword === '%undef' && nameToken) {
        definedNames.delete(nameToken.text);
      } else if (keyword === '%include' && nameToken?.kind === 'string' && nameToken.string !== undefined) {
        includes.push({ line, path: nameToken.string, start: nameToken.start, end: nameToken.end });
      }
      continue;
    }
    if (!activeNow()) continue;

    if (statement.kind === 'directive' && keyword) {
      const operand = statement.operands[0];
      if (keyword === 'section' || keyword === 'segment') {
        const name = operand?.tokens[0]?.text ?? '';
        sections.push({ name, line });
        position = sectionsSeen.has(name) ? undefined : { kind: 'address', anchor: `section ${name}`, offset: 0n };
        sectionsSeen.add(name);
        dataLabel = undefined;
      } else if (keyword === 'bits' && operand) {
        const bits = Number(operand.tokens[0]?.value ?? 64n);
        bitsChanges.push({ line, bits });
      } else if (keyword === 'use32' || keyword === 'use64' || keyword === 'use16') {
        bitsChanges.push({ line, bits: Number(keyword.slice(3)) });
      } else if (keyword === 'global' || keyword === 'extern' || keyword === 'extrn' || keyword === 'common' || keyword === 'static') {
        for (const op of statement.operands) {
          const name = op.tokens[0];
          if (name?.kind !== 'identifier') continue;
          (keyword === 'extern' || keyword === 'extrn' ? externs : globals).set(name.text, line);
        }
      } else if (keyword === 'struc' && operand?.tokens[0]) {
        const name = operand.tokens[0];
        strucName = name.text;
        strucOffset = 0n;
        scopes.push({ line, name: strucName });
        addSymbol({ name: strucName, written: strucName, kind: 'struc', line, start: name.start, end: name.end, endLine: line });
      } else if (keyword === 'endstruc' && strucName) {
        const struc = definitions.get(strucName)?.find((s) => s.kind === 'struc');
        if (struc) struc.endLine = line;
        if (strucOffset !== undefined) fieldOffsets.set(`${strucName}_size`, strucOffset);
        strucName = undefined;
      } else if (keyword === 'align' || keyword === 'alignb' || keyword === 'org' || keyword === 'absolute') {
        position = undefined;
      }
    }

    // `$` is only recorded where it is used, to keep memory flat on large files.
    if (position && statement.tokens.some((t) => t.kind === 'operator' && (t.text === '$' || t.text === '$$'))) hereAt.set(line, position);

    const label = statement.label;
    if (label && statement.kind !== 'equ') {
      if (macroStart || label.kind === 'macroLocal') { /* macro-local labels exist per expansion */ } else if (strucName && label.kind === 'local') {
        const qualified = strucName + label.text;
        if (strucOffset !== undefined) fieldOffsets.set(qualified, strucOffset);
        addSymbol({ name: qualified, written: label.text, kind: 'field', parent: strucName, line, start: label.start, end: label.end, endLine: line });
      } else {
        const local = label.kind === 'local';
        if (!local && label.kind === 'global') {
          if (lastGlobal) lastGlobal.endLine = line - 1;
          scopes.push({ line, name: label.text });
        }
        const qualified = qualify(label.text, line);
        const symbol: SymbolDefinition = {
          name: qualified, written: label.text, kind: local ? 'localLabel' : 'label', line, start: label.start, end: label.end,
          endLine: line, ...(local ? { parent: scopeAt(line) } : {}),
        };
        addSymbol(symbol);
        if (!local && label.kind === 'global') lastGlobal = symbol;
        if (statement.kind !== 'label' || !macros.has(label.text)) definedNames.add(qualified);
        if (position) labelAddress.set(qualified, position);
        else { position = { kind: 'address', anchor: qualified, offset: 0n }; labelAddress.set(qualified, position); }
        dataLabel = statement.kind === 'data' || statement.kind === 'label' ? qualified : undefined;
      }
    }

    if (statement.kind === 'equ' && label) {
      const qualified = qualify(label.text, line);
      const definition: ConstantDefinition = { name: qualified, line, directive: 'equ', tokens: statement.operands[0]?.tokens ?? [] };
      if (position) definition.here = position;
      const list = constants.get(qualified) ?? [];
      list.push(definition);
      constants.set(qualified, list);
      definedNames.add(qualified);
      addSymbol({ name: qualified, written: label.text, kind: 'constant', line, start: label.start, end: label.end, endLine: line });
      continue;
    }

    if (statement.kind === 'data' || statement.kind === 'reserve') {
      if (dataLabel && statement.kind === 'data') {
        const text = byteText(statement);
        if (text !== undefined) {
          const previous = label ? '' : labelData.get(dataLabel) ?? '';
          if (previous.length < 4096) labelData.set(dataLabel, previous + text);
        } else {
          dataLabel = undefined;
        }
      }
      const size = dataSize(statement, (tokens) => evaluate(tokens, line));
      if (strucName) strucOffset = size !== undefined && strucOffset !== undefined && size < STRUCTURE_LIMIT_BYTES * 1024n ? strucOffset + size : undefined;
      position = position && size !== undefined ? { ...position, offset: position.offset + size } : undefined;
    } else if (statement.kind === 'instruction' || statement.kind === 'macroCall') {
      position = undefined;
      dataLabel = undefined;
    }
  }
  if (lastGlobal) lastGlobal.endLine = statements.length - 1;
  // A macro left open runs to the end of the file, as nasm reports.
  if (macroStart) {
    macros.set(macroStart.name, {
      name: macroStart.name, line: macroStart.line, endLine: statements.length - 1, minParameters: macroStart.params.min,
      maxParameters: macroStart.params.max, greedy: macroStart.params.greedy, parameterText: macroStart.params.text,
    });
  }

  return {
    symbols, definitions, constants, macros, includes, globals, externs, sections, lineFlags, labelData, labelAddress,
    fieldOffsets, hereAt, bitsChanges, scopeAt, qualify,
    evaluate: (tokens, line, external) => evaluate(tokens, line, external),
    constantValue,
    bitsAt(line, fallback) {
      let bits = fallback;
      for (const change of bitsChanges) { if (change.line > line) break; bits = change.bits; }
      return bits;
    },
  };
}
