import { describe, expect, it } from 'vitest';
import { fixContext, shellcodeFixes } from '../../../nasm/shellcodeFixes';

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

const withContext = (source: string) => {
  const lines = source.split('\n');
  const index = lines.findIndex((l) => l.includes('<<'));
  lines[index] = lines[index]!.replace(/\s*<<.*$/, '');
  return shellcodeFixes(lines[index]!, fixContext(lines, index)).map((f) => f.title);
};

describe('rewrites that depend on the neighbouring instructions', () => {
  it('writes only the low byte or word of a register zeroed just before', () => {
    expect(withContext('xor eax, eax\nmov eax, 60 <<')).toEqual(['mov al, 60', 'push 60 / pop rax']);
    expect(withContext('xor r8, r8\n; a comment\n\nmov r8d, 1 <<')).toEqual(['mov r8b, 1', 'push 1 / pop r8']);
    expect(withContext('sub edi, edi\nmov rdi, 300 <<')).toEqual(['mov di, 300']);
  });

  it('not when a label lies between (a jump may arrive with the register set), nor after a partial or other zeroing', () => {
    expect(withContext('xor eax, eax\n.again:\nmov eax, 60 <<')).not.toContain('mov al, 60');
    expect(withContext('xor eax, eax\nexit: mov eax, 60 <<')).not.toContain('mov al, 60');
    expect(withContext('xor ax, ax\nmov eax, 60 <<')).not.toContain('mov al, 60');
    expect(withContext('xor eax, ebx\nmov eax, 60 <<')).not.toContain('mov al, 60');
    expect(withContext('xor ecx, ecx\nmov eax, 60 <<')).not.toContain('mov al, 60');
    expect(withContext('%if 1\nxor eax, eax\n%endif\nmov eax, 60 <<')).not.toContain('mov al, 60');
  });

  it('tests a register against zero with test when a conditional reads the flags next', () => {
    expect(withContext('cmp r12, 0 <<\njne .again')).toEqual(['test r12, r12']);
    expect(withContext('cmp ecx, 0x0 <<\n.check:\nsetz al')).toEqual(['test ecx, ecx']);
    expect(withContext('sub rbx, 0 <<\ncmovz rax, rbx')).toEqual(['test rbx, rbx']);
    expect(withContext('add r9b, 0 <<\njs .negative')).toEqual(['test r9b, r9b']);
  });

  it('not when something else reads the flags next, nor for add/sub of a 32-bit register (they clear its upper half)', () => {
    for (const source of ['cmp rax, 0 <<\npushfq', 'cmp rax, 0 <<\nadc rbx, 1', 'cmp rax, 0 <<\nsyscall', 'cmp rax, 0 <<', 'cmp rax, 0 <<\njrcxz .x',
      'add eax, 0 <<\njz .x', 'sub ecx, 0 <<\njnz .x', 'cmp rax, 1 <<\nje .x', 'cmp qword [rax], 0 <<\nje .x', 'cmp rax, 0 <<\nmymacro']) {
      expect(withContext(source), source).toEqual([]);
    }
  });
});
