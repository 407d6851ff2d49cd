import { describe, expect, it } from 'vitest';
import { isNasmSyntax } from '../../../nasm/document/dialect';

describe('a .s file: NASM or GNU as', () => {
  it('is NASM when it has NASM directives and none of GNU as', () => {
    expect(isNasmSyntax('section .text\nglobal ft_strlen\nft_strlen:\n  xor rax, rax\n.loop:\n  cmp byte [rdi + rax], 0\n  ret\n')).toBe(true);
    expect(isNasmSyntax('; comment\n%include "ls.inc"\n    extern get_uid\n')).toBe(true);
    expect(isNasmSyntax('[bits 64]\n[section .data]\nmsg db "hi", 10\n')).toBe(true);
  });

  it('is GNU as with dot directives, Intel or AT&T syntax (gcc -S output too)', () => {
    expect(isNasmSyntax('\t.file\t"hello.c"\n\t.text\n\t.globl\tmain\n\t.type\tmain, @function\nmain:\n\tpushq\t%rbp\n')).toBe(false);
    expect(isNasmSyntax('.intel_syntax noprefix\n.global _start\n.section .text\n_start:\n  mov rax, 60\n')).toBe(false);
    expect(isNasmSyntax('global _start\n_start: movq $60, %rax\n')).toBe(false);
  });

  it('is neither without any directive', () => {
    expect(isNasmSyntax('mov eax, 1\nret\n')).toBe(false);
  });
});
