import type { Abi, CallingConvention } from './types';

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

/** Every name of a general-purpose register, mapped to its full-width name. */
const REGISTER_ALIASES: Record<Abi, ReadonlyMap<string, string>> = {
  x86_64: aliasMap([
    ['rax', 'eax', 'ax', 'al', 'ah'], ['rbx', 'ebx', 'bx', 'bl', 'bh'], ['rcx', 'ecx', 'cx', 'cl', 'ch'],
    ['rdx', 'edx', 'dx', 'dl', 'dh'], ['rsi', 'esi', 'si', 'sil'], ['rdi', 'edi', 'di', 'dil'],
    ['rbp', 'ebp', 'bp', 'bpl'], ['rsp', 'esp', 'sp', 'spl'],
    ...[8, 9, 10, 11, 12, 13, 14, 15].map((n) => [`r${n}`, `r${n}d`, `r${n}w`, `r${n}b`, `r${n}l`]),
  ]),
  i386: aliasMap([
    ['eax', 'ax', 'al', 'ah'], ['ebx', 'bx', 'bl', 'bh'], ['ecx', 'cx', 'cl', 'ch'], ['edx', 'dx', 'dl', 'dh'],
    ['esi', 'si'], ['edi', 'di'], ['ebp', 'bp'], ['esp', 'sp'],
  ]),
};

function aliasMap(families: string[][]): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const [full, ...aliases] of families) for (const name of [full, ...aliases]) map.set(name, full);
  return map;
}

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
