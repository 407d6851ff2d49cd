// Register layout and formatting: how the flat list gdb reports becomes the groups a person reads.

export interface GeneralRegister {
  name: string;
  /** Narrower views of the same register, widest first: eax, ax, al (and ah where it exists). */
  parts: Array<{ name: string; bits: number; shift?: number }>;
}

const LEGACY = ['ax', 'bx', 'cx', 'dx'];
const INDEX = ['si', 'di', 'bp', 'sp'];

export const GENERAL_REGISTERS_64: GeneralRegister[] = [
  ...LEGACY.map((r) => ({
    name: `r${r}`,
    parts: [{ name: `e${r}`, bits: 32 }, { name: r, bits: 16 }, { name: `${r[0]}l`, bits: 8 }, { name: `${r[0]}h`, bits: 8, shift: 8 }],
  })),
  ...INDEX.map((r) => ({
    name: `r${r}`, parts: [{ name: `e${r}`, bits: 32 }, { name: r, bits: 16 }, { name: `${r}l`, bits: 8 }],
  })),
  ...[8, 9, 10, 11, 12, 13, 14, 15].map((n) => ({
    name: `r${n}`, parts: [{ name: `r${n}d`, bits: 32 }, { name: `r${n}w`, bits: 16 }, { name: `r${n}b`, bits: 8 }],
  })),
];

export const GENERAL_REGISTERS_32: GeneralRegister[] = [
  ...LEGACY.map((r) => ({
    name: `e${r}`, parts: [{ name: r, bits: 16 }, { name: `${r[0]}l`, bits: 8 }, { name: `${r[0]}h`, bits: 8, shift: 8 }],
  })),
  ...INDEX.map((r) => ({ name: `e${r}`, parts: [{ name: r, bits: 16 }] })),
];

export const SEGMENT_REGISTERS = ['cs', 'ss', 'ds', 'es', 'fs', 'gs', 'fs_base', 'gs_base'];

/** rflags bits worth naming: the arithmetic status flags and the control flags a program can see. */
const FLAG_BITS: Array<[string, number, string]> = [
  ['CF', 0, 'carry'], ['PF', 2, 'parity'], ['AF', 4, 'adjust'], ['ZF', 6, 'zero'], ['SF', 7, 'sign'],
  ['TF', 8, 'trap'], ['IF', 9, 'interrupt enable'], ['DF', 10, 'direction'], ['OF', 11, 'overflow'],
];

export function decodeFlags(value: bigint): Array<{ name: string; set: boolean; meaning: string }> {
  return FLAG_BITS.map(([name, bit, meaning]) => ({ name, set: ((value >> BigInt(bit)) & 1n) === 1n, meaning }));
}

/** `0x202 [IF]` */
export function formatFlags(value: bigint): string {
  const set = decodeFlags(value).filter((f) => f.set).map((f) => f.name);
  return `0x${value.toString(16)} [${set.join(' ')}]`;
}

export function mask(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

/** Interprets the low `bits` of a value as two's complement. */
export function toSigned(value: bigint, bits: number): bigint {
  const v = value & mask(bits);
  return v >= 1n << BigInt(bits - 1) ? v - (1n << BigInt(bits)) : v;
}

/** `0xfffffffffffffffe (-2)`: hex, plus signed decimal when it differs from what the hex says at a glance. */
export function formatInteger(value: bigint, bits: number): string {
  const v = value & mask(bits);
  const hex = `0x${v.toString(16)}`;
  const signed = toSigned(v, bits);
  return `${hex} (${signed.toString()})`;
}

/** The view `part` of a full register value. */
export function partValue(full: bigint, part: { bits: number; shift?: number }): bigint {
  return (full >> BigInt(part.shift ?? 0)) & mask(part.bits);
}

/** Parses gdb's hex register text (`0x40100d`); undefined for unavailable or vector values. */
export function parseRegisterValue(text: string | undefined): bigint | undefined {
  if (!text || !/^-?(0x[0-9a-f]+|\d+)$/i.test(text)) return undefined;
  const v = text.startsWith('-') ? -BigInt(text.slice(1)) : BigInt(text);
  return v < 0n ? v & mask(64) : v;
}

/** x87, SSE and AVX registers: shown only when their group is expanded. */
export function isVectorOrFloatRegister(name: string): boolean {
  return /^(st\d|f(ctrl|stat|tag|iseg|ioff|oseg|ooff|op)|xmm\d+|ymm\d+|zmm\d+|k\d|mxcsr)$/.test(name);
}

const REGISTER_WORD = /(?<![$\w.])(r[a-d]x|e[a-d]x|[a-d][xlh]|[re]?(?:si|di|bp|sp|ip)|(?:si|di|bp|sp)l|r(?:8|9|1[0-5])[dwb]?|eflags|orig_[re]ax|[c-gs]s|fs_base|gs_base)(?![\w.])/g;

/** `rax + 8` → `$rax + 8`: NASM reserves register names, so a bare one can only mean the register. */
export function withRegisterSigils(expression: string): string {
  return expression.replace(REGISTER_WORD, '$$$1');
}

export function isRegisterName(name: string): boolean {
  return withRegisterSigils(name) !== name;
}
