// Expressions typed in the Debug Console or a watch, in NASM's notation where it differs from gdb's.
import { isRegisterName, withRegisterSigils } from './registers';

const SIZE_TYPES: Record<string, string> = {
  byte: 'unsigned char', word: 'unsigned short', dword: 'unsigned int', qword: 'unsigned long long',
};

/**
 * `qword [rsp+8]` → `*(unsigned long long *)($rsp+8)`; `[rel msg]` → `*(unsigned long long *)(&msg)`;
 * bare register names get gdb's `$`. Anything else passes through for gdb to read.
 */
export function toGdbExpression(expression: string): string {
  const memory = /^\s*(?:(byte|word|dword|qword)\s+)?\[\s*(?:rel\s+)?(.+?)\s*\]\s*$/i.exec(expression);
  if (!memory) return withRegisterSigils(expression);
  const type = SIZE_TYPES[(memory[1] ?? 'qword').toLowerCase()]!;
  const address = memory[2]!.replace(/^([A-Za-z_.][\w.]*)(?=\s*([+-]|$))/, (name) => (isRegisterName(name) ? name : `(char *)&${name}`));
  return `*(${type} *)(${withRegisterSigils(address)})`;
}
