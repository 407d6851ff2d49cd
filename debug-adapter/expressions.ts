// Expressions typed in the Debug Console or a watch, in NASM's notation where it differs from gdb's.
import { isRegisterName, withRegisterSigils } from './registers';

/** The source language gdb parses an expression in: the frame's (a Rust frame's parser has no C casts). */
export type ExpressionLanguage = 'c' | 'rust';

const SIZE_TYPES: Record<ExpressionLanguage, Record<string, string>> = {
  c: { byte: 'unsigned char', word: 'unsigned short', dword: 'unsigned int', qword: 'unsigned long long' },
  rust: { byte: 'u8', word: 'u16', dword: 'u32', qword: 'u64' },
};

const MEMORY_OPERAND = /^\s*(?:(byte|word|dword|qword)\s+)?\[\s*(?:rel\s+)?(.+?)\s*\]\s*$/i;

/** `qword [rsp+8]`, `[rel msg]`: the expression reads memory, and so depends on the frame's language. */
export const isMemoryOperand = (expression: string): boolean => MEMORY_OPERAND.test(expression);

/** The language gdb parses expressions in for a frame with this source file. */
export const expressionLanguage = (fullname: string | undefined): ExpressionLanguage => (fullname && /\.rs$/i.test(fullname) ? 'rust' : 'c');

/**
 * `qword [rsp+8]` → `*(unsigned long long *)($rsp+8)` (in a Rust frame `*(($rsp+8) as *const u64)`);
 * `[rel msg]` → `*(unsigned long long *)((char *)&msg)`; bare register names get gdb's `$`. Anything
 * else passes through for gdb to read.
 */
export function toGdbExpression(expression: string, language: ExpressionLanguage = 'c'): string {
  const memory = MEMORY_OPERAND.exec(expression);
  if (!memory) return withRegisterSigils(expression);
  const type = SIZE_TYPES[language][(memory[1] ?? 'qword').toLowerCase()]!;
  const label = (name: string) => (language === 'rust' ? `(&${name} as *const u8)` : `(char *)&${name}`);
  const address = withRegisterSigils(memory[2]!.replace(/^([A-Za-z_.][\w.]*)(?=\s*([+-]|$))/, (name) => (isRegisterName(name) ? name : label(name))));
  return language === 'rust' ? `*((${address}) as *const ${type})` : `*(${type} *)(${address})`;
}
