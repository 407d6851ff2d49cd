// The x86 general-purpose registers: every name NASM and gdb give each view of each register.
// The one table; the parser, the syscall conventions, the debugger and the dataflow derive from it.

/** The sixteen 64-bit general-purpose registers, in the order people list them (not encoding order). */
export const GPR_FAMILIES = [
  'rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
] as const;
export type GprFamily = (typeof GPR_FAMILIES)[number];

/** One view of a general-purpose register (rax, eax, ax, al, ah…). */
export interface GprView {
  /** NASM's name, shown to the user. */
  name: string;
  /** The 64-bit register this view is part of. */
  family: GprFamily;
  bits: 8 | 16 | 32 | 64;
  /** Position of the view's lowest bit in the family: 8 for ah/bh/ch/dh, else 0. */
  shift: 0 | 8;
  /** Intel's names that NASM accepts only after `%use altreg` (r8l for r8b); plain NASM rejects them. */
  altregAliases: readonly string[];
  /**
   * What gdb calls it, without the `$`: gdb names r8's low byte r8l and has no r8b. Undefined for sp,
   * the one view gdb cannot name: its `$sp` is the whole stack pointer at any width.
   */
  gdbName: string | undefined;
  /** Also exists outside 64-bit mode (eax, ax, al, ah; not sil or r8d). */
  legacy: boolean;
}

const view = (name: string, family: GprFamily, bits: GprView['bits'], legacy: boolean, extra: Partial<GprView> = {}): GprView =>
  ({ name, family, bits, shift: 0, altregAliases: [], gdbName: name, legacy, ...extra });

function legacyFamily(letter: 'a' | 'b' | 'c' | 'd'): GprView[] {
  const family = `r${letter}x` as GprFamily;
  return [
    view(family, family, 64, false), view(`e${letter}x`, family, 32, true), view(`${letter}x`, family, 16, true),
    view(`${letter}l`, family, 8, true), view(`${letter}h`, family, 8, true, { shift: 8 }),
  ];
}

function indexFamily(base: 'si' | 'di' | 'bp' | 'sp'): GprView[] {
  const family = `r${base}` as GprFamily;
  return [
    view(family, family, 64, false), view(`e${base}`, family, 32, true), view(base, family, 16, true),
    view(`${base}l`, family, 8, false),
  ].map((v) => (v.name === 'sp' ? { ...v, gdbName: undefined } : v));
}

function numberedFamily(n: number): GprView[] {
  const family = `r${n}` as GprFamily;
  return [
    view(family, family, 64, false), view(`r${n}d`, family, 32, false), view(`r${n}w`, family, 16, false),
    view(`r${n}b`, family, 8, false, { altregAliases: [`r${n}l`], gdbName: `r${n}l` }),
  ];
}

/** Every view of every general-purpose register, family by family, widest first. */
export const GPR_VIEWS: readonly GprView[] = [
  ...(['a', 'b', 'c', 'd'] as const).flatMap(legacyFamily),
  ...(['si', 'di', 'bp', 'sp'] as const).flatMap(indexFamily),
  ...[8, 9, 10, 11, 12, 13, 14, 15].flatMap(numberedFamily),
];

/** The views of one family, widest first. */
export function viewsOf(family: GprFamily): GprView[] {
  return GPR_VIEWS.filter((v) => v.family === family);
}

/** The view of `family` with the given width, e.g. (rdi, 32) → edi; the low byte, never ah. */
export function registerOfWidth(family: string, bits: number): string | undefined {
  return GPR_VIEWS.find((v) => v.family === family && v.bits === bits && v.shift === 0)?.name;
}

const BY_NAME = new Map<string, GprView>(GPR_VIEWS.flatMap((v) => [v.name, ...v.altregAliases].map((n) => [n, v] as [string, GprView])));

/** The view NASM means by `name` (any case, altreg aliases included), or undefined. */
export function gprView(name: string): GprView | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Every name of a general-purpose register, altreg aliases included. */
export function gprNames(): string[] {
  return [...BY_NAME.keys()];
}

/** The instruction pointer at each width: NASM reserves all three; gdb knows rip (64-bit) or eip (32-bit). */
export const INSTRUCTION_POINTERS = [
  { name: 'rip', bits: 64 }, { name: 'eip', bits: 32 }, { name: 'ip', bits: 16 },
] as const;

/** In the order gdb lists them. */
export const SEGMENT_REGISTERS = ['cs', 'ss', 'ds', 'es', 'fs', 'gs'] as const;

/** gdb's names for the fs and gs base addresses (NASM has none). */
export const SEGMENT_BASES = ['fs_base', 'gs_base'] as const;

/** Registers only gdb has: the flags under gdb's name, the syscall number the kernel saw, the segment bases. */
export const GDB_ONLY_REGISTERS = ['eflags', 'orig_rax', 'orig_eax', ...SEGMENT_BASES] as const;

/** The other register files NASM reserves names for, with how many of each and their width. */
export const OTHER_REGISTER_FILES = [
  { prefix: 'xmm', count: 32, bits: 128 }, { prefix: 'ymm', count: 32, bits: 256 }, { prefix: 'zmm', count: 32, bits: 512 },
  { prefix: 'st', count: 8, bits: 80 }, { prefix: 'mm', count: 8, bits: 64 }, { prefix: 'k', count: 8, bits: 64 },
  { prefix: 'cr', count: 8, bits: 64 }, { prefix: 'dr', count: 8, bits: 64 },
] as const;
