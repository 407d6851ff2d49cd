import { describe, expect, it } from 'vitest';
import { toGdbExpression } from '../../../debug-adapter/expressions';

describe('NASM notation in the Debug Console', () => {
  it('reads memory operands as gdb dereferences', () => {
    expect(toGdbExpression('qword [rsp+8]')).toBe('*(unsigned long long *)($rsp+8)');
    expect(toGdbExpression('byte [rel msg]')).toBe('*(unsigned char *)((char *)&msg)');
    expect(toGdbExpression('[msg + 2]')).toBe('*(unsigned long long *)((char *)&msg + 2)');
    expect(toGdbExpression('dword [r8]')).toBe('*(unsigned int *)($r8)');
    expect(toGdbExpression('rax * 2')).toBe('$rax * 2');
    expect(toGdbExpression('[end]')).toBe('*(unsigned long long *)((char *)&end)');
  });
});

describe('NASM memory operands in a Rust frame', () => {
  it('become Rust casts, which gdb\'s Rust parser reads', () => {
    expect(toGdbExpression('qword [rsp+8]', 'rust')).toBe('*(($rsp+8) as *const u64)');
    expect(toGdbExpression('byte [rdi]', 'rust')).toBe('*(($rdi) as *const u8)');
    expect(toGdbExpression('rax + 1', 'rust')).toBe('$rax + 1');
  });
});
