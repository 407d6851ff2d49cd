import { describe, expect, it } from 'vitest';
import { shellcodeFixes } from '../../../nasm/shellcodeFixes';

const titles = (line: string) => shellcodeFixes(line).map((f) => f.title);

describe('shellcode rewrites of mov reg, imm', () => {
  it('zeroes with xor of the 32-bit view', () => {
    expect(titles('        mov rdi, 0')).toEqual(['xor edi, edi']);
    expect(titles('mov r8, 0x0')).toEqual(['xor r8d, r8d']);
    expect(titles('mov ecx, 0')).toEqual(['xor ecx, ecx']);
  });

  it('loads a small number with push/pop or through the low byte', () => {
    expect(titles('mov rax, 60')).toEqual(['push 60 / pop rax', 'xor eax, eax / mov al, 60']);
    expect(titles('mov r9d, 200')).toEqual(['xor r9d, r9d / mov r9b, 200']);
    expect(titles('mov rsi, 0ffh')).toEqual(['xor esi, esi / mov sil, 255']);
  });

  it('keeps the label, the indentation and the comment', () => {
    expect(shellcodeFixes('    exit: mov rax, 60 ; exit')[0]!.lines).toEqual(['    exit: push 60     ; exit', '          pop rax']);
  });

  it('keeps the columns of the mnemonic, the operands and the comment (tabs where the line has them)', () => {
    expect(shellcodeFixes('        mov     rax, 60         ; exit')[0]!.lines).toEqual(['        push    60              ; exit', '        pop     rax']);
    expect(shellcodeFixes('_start: mov     edi, 0')[0]!.lines).toEqual(['_start: xor     edi, edi']);
    expect(shellcodeFixes('\tmov\trdi, 0\t; zero')[0]!.lines).toEqual(['\txor\tedi, edi\t; zero']);
    expect(shellcodeFixes('mov rdi,0')[0]!.lines).toEqual(['xor edi, edi']);
  });

  it('leaves alone what it cannot prove simple', () => {
    for (const line of ['mov rax, SYS_EXIT', 'mov al, 0', 'mov rax, [rdi]', 'mov rax, rbx', 'mov rax, 300', 'mov rax, -1', 'times 2 mov eax, 0', 'xor eax, eax', 'mov ah, 0']) {
      expect(titles(line), line).toEqual([]);
    }
  });
});
