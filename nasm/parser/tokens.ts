// A line tokenizer for NASM: linear in the line length, never throws, whatever the bytes.
import { characterConstantValue, parseNasmNumber, unescapeBackquoted } from './numbers';

export type TokenKind = 'identifier' | 'number' | 'string' | 'operator' | 'comment';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Column (UTF-16 offset) where the token starts in its line. */
  start: number;
  end: number;
  /** Integer value of number literals and character constants. */
  value?: bigint;
  /** Decoded contents of a string literal. */
  string?: string;
  /** A string whose closing quote is missing. */
  unterminated?: boolean;
}

function isIdentifierStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 /* _ */ || c === 46 /* . */ || c === 63 /* ? */
    || c === 64 /* @ */ || c >= 128;
}

function isIdentifierPart(c: number): boolean {
  return isIdentifierStart(c) || (c >= 48 && c <= 57) || c === 36 /* $ */ || c === 35 /* # */ || c === 126 /* ~ */;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const TWO_CHAR_OPERATORS = new Set(['<<', '>>', '//', '%%', '==', '!=', '<=', '>=', '&&', '||', '^^', '<>', '$$']);

/** Splits one line into tokens; a `;` comment becomes a single final token. */
export function tokenizeLine(line: string): Token[] {
  const tokens: Token[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 0 || c === 11 || c === 12) { i++; continue; }
    const start = i;
    if (c === 59 /* ; */) {
      tokens.push({ kind: 'comment', text: line.slice(i), start, end: n });
      break;
    }
    if (c === 34 || c === 39 || c === 96 /* " ' ` */) {
      let j = i + 1;
      while (j < n) {
        const d = line.charCodeAt(j);
        if (d === 92 /* \ */ && c === 96) { j += 2; continue; }
        if (d === c) break;
        j++;
      }
      const terminated = j < n;
      const end = terminated ? j + 1 : n;
      const raw = line.slice(i + 1, terminated ? j : n);
      const body = c === 96 ? unescapeBackquoted(raw) : raw;
      const token: Token = { kind: 'string', text: line.slice(i, end), start, end, string: body };
      const value = characterConstantValue(body);
      if (value !== undefined) token.value = value;
      if (!terminated) token.unterminated = true;
      tokens.push(token);
      i = end;
      continue;
    }
    // `$1f` is hex; `$name` escapes an identifier; `$` and `$$` are positions.
    if (c === 36 /* $ */ && i + 1 < n && isDigit(line.charCodeAt(i + 1))) {
      let j = i + 1;
      while (j < n && isIdentifierPart(line.charCodeAt(j))) j++;
      const text = line.slice(i, j);
      tokens.push({ kind: 'number', text, start, end: j, value: parseNasmNumber(text) });
      i = j;
      continue;
    }
    if (c === 36 && i + 1 < n && isIdentifierStart(line.charCodeAt(i + 1)) && line.charCodeAt(i + 1) !== 46) {
      let j = i + 1;
      while (j < n && isIdentifierPart(line.charCodeAt(j))) j++;
      tokens.push({ kind: 'identifier', text: line.slice(i + 1, j), start: i + 1, end: j });
      i = j;
      continue;
    }
    if (isDigit(c)) {
      let j = i + 1;
      const hex = c === 48 && (line.charCodeAt(i + 1) | 32) === 120;
      while (j < n) {
        const d = line.charCodeAt(j);
        // Floats like 1.5e+3 keep their dot and exponent sign inside the token.
        if (isIdentifierPart(d) || ((d === 43 || d === 45) && !hex && (line.charCodeAt(j - 1) | 32) === 101)) { j++; continue; }
        break;
      }
      const text = line.slice(i, j);
      const value = parseNasmNumber(text);
      tokens.push(value === undefined ? { kind: 'number', text, start, end: j } : { kind: 'number', text, start, end: j, value });
      i = j;
      continue;
    }
    // `%%label` (macro-local) and `%1`, `%+`, `%{...}` stay one token so the statement parser sees them whole.
    if (c === 37 /* % */ && i + 1 < n) {
      let j = i + 1;
      if (line.charCodeAt(j) === 37) j++;
      if (j < n && line.charCodeAt(j) === 123 /* { */) {
        const close = line.indexOf('}', j);
        j = close < 0 ? n : close + 1;
      } else {
        while (j < n && (isIdentifierPart(line.charCodeAt(j)) || line.charCodeAt(j) === 36)) j++;
      }
      if (j > i + 1) {
        tokens.push({ kind: 'identifier', text: line.slice(i, j), start, end: j });
        i = j;
        continue;
      }
    }
    if (isIdentifierStart(c)) {
      let j = i + 1;
      while (j < n && isIdentifierPart(line.charCodeAt(j))) j++;
      tokens.push({ kind: 'identifier', text: line.slice(i, j), start, end: j });
      i = j;
      continue;
    }
    const two = line.slice(i, i + 2);
    const len = TWO_CHAR_OPERATORS.has(two) ? 2 : 1;
    tokens.push({ kind: 'operator', text: line.slice(i, i + len), start, end: i + len });
    i += len;
  }
  return tokens;
}
