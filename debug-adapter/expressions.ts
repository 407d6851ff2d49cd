// Expressions typed in the Debug Console or a watch, in NASM's notation where it differs from gdb's.
import { isAssemblySource } from './frames';
import { labelName } from './mi/stack';
import { withRegisterSigils } from './registers';

/** The source language gdb parses an expression in: the frame's (a Rust frame's parser has no C casts). */
export type ExpressionLanguage = 'c' | 'rust';

const SIZE_TYPES: Record<ExpressionLanguage, Record<string, string>> = {
  c: { byte: 'unsigned char', word: 'unsigned short', dword: 'unsigned int', qword: 'unsigned long long' },
  rust: { byte: 'u8', word: 'u16', dword: 'u32', qword: 'u64' },
};

/**
 * A NASM memory operand: an optional size, then an address in brackets (`byte[msg+1]`, `[rel msg]`);
 * brackets right after a name or a closing bracket index an array instead (C's `argv[1]`, Rust's `v[0]`).
 */
const MEMORY_OPERAND = /(?:\b(byte|word|dword|qword)\s*|(?<![\w)\]]\s*))\[\s*(?:rel\s+)?([^[\]]+?)\s*\]/gi;
/** A name in an address: a label, a constant, or a register (NASM's identifier characters). */
const ADDRESS_NAME = /(?<![\w.?$@#~'])([A-Za-z_.?][\w.?$@#~]*)/g;

/** `qword [rsp+8]`, `[rel msg]`, `byte [msg] + 1`: the expression reads memory, so it depends on the frame's language. */
export const isMemoryOperand = (expression: string): boolean => new RegExp(MEMORY_OPERAND.source, 'i').test(expression);

/**
 * NASM code, or a frame with no source to say otherwise (a stripped program, a raw address): an
 * assembly source but `.S`, which is C-preprocessed GNU assembler (glibc's start.S among them).
 */
export const isNasmSource = (fullname: string | undefined): boolean => !fullname || (isAssemblySource(fullname) && !fullname.endsWith('.S'));

/** The language gdb parses expressions in for a frame with this source file. */
export const expressionLanguage = (fullname: string | undefined): ExpressionLanguage => (fullname && /\.rs$/i.test(fullname) ? 'rust' : 'c');

/**
 * NASM memory operands become gdb dereferences: `qword [rsp+8]` → `*(unsigned long long *)($rsp+8)` (in a
 * Rust frame `*(($rsp+8) as *const u64)`); a label or `equ` constant in the address counts as its
 * address, which for a constant is its value (`[rcx + msg]` → `…($rcx + (long)&msg)`). Bare register
 * names get gdb's `$`, in any case. Anything else passes through for gdb to read.
 */
export function toGdbExpression(expression: string, language: ExpressionLanguage = 'c'): string {
  const translated = expression.replace(MEMORY_OPERAND, (_, size: string | undefined, inside: string) => {
    const type = SIZE_TYPES[language][(size ?? 'qword').toLowerCase()]!;
    // Registers already carry gdb's `$`, which ADDRESS_NAME does not take: what it finds is a symbol.
    const address = withRegisterSigils(inside).replace(ADDRESS_NAME, (name: string) => addressOf(name, language));
    return language === 'rust' ? `*((${address}) as *const ${type})` : `*(${type} *)(${address})`;
  });
  return withRegisterSigils(translated);
}

/**
 * A NASM local label where a name starts (`.loop`, `jmp .loop`'s hover): one dot, then a name. Not a
 * member access (`s.x`, `a[0].x`, `f().x`), a number (`1.5`, `.5`), `..@` or `..start`, or a quoted name.
 */
const LOCAL_LABEL = /(?<![\w.?$@#~)\]'"]\s*)\.([A-Za-z_?$@#~][\w.?$@#~]*)/g;

/** The local labels written in an expression: `.loop` and `.next` in `.next - .loop`. */
export const localLabelsIn = (expression: string): string[] => [...expression.matchAll(LOCAL_LABEL)].map((m) => m[0]);

/** `.loop` → `parse.loop`: each local label with the scope nasm would give it where the frame stopped. */
export const qualifyLocalLabels = (expression: string, scope: string): string => expression.replace(LOCAL_LABEL, (local) => `${scope}${local}`);

/** A name with a dot in it (`parse.loop`, `msg.len`, `tally.lines`, `s.x`), where a name starts. */
const DOTTED_NAME = /(?<![\w.?$@#~'"])[A-Za-z_?][\w?$@#~]*(?:\.[A-Za-z_?$@#~][\w?$@#~]*)+(?![\w.?$@#~'])/g;

/** The dotted names written in an expression, each once. */
export const dottedNamesIn = (expression: string): string[] => [...new Set(expression.match(DOTTED_NAME) ?? [])];

/**
 * Quotes the dotted names that are symbols (`msg.len` → `'msg.len'`), which gdb otherwise reads as a
 * member access of `msg`; `s.x` of a C struct stays a member access.
 */
export const quoteSymbolNames = (expression: string, isSymbol: (name: string) => boolean): string =>
  expression.replace(DOTTED_NAME, (name) => (isSymbol(name) ? `'${name}'` : name));

/** gdb's expression for the address of a symbol that has no type (a NASM label), as an integer. */
export function addressOf(name: string, language: ExpressionLanguage): string {
  const symbol = /^[A-Za-z_][\w]*$/.test(name) ? name : `'${name}'`; // gdb quotes `_start.loop`
  return language === 'rust' ? `(&${symbol} as *const u8 as usize)` : `(long)&${symbol}`;
}

/**
 * gdb's value as a NASM programmer reads it: a code label is its address (`{<text variable, no debug
 * info>} 0x401046 <parse[loop]>` → `0x401046 <parse.loop>`), a local label named as NASM names it.
 */
export function readableValue(value: string): string {
  return value.replace(/^\{<text variable, no debug info>\} /, '')
    .replace(/<([A-Za-z_.?$@#~][\w.?$@#~]*)\[([A-Za-z_?$@#~][\w.?$@#~]*)\](\+\d+)?>/g, (_, scope: string, local: string, offset = '') => `<${labelName(`${scope}[${local}]`)}${offset}>`);
}

/** A whole NASM name: not part of a longer name, a `$register`, a local label or a member. */
const WHOLE_NAME = /(?<![\w.?$@#~'"])[A-Za-z_?][\w?$@#~]*(?![\w.?$@#~'"])/g;
/** Rounds of expansion: a define may name another (`%define LAST BUFLEN-1`), never itself for long. */
const MAX_DEFINE_DEPTH = 8;

/**
 * Single-line macros replaced by their text, as NASM's preprocessor replaces them before the assembler
 * reads the line (`STDOUT` → `1`, `arg1 + 8` → `rdi + 8`, `%define N 1+2` makes `N*2` 5, as in NASM).
 */
export function expandDefines(expression: string, defines: ReadonlyMap<string, string>): string {
  if (defines.size === 0) return expression;
  let current = expression;
  for (let round = 0; round < MAX_DEFINE_DEPTH; round++) {
    const next = current.replace(WHOLE_NAME, (name) => defines.get(name) ?? name);
    if (next === current) break;
    current = next;
  }
  return current;
}
