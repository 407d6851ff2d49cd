// One NASM source line → one Statement with exact column ranges. Never throws.
import { tokenizeLine, type Token } from './tokens';
import {
  DATA_SIZES, DIRECTIVES, MNEMONICS, PREFIXES, REGISTERS, RESERVE_SIZES, SIZE_KEYWORDS, type RegisterInfo,
} from './vocabulary';

export interface Span { start: number; end: number }
export interface Word extends Span { text: string }

/** `name` (global), `.name` (local to the previous global label), `%%name` (macro-local), `..@name`/`..start` (special). */
export type LabelKind = 'global' | 'local' | 'macroLocal' | 'special';

export interface LabelDefinition extends Word {
  kind: LabelKind;
  colon: boolean;
}

export interface Operand extends Span {
  text: string;
  /** Tokens of the operand, size keywords removed. */
  tokens: Token[];
  /** Set when the operand is exactly one register. */
  register?: RegisterInfo;
  /** `[...]` memory reference. */
  memory: boolean;
  /** `byte`, `dword`, `rel`, ... written before the operand. */
  size?: string;
}

export type StatementKind =
  | 'empty'        // blank or comment only
  | 'label'        // only a label (or a parameterless macro call, decided by the document)
  | 'instruction'
  | 'data'         // db..dz
  | 'reserve'      // resb..resz
  | 'equ'
  | 'directive'    // section, global, bits, struc, ...
  | 'preprocessor' // %define, %macro, %if, %include, ...
  | 'macroCall';   // a word that is not an instruction: a macro invocation or a typo

export interface Statement {
  kind: StatementKind;
  label?: LabelDefinition;
  /** The instruction, directive or `%directive` word; `name` is lower-case. */
  keyword?: Word & { name: string };
  prefix?: Word & { name: string };
  operands: Operand[];
  /** For preprocessor statements: every token after the directive, unsplit. */
  args: Token[];
  /** `times N` count expression. */
  times?: Token[];
  comment?: Word;
  /** Every token except the comment. */
  tokens: Token[];
}

const NO_TOKENS: Token[] = [];
const NO_OPERANDS: Operand[] = [];
const EMPTY: Statement = Object.freeze({ kind: 'empty', operands: [], args: [], tokens: [] }) as Statement;

function labelKindOf(name: string): LabelKind {
  if (name.startsWith('%%')) return 'macroLocal';
  if (name.startsWith('..')) return 'special';
  if (name.startsWith('.')) return 'local';
  return 'global';
}

/** A lower-case word that starts a statement: a mnemonic, prefix, data or reserve keyword, directive, `times` or `equ`. */
export function isStatementKeyword(word: string): boolean {
  return MNEMONICS.has(word) || word in DATA_SIZES || word in RESERVE_SIZES || word === 'times' || word === 'equ'
    || DIRECTIVES.has(word) || PREFIXES.has(word);
}

export function splitOperands(tokens: Token[], line: string): Operand[] {
  const operands: Operand[] = [];
  let depth = 0;
  let current: Token[] = [];
  const flush = () => {
    if (current.length === 0) return;
    let size: string | undefined;
    let body = current;
    while (body.length > 1 && body[0]!.kind === 'identifier' && SIZE_KEYWORDS.has(body[0]!.text.toLowerCase())) {
      size = size ? `${size} ${body[0]!.text.toLowerCase()}` : body[0]!.text.toLowerCase();
      body = body.slice(1);
    }
    const first = current[0]!;
    const last = current[current.length - 1]!;
    const operand: Operand = {
      start: first.start, end: last.end, text: line.slice(first.start, last.end), tokens: body,
      memory: body.some((t) => t.text === '['),
    };
    if (size) operand.size = size;
    if (body.length === 1 && body[0]!.kind === 'identifier') {
      const register = REGISTERS.get(body[0]!.text.toLowerCase());
      if (register) operand.register = register;
    }
    operands.push(operand);
    current = [];
  };
  for (const token of tokens) {
    if (token.kind === 'operator') {
      if (token.text === '[' || token.text === '(') depth++;
      else if ((token.text === ']' || token.text === ')') && depth > 0) depth--;
      else if (token.text === ',' && depth === 0) { flush(); continue; }
    }
    current.push(token);
  }
  flush();
  return operands;
}

