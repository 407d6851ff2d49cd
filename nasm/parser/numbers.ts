// NASM numeric literals in every form the assembler accepts (NASM manual §3.4.1).

const DIGITS: Record<number, RegExp> = {
  2: /^[01]+$/,
  8: /^[0-7]+$/,
  10: /^[0-9]+$/,
  16: /^[0-9a-f]+$/,
};

function digitsToBigInt(digits: string, radix: number): bigint | undefined {
  const clean = digits.replace(/_/g, '');
  if (!clean || !DIGITS[radix]!.test(clean)) return undefined;
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : '';
  return BigInt(prefix + clean);
}

/**
 * The value of a NASM integer literal: `123`, `123d`, `0d123`, `0x1f`, `0h1f`, `1fh`, `$1f`,
 * `777q`, `777o`, `0o777`, `0q777`, `1010b`, `1010y`, `0b1010`, `0y1010`, with `_` separators.
 * Undefined when the text is not an integer literal (floats included).
 */
export function parseNasmNumber(text: string): bigint | undefined {
  const t = text.toLowerCase();
  if (!t || t.length > 200) return undefined;
  // `$` followed by a digit is a hex prefix; a lone `$` is the current position.
  if (t[0] === '$') return /^\$[0-9]/.test(t) ? digitsToBigInt(t.slice(1), 16) : undefined;
  if (!/^[0-9]/.test(t)) return undefined;
  if (t.length > 2 && t[0] === '0') {
    const radix = { x: 16, h: 16, o: 8, q: 8, b: 2, y: 2, d: 10, t: 10 }[t[1]!];
    // `0b1h`-like ambiguities: a suffix form wins only if the prefix form fails.
    if (radix !== undefined) {
      const prefixed = digitsToBigInt(t.slice(2), radix);
      if (prefixed !== undefined) return prefixed;
    }
  }
  const suffixRadix = { h: 16, q: 8, o: 8, b: 2, y: 2, d: 10, t: 10 }[t[t.length - 1]!];
  if (suffixRadix !== undefined) {
    const suffixed = digitsToBigInt(t.slice(0, -1), suffixRadix);
    if (suffixed !== undefined) return suffixed;
  }
  return digitsToBigInt(t, 10);
}

/** A character constant (`'ab'`) as a number: the bytes in little-endian order, as NASM does. */
export function characterConstantValue(body: string): bigint | undefined {
  // Only up to 8 bytes fit in a number; longer strings are data, not character constants.
  if (body.length > 8) return undefined;
  const bytes = Buffer.from(body, 'utf8');
  let value = 0n;
  for (let i = Math.min(bytes.length, 8) - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

/** Decodes the body of a backquoted NASM string (C-like escapes). */
export function unescapeBackquoted(body: string): string {
  const simple: Record<string, string> = {
    n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b',
    '\\': '\\', "'": "'", '"': '"', '`': '`', '?': '?',
  };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\' || i + 1 >= body.length) { out += c; continue; }
    const next = body[++i]!;
    if (next === 'x') {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1))?.[0];
      if (hex) { out += String.fromCharCode(parseInt(hex, 16)); i += hex.length; continue; }
    }
    if (/[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCharCode(parseInt(oct, 8)); i += oct.length - 1; continue;
    }
    out += simple[next] ?? next;
  }
  return out;
}
