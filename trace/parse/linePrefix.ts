// Reads what strace prints before a call, character by character (the parser's hot path):
// `[pid N]` or `N` or `N<comm>` (-f), a timestamp (-t/-tt/-ttt), `[ip]` (-i) and `[ nr]` (-n).
import { isDigit, isTrimSpace } from './argumentScanner';

export interface LinePrefix {
  /** 0 when strace printed no pid. */
  pid: number;
  /** Seconds since the epoch (-ttt) or since midnight (-t/-tt). */
  time?: number;
  ip?: number;
  /** strace prints an 8-digit ip while the process runs in 32-bit mode, 16 digits in 64-bit mode. */
  narrowIp: boolean;
  /** Where the rest of the line (the call, signal or exit) begins. */
  bodyStart: number;
}

const SPACE = 32, TAB = 9, OPEN_BRACKET = 91, CLOSE_BRACKET = 93, LESS = 60, DOT = 46, COLON = 58, QUESTION = 63;
/** 10 to the power of each index: exact doubles up to 10^22. */
export const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

function isBlankChar(code: number): boolean {
  return code === SPACE || code === TAB;
}

// Every reader below takes the line as `text[start, end)` inside a larger text (the chunk strace
// wrote), so no line is cut out of it. Past `end` lies a line end or nothing: a single look at
// `text[end]` never matches what a reader wants there, so only runs and searches check `end`.

/** Index after a run of spaces and tabs from `i`. */
function skipBlanks(text: string, i: number): number {
  while (isBlankChar(text.charCodeAt(i))) i++;
  return i;
}

/** Index after a run of decimal digits from `i`. */
function skipDigits(text: string, i: number): number {
  while (isDigit(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The number written in `text[start, end)`: digits with at most one `.`. Exactly what Number() of that
 * text gives: an integer below 2^53 divided by an exact power of ten is rounded once, as Number rounds.
 */
export function decimalAt(text: string, start: number, end: number): number {
  let mantissa = 0;
  let fractionDigits = -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) fractionDigits = 0;
    else {
      mantissa = mantissa * 10 + (c - 48);
      if (fractionDigits >= 0) fractionDigits++;
    }
  }
  if (mantissa > Number.MAX_SAFE_INTEGER || fractionDigits >= POWERS_OF_TEN.length) return Number(text.slice(start, end));
  return fractionDigits > 0 ? mantissa / POWERS_OF_TEN[fractionDigits]! : mantissa;
}

/** The value of each lowercase hex digit by character code, -1 for every other character. */
const HEX_DIGITS = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) HEX_DIGITS['0123456789abcdef'.charCodeAt(d)] = d;

function hexDigit(code: number): number {
  // A code past the text's end is NaN: not below 128.
  return code < 128 ? HEX_DIGITS[code]! : -1;
}

/** `[pid N]`, `N` or `N<comm>`, each followed by blanks, into `prefix.pid`; the index after it, or `start`. */
function readPid(text: string, start: number, end: number, prefix: LinePrefix): number {
  const bracketed = text.charCodeAt(start) === OPEN_BRACKET;
  let digits = start;
  if (bracketed) {
    if (!text.startsWith('[pid', start)) return start;
    digits = start + 4;
    while (digits < end && isTrimSpace(text.charCodeAt(digits))) digits++;
    if (digits === start + 4) return start;
  }
  // The pid is summed as its digits are stepped over (as decimalAt sums them).
  let pid = 0;
  let digitsEnd = digits;
  for (let c = text.charCodeAt(digitsEnd); isDigit(c); c = text.charCodeAt(++digitsEnd)) pid = pid * 10 + (c - 48);
  if (digitsEnd === digits) return start;
  let i = digitsEnd;
  if (bracketed) {
    if (text.charCodeAt(i) !== CLOSE_BRACKET) return start;
    i++;
  } else if (text.charCodeAt(i) === LESS) {
    const close = text.indexOf('>', i + 1);
    if (close < 0 || close >= end) return start;
    i = close + 1;
  }
  if (!isBlankChar(text.charCodeAt(i))) return start;
  prefix.pid = pid > Number.MAX_SAFE_INTEGER ? Number(text.slice(digits, digitsEnd)) : pid;
  return skipBlanks(text, i);
}

function twoDigits(text: string, i: number): number {
  return (text.charCodeAt(i) - 48) * 10 + text.charCodeAt(i + 1) - 48;
}

/**
 * `1700000000.123456 ` (-ttt), `10:13:56 ` (-t) or `10:13:56.384122 ` (-tt) at `from`, into
 * `prefix.time`; the index after it, or `from`.
 */
