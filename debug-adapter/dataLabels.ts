// The data labels of a NASM source, typed from their definitions. NASM's DWARF has no types, so gdb
// cannot show `msg: db "hi", 10` as text; the source can.

export interface DataLabel {
  name: string;
  section: string;
  /** `string` for db data holding text, `numbers` for integers, `reserved` for res* space. */
  kind: 'string' | 'numbers' | 'reserved';
  /** Bytes per element: 1 db/resb, 2 dw, 4 dd, 8 dq, 10 dt, 16 do. */
  elementSize: number;
  /** Number of elements (for strings: bytes). */
  count: number;
  /** 1-based line of the definition. */
  line: number;
}

const SIZE_OF: Record<string, number> = { b: 1, w: 2, d: 4, q: 8, t: 10, o: 16, y: 32, z: 64 };
const DATA_SECTIONS = /^\.(data|rodata|bss|tbss|tdata)\b|^\.?(data|bss|rodata)$/;

/** Splits operands at top-level commas, keeping quoted strings whole. */
function splitOperands(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote = '';
  let depth = 0;
  for (const ch of text) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      current += ch;
    } else if (ch === ';') break;
    else if (ch === '(' ) { depth++; current += ch; }
    else if (ch === ')') { depth--; current += ch; }
    else if (ch === ',' && depth === 0) { parts.push(current.trim()); current = ''; }
    else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** Bytes a string operand produces (backquoted strings understand C escapes). */
function stringLength(operand: string): number {
  const body = operand.slice(1, -1);
  if (operand[0] !== '`') return Buffer.byteLength(body, 'utf8');
  return Buffer.byteLength(body.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|u[0-9a-fA-F]{4}|.)/g, 'x'), 'utf8');
}

/** Strips a trailing comment, respecting quotes. */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) { if (ch === quote) quote = ''; }
    else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === ';') return line.slice(0, i);
  }
  return line;
}

const SECTION = /^\s*\[?\s*(?:section|segment)\s+([^\s\]]+)/i;
const DEFINITION = /^\s*(?:([A-Za-z_.?$@][\w.?$@#~]*)\s*:?\s+)?(?:times\s+(\S+)\s+)?(d[bwdqto]|res[bwdqtoyz])\b\s*(.*)$/i;
const LABEL_ONLY = /^\s*([A-Za-z_.?$@][\w.?$@#~]*):\s*$/;

/** Evaluates a simple `times` count (a number); anything cleverer is left to gdb (count 1). */
function simpleCount(text: string | undefined): number {
  if (!text) return 1;
  const n = Number(text.replace(/_/g, ''));
  return Number.isInteger(n) && n > 0 ? n : 1;
}

export function parseDataLabels(text: string): DataLabel[] {
  const labels: DataLabel[] = [];
  let section = '.text';
  let lastGlobal = '';
  let pending: { name: string; line: number } | undefined;
  let previous: DataLabel | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = stripComment(raw);
    const sectionMatch = SECTION.exec(line);
    if (sectionMatch) { section = sectionMatch[1]!.toLowerCase(); pending = undefined; previous = undefined; return; }
    const labelOnly = LABEL_ONLY.exec(line);
    if (labelOnly) { pending = { name: labelOnly[1]!, line: index + 1 }; previous = undefined; return; }
    const def = DEFINITION.exec(line);
    if (!def) { if (line.trim()) { pending = undefined; previous = undefined; } return; }
    if (!DATA_SECTIONS.test(section)) return;
    const [, explicitName, times, directive, operandText] = def;
    const op = directive!.toLowerCase();
    const reserve = op.startsWith('res');
    const elementSize = SIZE_OF[op[op.length - 1]!]!;
    const repeat = simpleCount(times);
    let count: number;
    let hasText = false;
    if (reserve) count = simpleCount(operandText?.trim()) * repeat;
    else {
      let elements = 0;
      for (const operand of splitOperands(operandText ?? '')) {
        if (/^["'`]/.test(operand) && operand.length >= 2) {
          hasText = true;
          elements += Math.max(1, Math.ceil(stringLength(operand) / elementSize));
        } else elements += 1;
      }
      count = elements * repeat;
    }
    const kind: DataLabel['kind'] = reserve ? 'reserved' : hasText && elementSize === 1 ? 'string' : 'numbers';
    let name = explicitName ?? pending?.name;
    const definedAt = explicitName ? index + 1 : pending?.line ?? index + 1;
    pending = undefined;
    if (!name) {
      // A continuation line (`db "more"` after `msg: db "text"`) extends the previous label.
      if (previous && previous.elementSize === elementSize) previous.count += count;
      return;
    }
    if (name.startsWith('.') && !name.startsWith('..')) name = lastGlobal + name;
    else lastGlobal = name;
    previous = { name, section, kind, elementSize, count, line: definedAt };
    labels.push(previous);
  });
  return labels;
}

/** Shows bytes as a C string literal, escaping what is not printable. */
export function quoteBytes(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x0a) out += '\\n';
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += '\\' + byte.toString(8).padStart(3, '0');
  }
  return `"${out}"`;
}
