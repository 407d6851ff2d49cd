// A multi-line macro invocation as the statements NASM would assemble: the body with %1…%N, %0 and
// %%labels replaced, %if/%ifdef/%ifidn decided where the values are known, and %rep blocks (with
// %rotate and %exitrep) unrolled when their count is known. When a part cannot be decided (a count
// or a condition on an unknown value) the expansion is refused, never guessed.
import type { MacroDefinition } from '../../nasm/document/structure';
import { evaluateExpression } from '../../nasm/parser/expression';
import { parseLine, type Statement } from '../../nasm/parser/statement';
import { tokenizeLine } from '../../nasm/parser/tokens';

/** Where macros come from: this document and its includes. */
export interface MacroSource {
  /** The definition of a macro visible from the invoking document, with a reader for its lines. */
  find(name: string): { definition: MacroDefinition; lineText(line: number): string } | undefined;
  /** Whether a single-line name is defined (for %ifdef), and a constant's value (for %if). */
  isDefined(name: string): boolean;
  constant(name: string): bigint | undefined;
}

export interface Expansion {
  macro: string;
  statements: Statement[];
  /** The text of each statement after substitution. */
  lines: string[];
  /** The body jumps or has labels: values after it are only what straight-line code gives. */
  branches: boolean;
}

const MAX_BODY_LINES = 400;
let expansionCounter = 0;

/**
 * A name a body's %if, %rep or %rotate asked the invoking document about, and the answer: `defined`
 * for %ifdef, `constant` for a number in an expression, `macro` for %ifmacro.
 */
export interface MacroLookup { kind: 'defined' | 'constant' | 'macro'; name: string; meaning: string }

function lookupMeaning(source: MacroSource, kind: MacroLookup['kind'], name: string): string {
  if (kind === 'defined') return source.isDefined(name) ? 'defined' : '';
  if (kind === 'macro') return source.find(name) ? 'macro' : '';
  return String(source.constant(name) ?? '');
}

/** A source that remembers every question asked of it. */
function consulting(source: MacroSource, lookups: MacroLookup[]): MacroSource {
  const ask = (kind: MacroLookup['kind'], name: string) => {
    const meaning = lookupMeaning(source, kind, name);
    lookups.push({ kind, name, meaning });
    return meaning;
  };
  return {
    find: (name) => (ask('macro', name) ? source.find(name) : undefined),
    isDefined: (name) => ask('defined', name) !== '',
    constant: (name) => { const value = ask('constant', name); return value === '' ? undefined : BigInt(value); },
  };
}

/**
 * An expansion and what it was made from: the invocation as written, the body's lines and the names
 * its conditions asked about (with other answers the expansion may differ).
 */
interface Made { definitionLine: number; text: string; body: string[]; lookups: MacroLookup[]; expansion: Expansion | undefined }
const byStatement = new WeakMap<Statement, Made>();
/**
 * Invocations written alike expand alike, in any document, unless the body makes %%labels (unique
 * per invocation) or asked the invoking document about a name: they share one expansion. Bounded;
 * emptied when full.
 */
const byText = new Map<string, Made>();
const MAX_SHARED = 4096;
/** Bounds on unrolling %rep in a body: iterations of one block, and lines of the whole expansion. */
const MAX_REP_COUNT = 256;
const MAX_EXPANDED_LINES = 4000;

/** The line after the `%endrep` that closes the `%rep` on body line `start`, or -1. */
function afterEndrep(body: readonly string[], start: number): number {
  let depth = 0;
  for (let i = start; i < body.length; i++) {
    if (/^\s*%rep\b/i.test(body[i]!)) depth++;
    else if (/^\s*%endrep\b/i.test(body[i]!) && --depth === 0) return i + 1;
  }
  return -1;
}

/** A known number from the text after a directive (`%rep %0`, `%rotate -1`, `%rep COUNT`). */
function numberOf(text: string, source: MacroSource): bigint | undefined {
  const value = evaluateExpression(tokenizeLine(text).filter((t) => t.kind !== 'comment'), {
    resolve: (name) => { const v = source.constant(name); return v === undefined ? undefined : { kind: 'number', value: v }; },
  });
  return value?.kind === 'number' ? value.value : undefined;
}

function madeFrom(
  made: Made | undefined, definitionLine: number, text: string, bodyLine: (k: number) => string, length: number, source: MacroSource,
): boolean {
  if (!made || made.definitionLine !== definitionLine || made.text !== text || made.body.length !== length) return false;
  for (let k = 0; k < length; k++) if (made.body[k] !== bodyLine(k)) return false;
  return made.lookups.every((lookup) => lookupMeaning(source, lookup.kind, lookup.name) === lookup.meaning);
}

function takesArguments(definition: MacroDefinition, count: number): boolean {
  return count >= definition.minParameters && (count <= definition.maxParameters || (definition.greedy && definition.maxParameters > 0));
}

