import { describe, expect, it } from 'vitest';
import { argumentIndexOfRegister, CALLING_CONVENTIONS, registerOfArgument } from '../../../syscalls';

describe('calling conventions', () => {
  it('x86-64 syscall: rax, then rdi rsi rdx r10 r8 r9; rcx and r11 clobbered', () => {
    expect(CALLING_CONVENTIONS.x86_64).toMatchObject({
      numberRegister: 'rax', resultRegister: 'rax', instructions: ['syscall'],
      argumentRegisters: ['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'], clobbered: ['rcx', 'r11'],
    });
  });

  it('i386 int 0x80: eax, then ebx ecx edx esi edi ebp', () => {
    expect(CALLING_CONVENTIONS.i386).toMatchObject({
      numberRegister: 'eax', resultRegister: 'eax', argumentRegisters: ['ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp'],
    });
    expect(CALLING_CONVENTIONS.i386.instructions).toContain('int 0x80');
  });

  it('maps any width alias of a register to its argument, case-insensitively', () => {
    const x64: Array<[string, number | undefined]> = [
      ['rdi', 0], ['edi', 0], ['di', 0], ['dil', 0], ['RSI', 1], ['Esi', 1], ['sil', 1], ['rdx', 2], ['dl', 2],
      ['r10', 3], ['r10d', 3], ['r10w', 3], ['r10b', 3], ['r8d', 4], ['r9', 5], ['rax', undefined], ['rcx', undefined],
      ['xmm0', undefined], ['', undefined],
    ];
    for (const [register, index] of x64) expect(argumentIndexOfRegister('x86_64', register), register).toBe(index);
    const i386: Array<[string, number | undefined]> = [['ebx', 0], ['bl', 0], ['ECX', 1], ['dx', 2], ['esi', 3], ['di', 4], ['ebp', 5], ['rdi', undefined], ['eax', undefined]];
    for (const [register, index] of i386) expect(argumentIndexOfRegister('i386', register), register).toBe(index);
  });

  it('names the register of each argument, and none past the sixth', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => registerOfArgument('x86_64', i))).toEqual(['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9', undefined]);
    expect(registerOfArgument('i386', 0)).toBe('ebx');
    expect(registerOfArgument('i386', -1)).toBeUndefined();
  });
});
