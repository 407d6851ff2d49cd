// The NASM that makes a syscall: the number into eax, each argument into its register, then the
// instruction that enters the kernel. Used by the table view's "Insert" and "Copy" actions.
import { CALLING_CONVENTIONS } from './conventions';
import { declaration } from './format';
import type { SyscallInfo } from './types';

/** Escapes text for a VS Code snippet body (`$`, `}` and `\` are special there). */
function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, (c) => `\\${c}`);
}

/**
 * Lines of NASM that call `syscall`. With `placeholders`, each argument value is a snippet tab stop
 * named after its parameter (`${1:fd}`); without, the parameter name stands in its place.
 *
 *   mov eax, 1              ; write
 *   mov rdi, ${1:fd}        ; unsigned int fd
 */
export function syscallCallLines(syscall: SyscallInfo, options: { placeholders: boolean }): string[] {
  const convention = CALLING_CONVENTIONS[syscall.abi];
  // Writing eax zero-extends into rax, and is the shorter encoding; the i386 ABI has only eax.
  const numberRegister = 'eax';
  const rows: Array<[string, string]> = [[`mov ${numberRegister}, ${syscall.number}`, syscall.name]];
  syscall.params.forEach((param, i) => {
    const register = convention.argumentRegisters[i];
    if (!register) return;
    const value = options.placeholders ? `\${${i + 1}:${escapeSnippet(param.name)}}` : param.name;
    const comment = declaration(param);
    rows.push([`mov ${register}, ${value}`, options.placeholders ? escapeSnippet(comment) : comment]);
  });
  // Align the comments as people do in hand-written NASM; tab stops count as their shown width.
  const shownWidth = (code: string) => code.replace(/\$\{\d+:([^}]*)\}/g, '$1').length;
  const width = Math.max(...rows.map(([code]) => shownWidth(code))) + 2;
  const lines = rows.map(([code, comment]) => `${code}${' '.repeat(width - shownWidth(code))}; ${comment}`);
  lines.push(convention.instructions[0]!);
  return lines;
}
