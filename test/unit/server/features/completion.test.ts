import { describe, expect, it } from 'vitest';
import { completions } from '../../../../server/features/completion';
import { openDocument } from '../helpers';

describe('completion', () => {
  it('after `mov rax, ` offers syscall names that insert the number with the name as a comment', () => {
    const { workspace, document } = openDocument('inline.asm', '_start:\n  mov rax, ');
    const write = completions(workspace, document, 1, 11).find((c) => c.label === 'write');
    expect(write).toMatchObject({ insertText: '1 ; write', detail: 'syscall 1' });
  });
  it('offers mnemonics, macros and a snippet per common syscall at statement start', () => {
    const { workspace, document } = openDocument('inline.asm', '%macro say 2\n%endmacro\n  ');
    const items = completions(workspace, document, 2, 2);
    expect(items.map((c) => c.label)).toEqual(expect.arrayContaining(['mov', 'syscall', 'section', 'db', 'say', 'sys_write']));
    expect(items.find((c) => c.label === 'sys_write')!.insertText).toBe('mov     rax, 1                  ; write\n  mov     rdi, ${1:fd}\n  mov     rsi, ${2:buf}\n  mov     rdx, ${3:count}\n  syscall$0');
  });
  it('offers registers, labels and constants in operands, local labels by short name in their scope', () => {
    const { workspace, document } = openDocument('inline.asm', 'K equ 1\nf:\n.loop:\n  jmp ');
    const labels = completions(workspace, document, 3, 6).map((c) => c.label);
    expect(labels).toEqual(expect.arrayContaining(['K', 'f', '.loop', 'rdi', 'r10d', 'qword']));
  });
  it('offers mnemonics and directives at column 0 too', () => {
    const { workspace, document } = openDocument('inline.asm', 'sec');
    expect(completions(workspace, document, 0, 3).map((c) => c.label)).toEqual(expect.arrayContaining(['section', 'mov']));
  });
  it('offers preprocessor words after %', () => {
    const { workspace, document } = openDocument('inline.asm', '%def');
    expect(completions(workspace, document, 0, 4).map((c) => c.label)).toContain('%define');
  });
});

describe('completion in 32-bit code', () => {
  it('uses the i386 numbers and int 0x80', () => {
    const { workspace, document } = openDocument('inline.asm', 'bits 32\n_start:\n  mov eax, \n  ');
    expect(completions(workspace, document, 2, 11).find((c) => c.label === 'write')).toMatchObject({ insertText: '4 ; write' });
    const snippet = completions(workspace, document, 3, 2).find((c) => c.label === 'sys_exit')!.insertText!;
    expect(snippet).toBe('mov     eax, 1                  ; exit\n  mov     ebx, ${1:error_code}\n  int     0x80$0');
  });
});
