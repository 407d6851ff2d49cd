// Splits strace's argument text at top-level commas, stepping over strings, nested
// structs/arrays/bit sets, comments and `-y` paths, so `) = ` inside a string never ends a call.
import type { SyscallArgument } from '../events';

export interface ScannedArguments {
  /** Each top-level argument's text, trimmed. */
  parts: string[];
  /** Index just after the `)` that closes the call; -1 when the text ended first. */
  end: number;
}

const OPEN_PAREN = 40, CLOSE_PAREN = 41, OPEN_BRACKET = 91, CLOSE_BRACKET = 93, OPEN_BRACE = 123, CLOSE_BRACE = 125;
const QUOTE = 34, BACKSLASH = 92, COMMA = 44, SLASH = 47, STAR = 42, LESS = 60, GREATER = 62;

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** Scans from `start` (just after the call's `(`) to its matching `)`. */
export function scanArguments(text: string, start: number): ScannedArguments {
  const parts: string[] = [];
  let depth = 0;
  let partStart = start;
  let i = start;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i += 2;
        else if (d === QUOTE) break;
        else i++;
      }
      i++;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    // `-y` prints a descriptor's path in angle brackets right after the number: `3</a, b>`.
    if (c === LESS && i > start && (isWordChar(text.charCodeAt(i - 1)) || text.charCodeAt(i - 1) === SLASH)) {
      const close = findPathEnd(text, i + 1);
      i = close < 0 ? n : close + 1;
      continue;
    }
    if (c === OPEN_PAREN || c === OPEN_BRACKET || c === OPEN_BRACE) depth++;
    else if (c === CLOSE_PAREN || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      if (depth === 0) {
        if (c === CLOSE_PAREN) {
          const last = text.slice(partStart, i).trim();
          if (last || parts.length > 0) parts.push(last);
          return { parts, end: i + 1 };
        }
      } else depth--;
    } else if (c === COMMA && depth === 0) {
      parts.push(text.slice(partStart, i).trim());
      partStart = i + 1;
    }
    i++;
  }
  const last = text.slice(partStart).trim();
  if (last) parts.push(last);
  return { parts, end: -1 };
}

/** The `>` closing a `-y` path: strace escapes `>` inside paths, so the first unescaped one. */
function findPathEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === GREATER) return i;
  }
  return -1;
}

const NAMED = /^([a-z_][a-z0-9_]*)=(?!=)/;
const VERBOSE = /^(\S+) \/\* ([^ ]+) \*\/$/;
// With -X verbose the path follows the comment: `-100 /* AT_FDCWD */</tmp>`.
const FD_PATH = /^(-?\d+(?: \/\* [^ ]+ \*\/)?|AT_FDCWD)<([\s\S]*)>$/;

/** Turns one argument's text into its parts: `-N` name, `-X verbose` raw value, `-y` path. */
export function describeArgument(part: string): SyscallArgument {
  let text = part;
  let name: string | undefined;
  // Cheap tests first: most arguments are plain numbers, flags or strings (the parser's hot path).
  const first = text.charCodeAt(0);
  const named = first >= 97 && first <= 122 && text.includes('=') ? NAMED.exec(text) : null;
  if (named) {
    name = named[1];
    text = text.slice(named[0].length);
  }
  const argument: SyscallArgument = { text };
  if (name) argument.name = name;
  if (text.charCodeAt(text.length - 1) === GREATER) {
    const fd = FD_PATH.exec(text);
    if (fd) {
      argument.text = fd[1]!;
      argument.fdPath = fd[2];
    }
  }
  const verbose = argument.text.endsWith('*/') ? VERBOSE.exec(argument.text) : null;
  if (verbose) {
    argument.raw = verbose[1];
    argument.text = verbose[2]!;
  }
  return argument;
}
