import type { Abi, CallingConvention } from './types';
import { GPR_VIEWS, registerOfWidth } from '../x86';

/** How each ABI enters the kernel. */
export const CALLING_CONVENTIONS: Record<Abi, CallingConvention> = {
  x86_64: {
    abi: 'x86_64',
    instructions: ['syscall'],
    numberRegister: 'rax',
    // r10 replaces the C ABI's rcx because `syscall` itself overwrites rcx with the return address.
    argumentRegisters: ['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'],
    resultRegister: 'rax',
    clobbered: ['rcx', 'r11'],
  },
  i386: {
    abi: 'i386',
    instructions: ['int 0x80', 'sysenter'],
    numberRegister: 'eax',
    argumentRegisters: ['ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp'],
    resultRegister: 'eax',
    clobbered: [],
  },
};

/** Every name of a general-purpose register, mapped to its full-width name in that ABI. */
const REGISTER_ALIASES: Record<Abi, ReadonlyMap<string, string>> = {
  x86_64: new Map(GPR_VIEWS.flatMap((v) => [v.name, ...v.altregAliases].map((name) => [name, v.family] as const))),
  i386: new Map(GPR_VIEWS.filter((v) => v.legacy).map((v) => [v.name, registerOfWidth(v.family, 32)!] as const)),
};

/** The full-width register `name` belongs to (`edi` → `rdi` on x86-64), case-insensitive. */
export function canonicalRegister(abi: Abi, name: string): string | undefined {
  return REGISTER_ALIASES[abi].get(name.trim().toLowerCase());
}

/** 0-based argument index carried by `register` (any width alias), or undefined. */
export function argumentIndexOfRegister(abi: Abi, register: string): number | undefined {
  const full = canonicalRegister(abi, register);
  if (full === undefined) return undefined;
  const index = CALLING_CONVENTIONS[abi].argumentRegisters.indexOf(full);
  return index < 0 ? undefined : index;
}

/** The register that carries argument `index` (0-based), or undefined past the sixth. */
export function registerOfArgument(abi: Abi, index: number): string | undefined {
  return CALLING_CONVENTIONS[abi].argumentRegisters[index];
}

/** Width in bits of a general-purpose register in this ABI. */
export function registerWidth(abi: Abi): 32 | 64 {
  return abi === 'x86_64' ? 64 : 32;
}