/** The invocation's arguments as written, split at top-level commas (the last takes the rest for `1+` macros). */
export function macroArguments(statement: Statement, definition: MacroDefinition, lineText: string): string[] {
  const args = statement.operands.map((o) => o.text);
  if (definition.greedy && definition.maxParameters > 0 && args.length > definition.maxParameters) {
    const first = statement.operands[definition.maxParameters - 1]!;
    const rest = lineText.slice(first.start, statement.operands.at(-1)!.end);
    return [...args.slice(0, definition.maxParameters - 1), rest];
  }
  // `{a, b}` passes one argument with a comma in it.
  return args.map((a) => (a.startsWith('{') && a.endsWith('}') ? a.slice(1, -1) : a));
}

/** Replaces %N, %{N}, %0 and %%name outside strings. */
function substitute(line: string, args: readonly string[], unique: number): string | undefined {
  let out = '';
  let failed = false;
  for (let i = 0; i < line.length;) {
    const c = line[i]!;
    if (c === '"' || c === '\'' || c === '`') {
      const close = line.indexOf(c, i + 1);
      const end = close < 0 ? line.length : close + 1;
      out += line.slice(i, end);
      i = end;
      continue;
    }
    if (c === ';') { out += line.slice(i); break; }
    if (c !== '%') { out += c; i++; continue; }
    const rest = line.slice(i);
    const parameter = /^%(?:\{(\d+)\}|(\d+))/.exec(rest);
    if (parameter) {
      const n = Number(parameter[1] ?? parameter[2]);
      out += n === 0 ? String(args.length) : args[n - 1] ?? '';
      i += parameter[0].length;
      continue;
    }
    const local = /^%%([\w.$#@~?]+)/.exec(rest);
    if (local) { out += `..@${unique}.${local[1]}`; i += local[0].length; continue; }
    // `a %+ b`: the tokens on either side are pasted into one (`SYS_ %+ %1` → `SYS_write`).
    if (rest.startsWith('%+') && !/^%\+\d/.test(rest)) {
      out = out.trimEnd();
      i += 2;
      while (line[i] === ' ' || line[i] === '\t') i++;
      continue;
    }
    // %-1, %+1, %{1:3} and other rarer forms: not expanded here.
    if (/^%(?:[+-]\d|\{\d+:)/.test(rest)) failed = true;
    out += c;
    i++;
  }
  return failed ? undefined : out;
}

/** The tests of %if-family directives (`%ifnum`, `%ifidni`…); an `n` before one negates it (`%ifnnum`, `%elifnidni`). */
const CONDITION_TESTS = new Set(['def', 'macro', 'idn', 'idni', 'id', 'num', 'str', 'empty', 'env', 'token', 'ctx', '']);

function condition(keyword: string, args: string, source: MacroSource): boolean | undefined {
  const test = keyword.replace(/^%(el)?if/, '');
  // `%ifnum` is the test `num`; `%ifndef` is `def` negated.
  const negate = !CONDITION_TESTS.has(test) && test.startsWith('n') && CONDITION_TESTS.has(test.slice(1));
  const base = `%if${negate ? test.slice(1) : test}`;
  let result: boolean | undefined;
  const trimmed = args.trim();
  if (base === '%ifdef') result = source.isDefined(trimmed);
  else if (base === '%ifmacro') result = source.find(trimmed.split(/\s/)[0]!) !== undefined;
  else if (base === '%ifidn' || base === '%ifidni') {
    const comma = trimmed.indexOf(',');
    if (comma >= 0) {
      const a = trimmed.slice(0, comma).trim();
      const b = trimmed.slice(comma + 1).trim();
      result = base === '%ifidni' ? a.toLowerCase() === b.toLowerCase() : a === b;
    }
  } else if (base === '%ifempty') result = trimmed.length === 0;
  else if (base === '%ifnum' || base === '%ifstr' || base === '%ifid') {
    const tokens = tokenizeLine(trimmed);
    const kind = base === '%ifnum' ? 'number' : base === '%ifstr' ? 'string' : 'identifier';
    result = tokens.length === 1 && tokens[0]!.kind === kind;
  } else if (base === '%if') {
    const value = numberOf(trimmed, source);
    if (value !== undefined) result = value !== 0n;
  }
  return result === undefined ? undefined : negate ? !result : result;
}

/**
 * Expands the macro invoked by `statement`, or undefined when it is not a known macro or cannot be
 * decided. `consulted` is told every name the body's conditions asked the source about (also when the
 * expansion was refused): the expansion holds as long as their answers stay the same.
 */
export function expandMacroCall(
  source: MacroSource, statement: Statement, lineText: string, consulted?: (lookup: MacroLookup) => void,
): Expansion | undefined {
  const made = madeFor(source, statement, lineText);
  if (made && consulted) for (const lookup of made.lookups) consulted(lookup);
  return made?.expansion;
}

function madeFor(source: MacroSource, statement: Statement, lineText: string): Made | undefined {
  const name = statement.kind === 'macroCall' || statement.kind === 'instruction' ? statement.keyword?.text : statement.kind === 'label' ? statement.label?.text : undefined;
  if (!name) return undefined;
  const found = source.find(name);
  if (!found) return undefined;
  const { definition } = found;
  // A macro named like an instruction (`%macro syscall 0-7`) stands for it only when called with a
  // number of arguments it takes; otherwise NASM assembles the instruction.
  if (statement.kind === 'instruction' && !takesArguments(definition, statement.operands.length)) return undefined;
  if (definition.endLine - definition.line > MAX_BODY_LINES) return undefined;
  const length = definition.endLine - definition.line - 1;
  const bodyLine = (k: number) => found.lineText(definition.line + 1 + k);
  const own = byStatement.get(statement);
  if (madeFrom(own, definition.line, lineText, bodyLine, length, source)) return own;
  const sharedKey = `${name}\u0000${lineText}`;
  const shared = byText.get(sharedKey);
  if (madeFrom(shared, definition.line, lineText, bodyLine, length, source)) { byStatement.set(statement, shared!); return shared; }
  const body = Array.from({ length }, (_, k) => bodyLine(k));
  const args = statement.kind === 'label' ? [] : macroArguments(statement, definition, lineText);
  const lookups: MacroLookup[] = [];
  const made: Made = { definitionLine: definition.line, text: lineText, body, lookups, expansion: expand(consulting(source, lookups), definition, args, body) };
  byStatement.set(statement, made);
  if (lookups.length === 0 && !body.some((line) => line.includes('%%'))) {
    if (byText.size >= MAX_SHARED) byText.clear();
    byText.set(sharedKey, made);
  }
  return made;
}

function expand(source: MacroSource, definition: MacroDefinition, invocationArgs: string[], body: string[]): Expansion | undefined {
  const unique = ++expansionCounter;
  // %rotate turns the parameters; %0 stays their count.
  let args = invocationArgs;
  // Each open %rep: the body line it is on, and how many more times its block runs.
  const reps: { line: number; left: bigint; conditions: number }[] = [];
  const statements: Statement[] = [];
  const lines: string[] = [];
  // Each open %if: whether its current branch is taken, and whether one was taken already.
  const conditions: { active: boolean; taken: boolean }[] = [];
  let branches = false;
  for (let index = 0; index < body.length; index++) {
    const raw = body[index]!;
    const text = substitute(raw, args, unique);
    if (text === undefined) return undefined;
    const statement = parseLine(text);
    const keyword = statement.keyword?.name ?? '';
    const active = conditions.every((c) => c.active);
    if (statement.kind === 'preprocessor') {
      const argsText = text.slice(statement.keyword!.end).replace(/;.*$/, '');
      if (/^%(el)?if/.test(keyword)) {
        if (keyword.startsWith('%if')) {
          if (!active) { conditions.push({ active: false, taken: true }); continue; }
          const result = condition(keyword, argsText, source);
          if (result === undefined) return undefined;
          conditions.push({ active: result, taken: result });
        } else {
          const top = conditions.at(-1);
          if (!top) return undefined;
          if (top.taken) { top.active = false; continue; }
          const result = condition(keyword, argsText, source);
          if (result === undefined) return undefined;
          top.active = result;
          top.taken = result;
        }
        continue;
      }
      if (keyword === '%else') { const top = conditions.at(-1); if (top) { top.active = !top.taken; top.taken = true; } continue; }
      if (keyword === '%endif') { conditions.pop(); continue; }
      if (!active) continue;
      if (keyword === '%rep') {
        const count = numberOf(argsText, source);
        if (count === undefined || count < 0n || count > BigInt(MAX_REP_COUNT)) return undefined;
        if (count > 0n) { reps.push({ line: index, left: count, conditions: conditions.length }); continue; }
        const after = afterEndrep(body, index);
        if (after < 0) return undefined;
        index = after - 1;
        continue;
      }
      if (keyword === '%endrep' || keyword === '%exitrep') {
        const top = reps.at(-1);
        if (!top) return undefined;
        top.left = keyword === '%exitrep' ? 0n : top.left - 1n;
        if (top.left > 0n) { index = top.line; continue; }
        reps.pop();
        if (keyword === '%exitrep') {
          conditions.length = top.conditions; // the %if around the %exitrep is left with the block
          const after = afterEndrep(body, top.line);
          if (after < 0) return undefined;
          index = after - 1;
        }
        continue;
      }
      if (keyword === '%rotate') {
        const by = numberOf(argsText, source);
        if (by === undefined) return undefined;
        if (args.length > 0) {
          const n = ((Number(by % BigInt(args.length)) % args.length) + args.length) % args.length;
          args = [...args.slice(n), ...args.slice(0, n)];
        }
        continue;
      }
      // %assign, %define inside a body change what follows in ways we do not model.
      if (/^%(assign|xdefine|define|undef|push|pop|repl|exitmacro)$/.test(keyword)) return undefined;
      continue;
    }
    if (!active) continue;
    if (statement.label || (statement.kind === 'instruction' && /^(j|loop|call)/.test(keyword))) branches = true;
    statements.push(statement);
    lines.push(text);
    if (lines.length > MAX_EXPANDED_LINES) return undefined;
  }
  if (reps.length > 0) return undefined; // a %rep never closed
  return { macro: definition.name, statements, lines, branches };
}
