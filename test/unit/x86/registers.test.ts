import { describe, expect, it } from 'vitest';
import { GPR_FAMILIES, GPR_VIEWS, gprNames, gprView, registerOfWidth, viewsOf } from '../../../x86';

describe('the general-purpose register table', () => {
  it('has sixteen families, each with a 64-, 32-, 16- and 8-bit view', () => {
    expect(GPR_FAMILIES).toHaveLength(16);
    for (const family of GPR_FAMILIES) {
      const widths = viewsOf(family).filter((v) => v.shift === 0).map((v) => v.bits);
      expect(widths, family).toEqual([64, 32, 16, 8]);
      expect(viewsOf(family)[0]!.name).toBe(family);
    }
  });

  it('gives bits 8–15 a view only in rax, rbx, rcx and rdx', () => {
    expect(GPR_VIEWS.filter((v) => v.shift === 8).map((v) => [v.name, v.family])).toEqual([
      ['ah', 'rax'], ['bh', 'rbx'], ['ch', 'rcx'], ['dh', 'rdx'],
    ]);
  });

  it('names every view once, so no name belongs to two registers', () => {
    const names = GPR_VIEWS.flatMap((v) => [v.name, ...v.altregAliases]);
    expect(new Set(names).size).toBe(names.length);
    expect(gprNames()).toHaveLength(names.length);
  });

  it('knows that NASM calls r8\'s low byte r8b (or r8l) and gdb only r8l', () => {
    expect(gprView('r8b')).toMatchObject({ family: 'r8', bits: 8, gdbName: 'r8l' });
    expect(gprView('R15L')).toMatchObject({ name: 'r15b', family: 'r15', gdbName: 'r15l' });
    expect(gprView('sil')).toMatchObject({ family: 'rsi', gdbName: 'sil', legacy: false });
    expect(gprView('xmm0')).toBeUndefined();
  });

  it('marks the views a 32-bit program has: the eight legacy registers at 32, 16 and 8 bits', () => {
    expect(GPR_VIEWS.filter((v) => v.legacy).map((v) => v.name)).toEqual([
      'eax', 'ax', 'al', 'ah', 'ebx', 'bx', 'bl', 'bh', 'ecx', 'cx', 'cl', 'ch', 'edx', 'dx', 'dl', 'dh',
      'esi', 'si', 'edi', 'di', 'ebp', 'bp', 'esp', 'sp',
    ]);
  });

  it('finds a register by family and width, never the high byte', () => {
    expect(registerOfWidth('rdi', 32)).toBe('edi');
    expect(registerOfWidth('rax', 8)).toBe('al');
    expect(registerOfWidth('r9', 8)).toBe('r9b');
    expect(registerOfWidth('xmm0', 8)).toBeUndefined();
  });
});
