// Parser for GDB/MI output lines (records), after the grammar in gdb's manual, "GDB/MI Output Syntax".

/** An MI value: a c-string constant, a tuple `{a="1"}` or a list `[...]`. */
export type MIValue = string | MITuple | MIValue[];
export interface MITuple { [name: string]: MIValue }

export type MIRecord =
  /** `^done`, `^running`, `^error`, `^exit`, `^connected`, with the command's token. */
  | { kind: 'result'; token?: number; resultClass: string; results: MITuple }
  /** `*stopped` (exec), `+download` (status), `=thread-group-started` (notify). */
  | { kind: 'exec' | 'status' | 'notify'; token?: number; asyncClass: string; results: MITuple }
  /** `~` console, `@` target, `&` log stream output. */
  | { kind: 'console' | 'target' | 'log'; text: string }
  | { kind: 'prompt' }
  /** Anything else: e.g. program output that reached gdb's stdout. */
  | { kind: 'unknown'; line: string };

const ASYNC_KIND: Record<string, 'exec' | 'status' | 'notify'> = { '*': 'exec', '+': 'status', '=': 'notify' };
const STREAM_KIND: Record<string, 'console' | 'target' | 'log'> = { '~': 'console', '@': 'target', '&': 'log' };
const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b', "'": "'", '?': '?',
};

class SyntaxError_ extends Error {}

/**
 * Deeper lists and tuples are kept as their raw text, unparsed: gdb's own records nest a few levels,
 * and the recursive reader must not run out of stack on a hostile or corrupted line.
 */
export const MAX_NESTING = 64;

/** A cursor over one line; every parse function advances it or throws SyntaxError_. */
class Cursor {
  pos = 0;
  depth = 0;
  constructor(readonly text: string) {}
  peek(): string { return this.text[this.pos] ?? ''; }
  atEnd(): boolean { return this.pos >= this.text.length; }
  expect(ch: string): void {
    if (this.text[this.pos] !== ch) throw new SyntaxError_(`expected '${ch}' at ${this.pos}`);
    this.pos++;
  }
}

/** Decodes an MI c-string starting at the opening quote; octal escapes are bytes of UTF-8 text. */
function parseCString(c: Cursor): string {
  c.expect('"');
  // Most strings (addresses, names, memory as hex) have no escape: one slice, no byte buffer.
  const quote = c.text.indexOf('"', c.pos);
  if (quote >= 0) {
    const backslash = c.text.indexOf('\\', c.pos);
    if (backslash < 0 || backslash > quote) {
      const text = c.text.slice(c.pos, quote);
      c.pos = quote + 1;
      return text;
    }
  }
  const bytes: number[] = [];
  const pushText = (s: string) => { for (const b of Buffer.from(s, 'utf8')) bytes.push(b); };
  for (;;) {
    if (c.atEnd()) throw new SyntaxError_('unterminated string');
    const ch = c.text[c.pos++]!;
    if (ch === '"') break;
    if (ch !== '\\') {
      // A run of plain characters at once, up to the next quote or backslash.
      let end = c.pos;
      while (end < c.text.length && c.text[end] !== '"' && c.text[end] !== '\\') end++;
      pushText(c.text.slice(c.pos - 1, end));
      c.pos = end;
      continue;
    }
    const esc = c.text[c.pos++] ?? '';
    if (esc in SIMPLE_ESCAPES) { pushText(SIMPLE_ESCAPES[esc]!); continue; }
    if (/[0-7]/.test(esc)) {
      let digits = esc;
      while (digits.length < 3 && /[0-7]/.test(c.peek())) digits += c.text[c.pos++];
      bytes.push(parseInt(digits, 8) & 0xff);
      continue;
    }
    if (esc === 'x') {
      let digits = '';
      while (digits.length < 2 && /[0-9a-fA-F]/.test(c.peek())) digits += c.text[c.pos++];
      if (digits) { bytes.push(parseInt(digits, 16)); continue; }
    }
    pushText(esc); // an unknown escape stands for the character itself
  }
  return Buffer.from(bytes).toString('utf8');
}

function parseName(c: Cursor): string {
  const start = c.pos;
  while (!c.atEnd() && !'={}[],"'.includes(c.peek())) c.pos++;
  if (c.pos === start) throw new SyntaxError_(`expected a name at ${start}`);
  return c.text.slice(start, c.pos);
}

function parseValue(c: Cursor): MIValue {
  const ch = c.peek();
  if (ch === '"') return parseCString(c);
  if (ch !== '{' && ch !== '[') throw new SyntaxError_(`expected a value at ${c.pos}`);
  if (c.depth >= MAX_NESTING) return skipNested(c);
  c.depth++;
  const value = ch === '{' ? parseBraced(c) : parseList(c);
  c.depth--;
  return value;
}

/** Steps over a balanced `{…}` or `[…]` without recursion; its raw text becomes the value. */
function skipNested(c: Cursor): string {
  const start = c.pos;
  const open: string[] = [];
  do {
    const ch = c.text[c.pos];
    if (ch === undefined) throw new SyntaxError_('unterminated list or tuple');
    if (ch === '"') { parseCString(c); continue; }
    if (ch === '{' || ch === '[') open.push(ch === '{' ? '}' : ']');
    else if (ch === '}' || ch === ']') {
      if (open.pop() !== ch) throw new SyntaxError_(`unbalanced '${ch}' at ${c.pos}`);
    }
    c.pos++;
  } while (open.length > 0);
  return c.text.slice(start, c.pos);
}

