// Expressions typed in the Debug Console or a watch, in NASM's notation where it differs from gdb's.
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
    const address = withRegisterSigils(inside).replace(ADDRESS_NAME, (name: string) => {
      const symbol = /^[A-Za-z_][\w]*$/.test(name) ? name : `'${name}'`; // gdb quotes `_start.loop`
      return language === 'rust' ? `(&${symbol} as *const u8 as usize)` : `(long)&${symbol}`;
    });
    return language === 'rust' ? `*((${address}) as *const ${type})` : `*(${type} *)(${address})`;
  });
  return withRegisterSigils(translated);
}
