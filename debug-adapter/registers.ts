// Register layout and formatting: how the flat list gdb reports becomes the groups a person reads.
import {
  GDB_ONLY_REGISTERS, GPR_FAMILIES, INSTRUCTION_POINTERS, SEGMENT_REGISTERS as NASM_SEGMENT_REGISTERS,
  SEGMENT_BASES, gprNames, gprView, mask, registerOfWidth, toSigned, viewsOf, type GprView,
} from '../x86';

export interface RegisterPart {
  /** NASM's name, shown to the user. */
  name: string;
  /** gdb's name, for `$name` (r8b is `$r8l`); undefined for sp, which gdb cannot name. */
  gdbName: string | undefined;
  bits: number;
  shift: number;
}

export interface GeneralRegister {
  name: string;
  /** Narrower views of the same register, widest first: eax, ax, al (and ah where it exists). */
  parts: RegisterPart[];
}

const part = (v: GprView): RegisterPart => ({ name: v.name, gdbName: v.gdbName, bits: v.bits, shift: v.shift });

export const GENERAL_REGISTERS_64: GeneralRegister[] = GPR_FAMILIES.map((family) => ({
  name: family, parts: viewsOf(family).filter((v) => v.bits < 64).map(part),
}));

/** A 32-bit program has the eight legacy registers, and only their legacy views. */
export const GENERAL_REGISTERS_32: GeneralRegister[] = GPR_FAMILIES.filter((f) => viewsOf(f).some((v) => v.legacy && v.bits === 32))
  .map((family) => ({ name: registerOfWidth(family, 32)!, parts: viewsOf(family).filter((v) => v.legacy && v.bits < 32).map(part) }));

export const SEGMENT_REGISTERS: readonly string[] = [...NASM_SEGMENT_REGISTERS, ...SEGMENT_BASES];

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

/** `0xfffffffffffffffe (-2)`: hex, plus signed decimal when it differs from what the hex says at a glance. */
export function formatInteger(value: bigint, bits: number): string {
  const v = value & mask(bits);
  const hex = `0x${v.toString(16)}`;
  const signed = toSigned(v, bits);
  return `${hex} (${signed.toString()})`;
}

const UNSIGNED: Record<number, string> = { 8: 'unsigned char', 16: 'unsigned short', 32: 'unsigned int', 64: 'unsigned long long' };

/** gdb's expression for the view `part` of register `whole`: its own name, or its bits cut out of `whole`. */
export function partExpression(part: RegisterPart, whole: string): string {
  if (part.gdbName) return `$${part.gdbName}`;
  return `(${UNSIGNED[part.bits]})((unsigned long long)$${whole} >> ${part.shift})`;
}

/** gdb's assignment of `value` to the view `part` of `whole`, leaving the other bits of `whole` alone. */
export function partAssignment(part: RegisterPart, whole: string, value: string): string {
  if (part.gdbName) return `$${part.gdbName} = ${value}`;
  const bits = `0x${(mask(part.bits) << BigInt(part.shift)).toString(16)}ULL`;
  return `$${whole} = ((unsigned long long)$${whole} & ~${bits}) | (((unsigned long long)(${value}) << ${part.shift}) & ${bits})`;
}

/** The view `part` of a full register value. */
export function partValue(full: bigint, part: { bits: number; shift: number }): bigint {
  return (full >> BigInt(part.shift)) & mask(part.bits);
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

/** Every register name a user may type, and gdb's expression for it (r8b is $r8l; sp is cut out of gdb's $sp). */
const GDB_EXPRESSION_OF = new Map<string, string>([
  // gdb's $sp is the whole stack pointer in 32- and 64-bit programs alike, so a nameless view is cut from it.
  ...gprNames().map((name) => [name, partExpression(part(gprView(name)!), 'sp')] as const),
  ...[...INSTRUCTION_POINTERS.map((r) => r.name), ...NASM_SEGMENT_REGISTERS, ...GDB_ONLY_REGISTERS].map((name) => [name, `$${name}`] as const),
]);
const REGISTER_WORD = new RegExp(`(?<![$\\w.])(${[...GDB_EXPRESSION_OF.keys()].join('|')})(?![\\w.])`, 'gi');

/**
 * `rax + 8` → `$rax + 8`, `r8b` → `$r8l`, `RSP` → `$rsp`: NASM reserves register names (in any case),
 * so a bare one can only mean the register.
 */
export function withRegisterSigils(expression: string): string {
  return expression.replace(REGISTER_WORD, (name) => GDB_EXPRESSION_OF.get(name.toLowerCase())!);
}

export function isRegisterName(name: string): boolean {
  return withRegisterSigils(name) !== name;
}
