// Splits strace's argument text at top-level commas, stepping over strings, nested
// structs/arrays/bit sets, comments and `-y` paths, so `) = ` inside a string never ends a call.
// The parser's hot path: it reads character codes, without regexes. The parser only finds where the
// arguments end (argumentsEnd); they are cut and described when something reads them (splitArguments).
import type { SyscallArgument } from '../events';

const OPEN_PAREN = 40, CLOSE_PAREN = 41, OPEN_BRACKET = 91, CLOSE_BRACKET = 93, OPEN_BRACE = 123, CLOSE_BRACE = 125;
const QUOTE = 34, BACKSLASH = 92, SLASH = 47, STAR = 42, LESS = 60, GREATER = 62, EQUALS = 61, SPACE = 32, MINUS = 45;

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The characters String.prototype.trim removes (and a regex's `\s` matches). */
export function isTrimSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029
    || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/** `text.slice(start, end).trim()`, cut once. */
export function trimmedSlice(text: string, start: number, end: number): string {
  while (start < end && isTrimSpace(text.charCodeAt(start))) start++;
  while (end > start && isTrimSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Characters that matter while scanning arguments; every other one is stepped over at once. */
const SPECIAL = new Uint8Array(128);
for (const c of '"/<()[]{},') SPECIAL[c.charCodeAt(0)] = 1;
/**
 * What may follow a `-y` path: the argument's end (`,` `)` `]` `}`), `(deleted)`, the space before
 * ` <unfinished ...>`, a line's end.
 */
const AFTER_PATH = new Uint8Array(128);
for (const c of ',)]}( \t\r\n') AFTER_PATH[c.charCodeAt(0)] = 1;
/** The same without the comma: finding the end only, commas do not matter. */
const SPECIAL_FOR_END = SPECIAL.map((flag, c) => (c === 44 ? 0 : flag));

/**
 * The first `"` in `text[from, end)` that no backslash escapes (strace escapes it inside strings), or -1.
 * indexOf may look past `end` into the lines after it, but only as far as the next `"`, and a line with
 * no `"` never searches: past their lines' ends, all searches together read the text about once.
 */
function stringEnd(text: string, from: number, end: number): number {
  for (let at = text.indexOf('"', from); at >= 0 && at < end; at = text.indexOf('"', at + 1)) {
    // Escaped when an odd number of backslashes precede it.
    let slashes = 0;
    while (at - slashes - 1 >= from && text.charCodeAt(at - slashes - 1) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return at;
  }
  return -1;
}

/** Index of the first `*\/` in `text[from, end)`, or -1 (comments are short: stepped over, never past `end`). */
function commentEnd(text: string, from: number, end: number): number {
  for (let i = from; i + 1 < end; i++) if (text.charCodeAt(i) === STAR && text.charCodeAt(i + 1) === SLASH) return i;
  return -1;
}

/**
 * The `>` that ends a `-y` path in `text[from, end)`, or -1: the first that no backslash escapes
 * (strace escapes one in a file's name, `a\76b`) and that the argument's end follows. The `>` of a
 * socket that `-yy` names with its peer (`UNIX-STREAM:[9542->9543]`) is followed by the peer.
 * Paths are short: stepped over here, this costs less than finding the line's last `>` first (a line
 * cut at ` <unfinished ...>` has none after a long string).
 */
function pathEnd(text: string, from: number, end: number): number {
  let i = from;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === GREATER && (i + 1 === end || AFTER_PATH[text.charCodeAt(i + 1)] === 1)) return i;
    // A backslash escapes the character after it: a `>` is reached here only after an even run of them.
    i += c === BACKSLASH ? 2 : 1;
  }
  return -1;
}

/** The arguments in `text` (from just after the call's `(` to its `)` or to the line's end, cut short). */
export function splitArguments(text: string): SyscallArgument[] {
  const args: SyscallArgument[] = [];
  scanArguments(text, 0, text.length, args);
  return args;
}

/**
 * Index just after the `)` that closes the call whose arguments start at `start` (just after its `(`),
 * inside the line that ends at `end` (the text may go on with more lines); -1 when the line ends first.
 */
export function argumentsEnd(text: string, start: number, end: number): number {
  return scanArguments(text, start, end, undefined);
}

/**
 * Scans from `start` to the matching `)`: the index after it, or -1. Each top-level argument, trimmed
 * and read by describeArgument, goes into `args` when given.
 */
function scanArguments(text: string, start: number, end: number, args: SyscallArgument[] | undefined): number {
  let depth = 0;
  let partStart = start;
  let i = start;
  const n = end;
  const special = args ? SPECIAL : SPECIAL_FOR_END;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 128 || special[c] === 0) {
      i++;
      continue;
    }
    if (c === QUOTE) {
      const close = stringEnd(text, i + 1, n);
      i = close < 0 ? n : close + 1;
      continue;
    }
    if (c === SLASH) {
      if (text.charCodeAt(i + 1) === STAR) {
        const close = commentEnd(text, i + 2, n);
        i = close < 0 ? n : close + 2;
      } else i++;
      continue;
    }
    // `-y` prints a descriptor's path in angle brackets right after the number: `3</a, b>`.
    if (c === LESS) {
      if (i > start && (isWordChar(text.charCodeAt(i - 1)) || text.charCodeAt(i - 1) === SLASH)) {
        const close = pathEnd(text, i + 1, n);
        i = close < 0 ? n : close + 1;
      } else i++;
      continue;
    }
    if (c === OPEN_PAREN || c === OPEN_BRACKET || c === OPEN_BRACE) depth++;
    else if (c === CLOSE_PAREN || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      if (depth === 0) {
        if (c === CLOSE_PAREN) {
          if (args) {
            const last = trimmedSlice(text, partStart, i);
            if (last || args.length > 0) args.push(describeArgument(last));
          }
          return i + 1;
        }
      } else depth--;
    } else if (depth === 0 && args) {
      args.push(describeArgument(trimmedSlice(text, partStart, i)));
      partStart = i + 1;
    }
    i++;
  }
  if (args) {
    const last = trimmedSlice(text, partStart, n);
    if (last) args.push(describeArgument(last));
  }
  return -1;
}