/** Lists made from a repeated name, as opposed to lists gdb wrote. */
const repeatedLists = new WeakSet<MIValue[]>();

/** Adds `name=value` to a tuple. A repeated name turns into a list, so nothing is lost. */
function addResult(tuple: MITuple, name: string, value: MIValue): void {
  if (!(name in tuple)) { tuple[name] = value; return; }
  const existing = tuple[name]!;
  if (Array.isArray(existing) && repeatedLists.has(existing)) existing.push(value);
  else {
    const list: MIValue[] = [existing, value];
    repeatedLists.add(list);
    tuple[name] = list;
  }
}

/** Parses `name=value` pairs separated by commas, until `close` (not consumed) or end of line. */
function parseResults(c: Cursor, tuple: MITuple, close: string): void {
  let lastName: string | undefined;
  while (!c.atEnd() && c.peek() !== close) {
    // MI2's multi-location breakpoint quirk: `bkpt={...},{...},{...}`; the extra tuples become `locations`.
    if (c.peek() === '{' && lastName !== undefined) {
      const extra = parseValue(c);
      const owner = tuple[lastName];
      if (owner && typeof owner === 'object' && !Array.isArray(owner)) {
        const locations = owner.locations;
        if (Array.isArray(locations)) locations.push(extra);
        else owner.locations = [extra];
      }
    } else {
      const name = parseName(c);
      c.expect('=');
      addResult(tuple, name, parseValue(c));
      lastName = name;
    }
    if (c.peek() === ',') c.pos++;
    else break;
  }
}

function parseTuple(c: Cursor): MITuple {
  c.expect('{');
  const tuple: MITuple = {};
  parseResults(c, tuple, '}');
  c.expect('}');
  return tuple;
}

/** A `{…}` value; gdb also writes braces around bare values (`script={"printf …"}`), read as a list. */
function parseBraced(c: Cursor): MITuple | MIValue[] {
  const next = c.text[c.pos + 1];
  if (next !== '"' && next !== '[') return parseTuple(c);
  c.expect('{');
  const values: MIValue[] = [];
  while (c.peek() !== '}') {
    values.push(parseValue(c));
    if (c.peek() === ',') c.pos++;
    else break;
  }
  c.expect('}');
  return values;
}

/** A list holds values or results; for results the names are dropped (`stack=[frame={..},frame={..}]`). */
function parseList(c: Cursor): MIValue[] {
  c.expect('[');
  const list: MIValue[] = [];
  while (c.peek() !== ']') {
    if ('"{['.includes(c.peek())) list.push(parseValue(c));
    else {
      parseName(c);
      c.expect('=');
      list.push(parseValue(c));
    }
    if (c.peek() === ',') c.pos++;
    else break;
  }
  c.expect(']');
  return list;
}

/** Parses one line of gdb's MI output. Never throws: malformed lines come back as `unknown`. */
export function parseRecord(rawLine: string): MIRecord {
  const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
  if (/^\(gdb\) *$/.test(line)) return { kind: 'prompt' };
  try {
    const c = new Cursor(line);
    const tokenMatch = /^\d+/.exec(line);
    const token = tokenMatch ? Number(tokenMatch[0]) : undefined;
    c.pos = tokenMatch ? tokenMatch[0].length : 0;
    const marker = c.text[c.pos++] ?? '';
    if (token === undefined && marker in STREAM_KIND) {
      const text = parseCString(c);
      if (!c.atEnd()) throw new SyntaxError_('text after stream record');
      return { kind: STREAM_KIND[marker]!, text };
    }
    if (marker === '^' || marker in ASYNC_KIND) {
      const start = c.pos;
      while (!c.atEnd() && c.peek() !== ',') c.pos++;
      const className = c.text.slice(start, c.pos);
      if (!/^[a-z][a-z0-9-]*$/.test(className)) throw new SyntaxError_('bad class');
      const results: MITuple = {};
      if (c.peek() === ',') {
        c.pos++;
        parseResults(c, results, '');
      }
      if (!c.atEnd()) throw new SyntaxError_(`trailing text at ${c.pos}`);
      return marker === '^'
        ? { kind: 'result', token, resultClass: className, results }
        : { kind: ASYNC_KIND[marker]!, token, asyncClass: className, results };
    }
  } catch {
    // A malformed line (SyntaxError_) — or anything else this reader did not foresee — is not gdb's to lose.
  }
  return { kind: 'unknown', line };
}

// Typed access to parsed values: MI values are all strings, tuples or lists.

export function str(value: MIValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function tuple(value: MIValue | undefined): MITuple | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

export function list(value: MIValue | undefined): MIValue[] {
  return Array.isArray(value) ? value : [];
}

/** Quotes a string as an MI c-string argument (file names with spaces, quotes, `$(…)`). */
export function quoteMI(text: string): string {
  return '"' + text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}
