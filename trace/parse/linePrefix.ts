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
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

function isBlankChar(code: number): boolean {
  return code === SPACE || code === TAB;
}

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

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** `[pid N]`, `N` or `N<comm>`, each followed by blanks, into `prefix.pid`; the index after it, or 0. */
function readPid(line: string, prefix: LinePrefix): number {
  const bracketed = line.charCodeAt(0) === OPEN_BRACKET;
  let digits = 0;
  if (bracketed) {
    if (!line.startsWith('[pid', 0)) return 0;
    digits = 4;
    while (isTrimSpace(line.charCodeAt(digits))) digits++;
    if (digits === 4) return 0;
  }
  const digitsEnd = skipDigits(line, digits);
  if (digitsEnd === digits) return 0;
  let i = digitsEnd;
  if (bracketed) {
    if (line.charCodeAt(i) !== CLOSE_BRACKET) return 0;
    i++;
  } else if (line.charCodeAt(i) === LESS) {
    const close = line.indexOf('>', i + 1);
    if (close < 0) return 0;
    i = close + 1;
  }
  if (!isBlankChar(line.charCodeAt(i))) return 0;
  prefix.pid = decimalAt(line, digits, digitsEnd);
  return skipBlanks(line, i);
}

function twoDigits(line: string, i: number): number {
  return (line.charCodeAt(i) - 48) * 10 + line.charCodeAt(i + 1) - 48;
}

/**
 * `1700000000.123456 ` (-ttt), `10:13:56 ` (-t) or `10:13:56.384122 ` (-tt) at `from`, into
 * `prefix.time`; the index after it, or `from`.
 */
function readTimestamp(line: string, from: number, prefix: LinePrefix): number {
  const start = skipBlanks(line, from);
  const whole = skipDigits(line, start);
  // Time of day: HH:MM:SS with an optional fraction.
  if (whole - start === 2 && line.charCodeAt(whole) === COLON) {
    if (!isDigit(line.charCodeAt(start + 3)) || !isDigit(line.charCodeAt(start + 4)) || line.charCodeAt(start + 5) !== COLON
      || !isDigit(line.charCodeAt(start + 6)) || !isDigit(line.charCodeAt(start + 7))) return from;
    let end = start + 8;
    let fraction = 0;
    if (line.charCodeAt(end) === DOT && isDigit(line.charCodeAt(end + 1))) {
      const fractionEnd = skipDigits(line, end + 1);
      fraction = decimalAt(line, end, fractionEnd);
      end = fractionEnd;
    }
    if (!isBlankChar(line.charCodeAt(end))) return from;
    // The same sum, in the same order, as adding the fields read one by one.
    prefix.time = twoDigits(line, start) * 3600 + twoDigits(line, start + 3) * 60 + twoDigits(line, start + 6) + fraction;
    return skipBlanks(line, end);
  }
  // Seconds since the epoch: digits '.' digits.
  if (whole === start || line.charCodeAt(whole) !== DOT) return from;
  const end = skipDigits(line, whole + 1);
  if (end === whole + 1 || !isBlankChar(line.charCodeAt(end))) return from;
  prefix.time = decimalAt(line, start, end);
  return skipBlanks(line, end);
}

/** `[00007f…] ` (-i): 8 to 16 hex digits, or 8 or 16 `?` when strace could not read it. */
function readInstructionPointer(line: string, from: number, prefix: LinePrefix): number {
  let i = from + 1;
  let ip = 0;
  for (let digit = hexDigit(line.charCodeAt(i)); digit >= 0; digit = hexDigit(line.charCodeAt(++i))) ip = ip * 16 + digit;
  let digits = i - from - 1;
  const known = digits > 0;
  if (!known) {
    while (line.charCodeAt(i) === QUESTION) i++;
    digits = i - from - 1;
  }
  if (known ? digits < 8 || digits > 16 : digits !== 8 && digits !== 16) return from;
  if (line.charCodeAt(i) !== CLOSE_BRACKET || !isBlankChar(line.charCodeAt(i + 1))) return from;
  if (known) {
    prefix.ip = ip > Number.MAX_SAFE_INTEGER ? parseInt(line.slice(from + 1, i), 16) : ip;
    prefix.narrowIp = digits < 16;
  }
  return skipBlanks(line, i + 1);
}

/** `[  59] ` (-n: the syscall number); the index after it, or `from`. */
function skipSyscallNumber(line: string, from: number): number {
  let i = from + 1;
  while (line.charCodeAt(i) === SPACE) i++;
  const digits = i;
  i = skipDigits(line, i);
  if (i === digits || line.charCodeAt(i) !== CLOSE_BRACKET || !isBlankChar(line.charCodeAt(i + 1))) return from;
  return skipBlanks(line, i + 1);
}

export function readLinePrefix(line: string): LinePrefix {
  // Every field from the start, so all prefixes share one shape.
  const prefix: LinePrefix = { pid: 0, time: undefined, ip: undefined, narrowIp: false, bodyStart: 0 };
  let i = 0;
  const first = line.charCodeAt(0);
  if (isDigit(first) || first === OPEN_BRACKET) i = readPid(line, prefix);
  i = readTimestamp(line, i, prefix);
  if (line.charCodeAt(i) === OPEN_BRACKET) {
    i = readInstructionPointer(line, i, prefix);
    if (line.charCodeAt(i) === OPEN_BRACKET) i = skipSyscallNumber(line, i);
  }
  prefix.bodyStart = i;
  return prefix;
}