function readTimestamp(text: string, from: number, prefix: LinePrefix): number {
  const start = skipBlanks(text, from);
  // The whole seconds (-ttt) are read as they are stepped over.
  let mantissa = 0;
  let whole = start;
  for (let c = text.charCodeAt(whole); isDigit(c); c = text.charCodeAt(++whole)) mantissa = mantissa * 10 + (c - 48);
  // Time of day: HH:MM:SS with an optional fraction.
  if (whole - start === 2 && text.charCodeAt(whole) === COLON) {
    if (!isDigit(text.charCodeAt(start + 3)) || !isDigit(text.charCodeAt(start + 4)) || text.charCodeAt(start + 5) !== COLON
      || !isDigit(text.charCodeAt(start + 6)) || !isDigit(text.charCodeAt(start + 7))) return from;
    let end = start + 8;
    let fraction = 0;
    if (text.charCodeAt(end) === DOT && isDigit(text.charCodeAt(end + 1))) {
      // The fraction is summed as its digits are stepped over (as decimalAt sums them).
      const dot = end;
      let digits = 0;
      for (let c = text.charCodeAt(++end); isDigit(c); c = text.charCodeAt(++end)) digits = digits * 10 + (c - 48);
      fraction = digits > Number.MAX_SAFE_INTEGER || end - dot - 1 >= POWERS_OF_TEN.length
        ? decimalAt(text, dot, end) : digits / POWERS_OF_TEN[end - dot - 1]!;
    }
    if (!isBlankChar(text.charCodeAt(end))) return from;
    // The same sum, in the same order, as adding the fields read one by one.
    prefix.time = twoDigits(text, start) * 3600 + twoDigits(text, start + 3) * 60 + twoDigits(text, start + 6) + fraction;
    return skipBlanks(text, end);
  }
  // Seconds since the epoch: digits '.' digits, read in one pass (as decimalAt reads them).
  if (whole === start || text.charCodeAt(whole) !== DOT) return from;
  let end = whole + 1;
  for (let c = text.charCodeAt(end); isDigit(c); c = text.charCodeAt(++end)) mantissa = mantissa * 10 + (c - 48);
  const fractionDigits = end - whole - 1;
  if (fractionDigits === 0 || !isBlankChar(text.charCodeAt(end))) return from;
  prefix.time = mantissa > Number.MAX_SAFE_INTEGER || fractionDigits >= POWERS_OF_TEN.length
    ? Number(text.slice(start, end)) : mantissa / POWERS_OF_TEN[fractionDigits]!;
  return skipBlanks(text, end);
}

/** `[00007f…] ` (-i): 8 to 16 hex digits, or 8 or 16 `?` when strace could not read it. */
function readInstructionPointer(text: string, from: number, prefix: LinePrefix): number {
  let i = from + 1;
  let ip = 0;
  for (let digit = hexDigit(text.charCodeAt(i)); digit >= 0; digit = hexDigit(text.charCodeAt(++i))) ip = ip * 16 + digit;
  let digits = i - from - 1;
  const known = digits > 0;
  if (!known) {
    while (text.charCodeAt(i) === QUESTION) i++;
    digits = i - from - 1;
  }
  if (known ? digits < 8 || digits > 16 : digits !== 8 && digits !== 16) return from;
  if (text.charCodeAt(i) !== CLOSE_BRACKET || !isBlankChar(text.charCodeAt(i + 1))) return from;
  if (known) {
    prefix.ip = ip > Number.MAX_SAFE_INTEGER ? parseInt(text.slice(from + 1, i), 16) : ip;
    prefix.narrowIp = digits < 16;
  }
  return skipBlanks(text, i + 1);
}

/** `[  59] ` (-n: the syscall number); the index after it, or `from`. */
function skipSyscallNumber(text: string, from: number): number {
  let i = from + 1;
  while (text.charCodeAt(i) === SPACE) i++;
  const digits = i;
  i = skipDigits(text, i);
  if (i === digits || text.charCodeAt(i) !== CLOSE_BRACKET || !isBlankChar(text.charCodeAt(i + 1))) return from;
  return skipBlanks(text, i + 1);
}

/** A prefix to read lines into (see readLinePrefix). */
export function emptyPrefix(): LinePrefix {
  // Every field from the start, so all prefixes share one shape.
  return { pid: 0, time: undefined, ip: undefined, narrowIp: false, bodyStart: 0 };
}

/** Reads the prefix of the line `text[start, end)` into `prefix` (every field is set). */
export function readLinePrefix(text: string, start: number, end: number, prefix: LinePrefix = emptyPrefix()): LinePrefix {
  prefix.pid = 0;
  prefix.time = undefined;
  prefix.ip = undefined;
  prefix.narrowIp = false;
  let i = start;
  const first = text.charCodeAt(start);
  if (isDigit(first) || first === OPEN_BRACKET) i = readPid(text, start, end, prefix);
  i = readTimestamp(text, i, prefix);
  if (text.charCodeAt(i) === OPEN_BRACKET) {
    i = readInstructionPointer(text, i, prefix);
    if (text.charCodeAt(i) === OPEN_BRACKET) i = skipSyscallNumber(text, i);
  }
  prefix.bodyStart = i;
  return prefix;
}
