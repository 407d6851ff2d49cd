import { describe, expect, it } from 'vitest';
import { isMemoryOperand, toGdbExpression } from '../../../debug-adapter/expressions';

describe('NASM notation in the Debug Console', () => {
  it('reads memory operands as gdb dereferences, a label in the address as its address', () => {
    expect(toGdbExpression('qword [rsp+8]')).toBe('*(unsigned long long *)($rsp+8)');
    expect(toGdbExpression('byte [rel msg]')).toBe('*(unsigned char *)((long)&msg)');
    expect(toGdbExpression('[msg + 2]')).toBe('*(unsigned long long *)((long)&msg + 2)');
    expect(toGdbExpression('dword [r8]')).toBe('*(unsigned int *)($r8)');
    expect(toGdbExpression('rax * 2')).toBe('$rax * 2');
    expect(toGdbExpression('[end]')).toBe('*(unsigned long long *)((long)&end)');
  });

  it('takes labels and constants anywhere in the address, and sizes without a space', () => {
    expect(toGdbExpression('byte [rcx + msg]')).toBe('*(unsigned char *)($rcx + (long)&msg)');
    expect(toGdbExpression('qword [NEGV+13+rsp]')).toBe('*(unsigned long long *)((long)&NEGV+13+$rsp)');
    expect(toGdbExpression('byte[msg+1]')).toBe('*(unsigned char *)((long)&msg+1)');
    expect(toGdbExpression('[_start.loop]')).toBe("*(unsigned long long *)((long)&'_start.loop')");
    expect(toGdbExpression('[rsp + rcx*4 + 0x10]')).toBe('*(unsigned long long *)($rsp + $rcx*4 + 0x10)');
  });

  it('reads operands inside larger expressions, and register names in any case', () => {
    expect(toGdbExpression('byte [msg] + 1')).toBe('*(unsigned char *)((long)&msg) + 1');
    expect(toGdbExpression('QWORD [RSP+8] - RDI')).toBe('*(unsigned long long *)($rsp+8) - $rdi');
    expect(isMemoryOperand('rax + 1')).toBe(false);
    expect(isMemoryOperand('1 + word[rsp]')).toBe(true);
  });

  it('leaves array indexing alone (C\'s argv[1], a[i][j], Rust\'s v[0])', () => {
    expect(toGdbExpression('argv[1]')).toBe('argv[1]');
    expect(toGdbExpression('grid[i][j] + 1')).toBe('grid[i][j] + 1');
    expect(toGdbExpression('(*p)[2]')).toBe('(*p)[2]');
    expect(isMemoryOperand('values [0]')).toBe(false);
  });
});

describe('NASM memory operands in a Rust frame', () => {
  it('become Rust casts, which gdb\'s Rust parser reads', () => {
    expect(toGdbExpression('qword [rsp+8]', 'rust')).toBe('*(($rsp+8) as *const u64)');
    expect(toGdbExpression('byte [rdi]', 'rust')).toBe('*(($rdi) as *const u8)');
    expect(toGdbExpression('rax + 1', 'rust')).toBe('$rax + 1');
  });
});
