// A large generated NASM workspace for tests and benches that need one: projects of a root that
// %includes shared constants and macros, and modules of procedures making syscalls. Every file assembles.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const CONSTANTS = ['SYS_read equ 0', 'SYS_write equ 1', 'SYS_close equ 3', 'SYS_exit equ 60', 'STDOUT equ 1', 'BUFSIZE equ 4096', ''];
const MACROS = ['%macro print 2', '        mov     eax, SYS_write', '        mov     edi, STDOUT', '        lea     rsi, [rel %1]', '        mov     edx, %2', '        syscall', '%endmacro', ''];

/** One module of about `lines` lines: messages, then procedures that print, loop and may exit. */
function moduleText(project: number, module: number, lines: number): string {
  const prefix = `p${project}_m${module}`;
  const out = ['%include "consts.inc"', '%include "macros.inc"', '', '        section .data'];
  const procedures = Math.max(1, Math.floor(lines / 24));
  for (let i = 0; i < procedures; i++) out.push(`${prefix}_msg${i}: db "module ${module} message ${i}", 10`, `${prefix}_len${i} equ $ - ${prefix}_msg${i}`);
  out.push('', '        section .text');
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `        global  ${prefix}_proc${i}`, `${prefix}_proc${i}:`, '        push    rbx', '        mov     ebx, 2', '.again:',
      `        print   ${prefix}_msg${i % procedures}, ${prefix}_len${i % procedures}`, '        test    rax, rax', '        js      .fail',
      '        dec     ebx', '        jnz     .again', '        pop     rbx', '        ret', '.fail:',
      '        mov     eax, SYS_exit', '        mov     edi, 1', '        syscall', '',
    );
  }
  return out.join('\n');
}

/**
 * Writes about `totalLines` lines of NASM under `dir` in projects of `modulesPerProject` modules of
 * `linesPerModule` lines each; returns the files written.
 */
export function writeGeneratedWorkspace(dir: string, totalLines: number, linesPerModule = 500, modulesPerProject = 16): string[] {
  const files: string[] = [];
  let lines = 0;
  for (let project = 0; lines < totalLines; project++) {
    const folder = path.join(dir, `project${project}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'consts.inc'), CONSTANTS.join('\n'));
    writeFileSync(path.join(folder, 'macros.inc'), MACROS.join('\n'));
    files.push(path.join(folder, 'consts.inc'), path.join(folder, 'macros.inc'));
    lines += CONSTANTS.length + MACROS.length;
    for (let module = 0; module < modulesPerProject && lines < totalLines; module++) {
      const file = path.join(folder, `module${module}.asm`);
      const text = moduleText(project, module, linesPerModule);
      writeFileSync(file, text);
      files.push(file);
      lines += text.split('\n').length;
    }
  }
  return files;
}