function word(token: Token): Word & { name: string } {
  return { text: token.text, start: token.start, end: token.end, name: token.text.toLowerCase() };
}

/** Parses the statement that starts at tokens[index] (after any label). */
function parseBody(statement: Statement, tokens: Token[], index: number, line: string): Statement {
  let i = index;
  const first = tokens[i];
  if (!first) {
    statement.kind = statement.label ? 'label' : 'empty';
    return statement;
  }
  if (first.kind === 'identifier' && first.text.toLowerCase() === 'times') {
    // `times N db 0`: the count runs up to the data or instruction keyword.
    statement.keyword = word(first);
    let j = i + 1;
    while (j < tokens.length && !(tokens[j]!.kind === 'identifier' && j > i + 1 && isStatementKeyword(tokens[j]!.text.toLowerCase()))) j++;
    statement.times = tokens.slice(i + 1, j);
    if (j >= tokens.length) { statement.kind = 'directive'; return statement; }
    i = j;
  }
  const head = tokens[i]!;
  if (head.kind !== 'identifier') {
    statement.kind = 'macroCall';
    statement.operands = splitOperands(tokens.slice(i), line);
    return statement;
  }
  let name = head.text.toLowerCase();
  if (PREFIXES.has(name) && tokens[i + 1]?.kind === 'identifier') {
    statement.prefix = word(head);
    i++;
    name = tokens[i]!.text.toLowerCase();
  }
  statement.keyword = word(tokens[i]!);
  const rest = i + 1 < tokens.length ? tokens.slice(i + 1) : NO_TOKENS;
  if (name in DATA_SIZES) statement.kind = 'data';
  else if (name in RESERVE_SIZES) statement.kind = 'reserve';
  else if (name === 'equ') statement.kind = 'equ';
  else if (DIRECTIVES.has(name)) statement.kind = 'directive';
  else if (MNEMONICS.has(name) || PREFIXES.has(name)) statement.kind = 'instruction';
  else statement.kind = 'macroCall';
  statement.operands = rest.length ? splitOperands(rest, line) : NO_OPERANDS;
  return statement;
}

/** Parses one line of NASM source. Total: any string gives a Statement. */
export function parseLine(line: string): Statement {
  if (line.length === 0) return EMPTY;
  let tokens = tokenizeLine(line);
  if (tokens.length === 0) return EMPTY;
  const statement: Statement = { kind: 'empty', operands: NO_OPERANDS, args: NO_TOKENS, tokens };
  const last = tokens[tokens.length - 1];
  if (last?.kind === 'comment') {
    statement.comment = { text: last.text, start: last.start, end: last.end };
    tokens.pop();
  }
  if (tokens.length === 0) return statement;
  // `[bits 32]`, `[section .text]`: the bracketed form of a directive.
  if (tokens[0]!.text === '[' && tokens[1]?.kind === 'identifier' && DIRECTIVES.has(tokens[1].text.toLowerCase())) {
    const close = tokens.findIndex((t) => t.text === ']');
    tokens = tokens.slice(1, close < 0 ? undefined : close);
  }
  const first = tokens[0]!;
  if (first.kind === 'identifier' && first.text.startsWith('%') && !first.text.startsWith('%%') && !/^%[0-9{+-]/.test(first.text)) {
    statement.kind = 'preprocessor';
    statement.keyword = word(first);
    statement.args = tokens.slice(1);
    return statement;
  }
  if (first.kind === 'identifier') {
    const lower = first.text.toLowerCase();
    const next = tokens[1];
    const colon = next?.kind === 'operator' && next.text === ':';
    const nextIsKeyword = next?.kind === 'identifier' && isStatementKeyword(next.text.toLowerCase()) && !PREFIXES.has(lower);
    const bare = tokens.length === 1 && !isStatementKeyword(lower);
    if (colon || (!isStatementKeyword(lower) && !REGISTERS.has(lower) && (nextIsKeyword || bare))
      || (nextIsKeyword && next!.text.toLowerCase() === 'equ')) {
      statement.label = { text: first.text, start: first.start, end: first.end, kind: labelKindOf(first.text), colon };
      return parseBody(statement, tokens, colon ? 2 : 1, line);
    }
  }
  return parseBody(statement, tokens, 0, line);
}