const DELETED_SUFFIX = '>(deleted)';

/** Turns one argument's text into its parts: `-N` name, `-X verbose` raw value, `-y` path. */
export function describeArgument(part: string): SyscallArgument {
  let text = part;
  let name: string | undefined;
  // `-N` and clone's own names: `flags=CLONE_VM|…` (a lowercase word, then `=` but not `==`).
  const first = text.charCodeAt(0);
  if (first >= 97 && first <= 122) {
    let i = 1;
    for (let c = text.charCodeAt(i); (c >= 97 && c <= 122) || isDigit(c) || c === 95; c = text.charCodeAt(++i));
    if (text.charCodeAt(i) === EQUALS && text.charCodeAt(i + 1) !== EQUALS) {
      name = text.slice(0, i);
      text = text.slice(i + 1);
    }
  }
  const argument: SyscallArgument = { text };
  if (name) argument.name = name;
  // A descriptor of a file removed since it was opened (a memfd, O_TMPFILE, an unlinked file) is
  // printed `3</tmp/a>(deleted)`; its path is kept as /proc/PID/fd names it, `/tmp/a (deleted)`.
  const deleted = text.endsWith(DELETED_SUFFIX);
  const pathEnd = deleted ? text.length - DELETED_SUFFIX.length + 1 : text.length;
  if (text.charCodeAt(pathEnd - 1) === GREATER) {
    const pathStart = fdPathStart(text);
    if (pathStart > 0) {
      argument.text = text.slice(0, pathStart - 1);
      argument.fdPath = text.slice(pathStart, pathEnd - 1) + (deleted ? ' (deleted)' : '');
    }
  }
  if (argument.text.endsWith('*/')) readVerbose(argument);
  return argument;
}

/**
 * Where the path of `3</a>`, `-100 /* AT_FDCWD *\/</tmp>` (-X verbose puts the path after the
 * comment) or `AT_FDCWD</tmp>` starts (just after its `<`); -1 when the text is none of these.
 */
function fdPathStart(text: string): number {
  if (text.startsWith('AT_FDCWD<')) return 9;
  let i = text.charCodeAt(0) === MINUS ? 1 : 0;
  const digits = i;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === digits) return -1;
  if (text.startsWith(' /* ', i)) {
    let j = i + 4;
    while (j < text.length && text.charCodeAt(j) !== SPACE) j++;
    if (j === i + 4 || !text.startsWith(' */', j)) return -1;
    i = j + 3;
  }
  return text.charCodeAt(i) === LESS ? i + 1 : -1;
}

/** `0x80000 /* O_RDONLY|O_CLOEXEC *\/` → text `O_RDONLY|O_CLOEXEC`, raw `0x80000`. */
function readVerbose(argument: SyscallArgument): void {
  const text = argument.text;
  let space = 0;
  while (space < text.length && !isTrimSpace(text.charCodeAt(space))) space++;
  const nameStart = space + 4;
  const nameEnd = text.length - 3;
  if (space === 0 || nameEnd <= nameStart || !text.startsWith(' /* ', space) || !text.startsWith(' */', nameEnd)) return;
  const symbolic = text.slice(nameStart, nameEnd);
  if (symbolic.includes(' ')) return;
  argument.raw = text.slice(0, space);
  argument.text = symbolic;
}
