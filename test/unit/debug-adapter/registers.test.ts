import { describe, expect, it } from 'vitest';
import {
  GENERAL_REGISTERS_32, GENERAL_REGISTERS_64, decodeFlags, formatFlags, formatInteger, partAssignment, partExpression, partValue,
  withRegisterSigils,
} from '../../../debug-adapter/registers';

describe('registers', () => {
  it('shows hex with signed decimal', () => {
    expect(formatInteger(0xfffffffffffffffen, 64)).toBe('0xfffffffffffffffe (-2)');
    expect(formatInteger(14n, 64)).toBe('0xe (14)');
    expect(formatInteger(0x80n, 8)).toBe('0x80 (-128)');
  });

  it('cuts sub-registers out of the full value (ah is bits 8..15)', () => {
    expect(partValue(0x1234n, { bits: 8, shift: 8 })).toBe(0x12n);
    expect(partValue(0xffffffff_00000001n, { bits: 32, shift: 0 })).toBe(1n);
  });

  it('marks bare register names in expressions, leaving labels and $names alone', () => {
    expect(withRegisterSigils('rax + [rsp] + r8d + $rbx + msg + counts + ah')).toBe('$rax + [$rsp] + $r8d + $rbx + msg + counts + $ah');
  });

  it('spells the low byte of r8–r15 as gdb does: r8b and r8l are both $r8l', () => {
    expect(withRegisterSigils('r8b + r15l + sil + r9bx')).toBe('$r8l + $r15l + $sil + r9bx');
  });

  it('groups views by register: r8 shows r8b, read through gdb\'s r8l; a 32-bit program has no sil', () => {
    const r8 = GENERAL_REGISTERS_64.find((r) => r.name === 'r8')!;
    expect(r8.parts.map((p) => [p.name, p.gdbName])).toEqual([['r8d', 'r8d'], ['r8w', 'r8w'], ['r8b', 'r8l']]);
    expect(GENERAL_REGISTERS_64.find((r) => r.name === 'rax')!.parts.map((p) => p.name)).toEqual(['eax', 'ax', 'al', 'ah']);
    expect(GENERAL_REGISTERS_32.map((r) => r.name)).toEqual(['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'esp']);
    expect(GENERAL_REGISTERS_32.find((r) => r.name === 'esi')!.parts.map((p) => p.name)).toEqual(['si']);
  });

  it('reads and writes sp, which gdb cannot name, as the low 16 bits of the whole register', () => {
    const sp = GENERAL_REGISTERS_64.find((r) => r.name === 'rsp')!.parts.find((p) => p.name === 'sp')!;
    expect(partExpression(sp, 'rsp')).toBe('(unsigned short)((unsigned long long)$rsp >> 0)');
    expect(partAssignment(sp, 'rsp', '4')).toContain('$rsp = ((unsigned long long)$rsp & ~0xffffULL)');
    expect(withRegisterSigils('sp')).toBe('(unsigned short)((unsigned long long)$sp >> 0)');
    const ah = GENERAL_REGISTERS_64[0]!.parts.find((p) => p.name === 'ah')!;
    expect(partAssignment(ah, 'rax', '1')).toBe('$ah = 1');
  });

  it('decodes rflags', () => {
    expect(formatFlags(0x246n)).toBe('0x246 [PF ZF IF]');
    expect(decodeFlags(0x1n).find((f) => f.name === 'CF')?.set).toBe(true);
  });
});
