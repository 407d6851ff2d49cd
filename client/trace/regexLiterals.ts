// The text a regular expression cannot match without: runs of literal characters that every match
// contains, read from the pattern's source. A long trace's regex filter then parses only the blocks
// of its log whose lines hold them (see blockTest in viewModel.ts). Anything the reader is not sure
// of ends a run, or gives no runs at all: a wrong answer would hide rows that match.

/** Characters that stand for themselves after a backslash (`\(`, `\.`): ASCII punctuation only. */
const IDENTITY_ESCAPES = new Set('^$\\.*+?()[]{}|/-,:;!"#%&\'<=>@`~_ '.split(''));

/** Characters with a meaning of their own outside a class. */
const SYNTAX = new Set('^$\\.*+?()[]{}|'.split(''));

/**
 * What each match of `/source/i` contains: for each alternative at the pattern's top level
 * (`ENOENT|EACCES` has two), the runs of literal ASCII characters every match of it holds,
 * lower-cased. Undefined when some alternative has no such run (then no text can be ruled out), or
 * the pattern has something this reader does not follow (a quantifier it does not know, a brace or
 * bracket JavaScript reads as text) or is not valid. Only ASCII: with the `i` flag an ASCII character
 * matches only itself in either case, whereas some others match characters whose lower case differs
 * (final sigma and sigma).
 */
export function requiredLiterals(source: string): string[][] | undefined {
  try {
    new RegExp(source, 'i');
  } catch {
    return undefined;
  }
  const alternatives: string[][] = [];
  for (const alternative of topLevelAlternatives(source)) {
    const runs = sequenceLiterals(alternative);
    if (!runs || runs.length === 0) return undefined;
    alternatives.push(runs);
  }
  return alternatives;
}

/** The pattern cut at each `|` outside groups and classes. */
function topLevelAlternatives(source: string): string[] {
  const alternatives: string[] = [];
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[' || c === '(') {
      const after = c === '[' ? classEnd(source, i) : groupEnd(source, i);
      // Unbalanced: the sequence reader gives up on it.
      if (after < 0) break;
      i = after - 1;
    } else if (c === '|') {
      alternatives.push(source.slice(start, i));
      start = i + 1;
    }
  }
  alternatives.push(source.slice(start));
  return alternatives;
}

/** The runs of one alternative (a pattern without a `|` at its top level); undefined when unsure. */
function sequenceLiterals(source: string): string[] | undefined {
  const runs: string[] = [];
  let run = '';
  const end = () => {
    if (run) runs.push(run);
    run = '';
  };
  for (let i = 0; i < source.length;) {
    const c = source[i]!;
    let literal: string | undefined;
    let next: number;
    if (c === '\\') {
      const escaped = source[i + 1];
      if (escaped === undefined) return undefined;
      if (IDENTITY_ESCAPES.has(escaped)) literal = escaped;
      // \d, \w, \b, \x41, \1…: a set of characters, an assertion or a reference.
      next = escapeEnd(source, i);
    } else if (c === '[') {
      next = classEnd(source, i);
    } else if (c === '(') {
      next = groupEnd(source, i);
    } else if (c === '|') {
      // topLevelAlternatives cut the pattern at these.
      return undefined;
    } else if (c === ')' || c === ']' || c === '{' || c === '}' || c === '*' || c === '+' || c === '?') {
      // A quantifier with nothing before it, a lone bracket or brace: the pattern reads otherwise than this reader thinks.
      return undefined;
    } else {
      // `.`, `^`, `$` match no fixed character.
      if (!SYNTAX.has(c)) literal = c;
      next = i + 1;
    }
    if (next < 0) return undefined;
    const quantifier = quantifierAt(source, next);
    if (quantifier === undefined) return undefined;
    const ascii = literal !== undefined && literal.charCodeAt(0) < 128;
    if (quantifier.min === 0 || !ascii) {
      // The element may be absent (or is no fixed ASCII character): the run ends before it.
      end();
    } else {
      run += literal!.toLowerCase();
      // Repeated (`a+`, `a{2,}`): what follows need not come right after this one character.
      if (quantifier.max !== 1) end();
    }
    i = quantifier.end;
  }
  end();
  return runs;
}

/** The end of the escape at `i` (a backslash): `\x41`, `\u0041`, `\u{…}`, `\cA`, `\k<name>`, `\123` or one character. */
function escapeEnd(source: string, i: number): number {
  const c = source[i + 1]!;
  if (c === 'x') return i + 4;
  if (c === 'u') return source[i + 2] === '{' ? source.indexOf('}', i) + 1 || -1 : i + 6;
  if (c === 'c') return i + 3;
  if (c === 'k' && source[i + 2] === '<') return source.indexOf('>', i) + 1 || -1;
  if (c >= '0' && c <= '9') {
    let j = i + 1;
    while (j < source.length && source[j]! >= '0' && source[j]! <= '9') j++;
    return j;
  }
  return i + 2;
}

/** The index after the class `[…]` that starts at `i`, or -1. */
function classEnd(source: string, i: number): number {
  for (let j = i + 1; j < source.length; j++) {
    if (source[j] === '\\') j++;
    // `[]` matches nothing and `[^]` anything: a `]` right after the opening closes the class.
    else if (source[j] === ']') return j + 1;
  }
  return -1;
}

/** The index after the group `(…)` that starts at `i` (nested groups and classes skipped), or -1. */
function groupEnd(source: string, i: number): number {
  let depth = 0;
  for (let j = i; j < source.length; j++) {
    const c = source[j];
    if (c === '\\') j++;
    else if (c === '[') {
      const after = classEnd(source, j);
      if (after < 0) return -1;
      j = after - 1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return -1;
}

/**
 * The quantifier at `i` (none: exactly once), a lazy `?` after it included; undefined for a brace this
 * reader does not take for a quantifier (`a{`, `a{x}`: JavaScript reads those as literal braces).
 */
function quantifierAt(source: string, i: number): { min: number; max: number; end: number } | undefined {
  const c = source[i];
  const lazy = (q: { min: number; max: number; end: number }) => (source[q.end] === '?' ? { ...q, end: q.end + 1 } : q);
  if (c === '*') return lazy({ min: 0, max: Infinity, end: i + 1 });
  if (c === '+') return lazy({ min: 1, max: Infinity, end: i + 1 });
  if (c === '?') return lazy({ min: 0, max: 1, end: i + 1 });
  if (c === '{') {
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (!braces) return undefined;
    const min = Number(braces[1]);
    const max = braces[2] === undefined ? min : braces[3] ? Number(braces[3]) : Infinity;
    return lazy({ min, max, end: i + braces[0].length });
  }
  return { min: 1, max: 1, end: i };
}
