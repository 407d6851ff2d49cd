// Short summaries (our own words) and NASM operand forms of common x86-64 instructions, for hovers
// and completion. Full details: the linked reference.

export interface InstructionInfo {
  summary: string;
  forms: string[];
  /** Page name at the reference site, when it differs from the mnemonic. */
  page?: string;
}

export const INSTRUCTION_REFERENCE = 'https://www.felixcloutier.com/x86/';

export const INSTRUCTIONS: Record<string, InstructionInfo> = {
  mov: { summary: 'Copies the source into the destination. Writing a 32-bit register clears the upper 32 bits of its 64-bit register; 8/16-bit writes leave them.', forms: ['mov r/m, reg', 'mov reg, r/m', 'mov reg, imm', 'mov r/m, imm'] },
  lea: { summary: 'Computes the address of the memory operand and stores it, without accessing memory. Often used for arithmetic (`lea rax, [rbx + rbx*4]`).', forms: ['lea reg, [address]', 'lea reg, [rel label]'] },
  push: { summary: 'Decrements rsp by the operand size and stores the operand at [rsp].', forms: ['push reg', 'push [mem]', 'push imm'] },
  pop: { summary: 'Loads the value at [rsp] into the operand and increments rsp.', forms: ['pop reg', 'pop [mem]'] },
  call: { summary: 'Pushes the address of the next instruction and jumps to the target. Caller-saved registers (rax, rcx, rdx, rsi, rdi, r8–r11) may be changed by the callee.', forms: ['call label', 'call reg', 'call [mem]'] },
  ret: { summary: 'Pops the return address from the stack and jumps to it; `ret imm16` also releases imm16 bytes of arguments.', forms: ['ret', 'ret imm16'] },
  jmp: { summary: 'Continues execution at the target unconditionally.', forms: ['jmp label', 'jmp short label', 'jmp reg', 'jmp [mem]'] },
  jcc: { summary: 'Jumps when the condition holds on the flags set by a previous cmp/test/arithmetic instruction: je/jz, jne/jnz, jl/jg (signed), jb/ja (unsigned), js, jo, ...', forms: ['jcc label'], page: 'jcc' },
  cmp: { summary: 'Subtracts the source from the destination, setting the flags and discarding the result.', forms: ['cmp r/m, reg', 'cmp reg, r/m', 'cmp r/m, imm'] },
  test: { summary: 'ANDs the operands, setting the flags and discarding the result. `test rax, rax` checks for zero or negative.', forms: ['test r/m, reg', 'test r/m, imm'] },
  add: { summary: 'Adds the source to the destination and sets the flags.', forms: ['add r/m, reg', 'add reg, r/m', 'add r/m, imm'] },
  sub: { summary: 'Subtracts the source from the destination and sets the flags. `sub r, r` sets r to zero.', forms: ['sub r/m, reg', 'sub reg, r/m', 'sub r/m, imm'] },
  inc: { summary: 'Adds 1 to the operand; the carry flag is unchanged.', forms: ['inc r/m'] },
  dec: { summary: 'Subtracts 1 from the operand; the carry flag is unchanged.', forms: ['dec r/m'] },
  imul: { summary: 'Signed multiply. The one-operand form multiplies rax and writes rdx:rax; the two- and three-operand forms keep the low half in a register.', forms: ['imul r/m', 'imul reg, r/m', 'imul reg, r/m, imm'] },
  idiv: { summary: 'Signed divide of rdx:rax (edx:eax, ...) by the operand: quotient in rax, remainder in rdx. Sign-extend first with cqo/cdq.', forms: ['idiv r/m'] },
  and: { summary: 'Bitwise AND of the operands into the destination; clears CF and OF.', forms: ['and r/m, reg', 'and reg, r/m', 'and r/m, imm'] },
  or: { summary: 'Bitwise OR of the operands into the destination; clears CF and OF.', forms: ['or r/m, reg', 'or reg, r/m', 'or r/m, imm'] },
  xor: { summary: 'Bitwise exclusive OR into the destination. `xor eax, eax` is the shortest way to zero rax.', forms: ['xor r/m, reg', 'xor reg, r/m', 'xor r/m, imm'] },
  not: { summary: 'Inverts every bit of the operand; flags are unchanged.', forms: ['not r/m'] },
  neg: { summary: 'Replaces the operand with its two\'s complement negation.', forms: ['neg r/m'] },
  shl: { summary: 'Shifts left by the count (imm8 or cl), filling with zeros. Same as sal.', forms: ['shl r/m, 1', 'shl r/m, imm8', 'shl r/m, cl'], page: 'sal:sar:shl:shr' },
  shr: { summary: 'Logical shift right by the count (imm8 or cl), filling with zeros.', forms: ['shr r/m, 1', 'shr r/m, imm8', 'shr r/m, cl'], page: 'sal:sar:shl:shr' },
  sar: { summary: 'Arithmetic shift right, copying the sign bit into the vacated bits.', forms: ['sar r/m, 1', 'sar r/m, imm8', 'sar r/m, cl'], page: 'sal:sar:shl:shr' },
  rol: { summary: 'Rotates the bits left by the count.', forms: ['rol r/m, imm8', 'rol r/m, cl'], page: 'rcl:rcr:rol:ror' },
  ror: { summary: 'Rotates the bits right by the count.', forms: ['ror r/m, imm8', 'ror r/m, cl'], page: 'rcl:rcr:rol:ror' },
  movzx: { summary: 'Copies a smaller source into a larger register, filling the upper bits with zeros.', forms: ['movzx reg, r/m8', 'movzx reg, r/m16'] },
  movsx: { summary: 'Copies a smaller source into a larger register, filling the upper bits with the sign bit.', forms: ['movsx reg, r/m8', 'movsx reg, r/m16', 'movsxd reg64, r/m32'], page: 'movsx:movsxd' },
  cmovcc: { summary: 'Copies the source into the register only if the condition holds (cmove, cmovne, cmovl, ...).', forms: ['cmovcc reg, r/m'], page: 'cmovcc' },
  setcc: { summary: 'Sets a byte to 1 if the condition holds, else 0 (sete, setne, setl, ...).', forms: ['setcc r/m8'], page: 'setcc' },
  movs: { summary: 'Copies from [rsi] to [rdi] and advances both; with `rep`, repeats rcx times.', forms: ['movsb', 'movsw', 'movsd', 'movsq', 'rep movsb'], page: 'movs:movsb:movsw:movsd:movsq' },
  stos: { summary: 'Stores al/ax/eax/rax at [rdi] and advances rdi; with `rep`, fills rcx elements.', forms: ['stosb', 'stosw', 'stosd', 'stosq', 'rep stosb'], page: 'stos:stosb:stosw:stosd:stosq' },
  cmps: { summary: 'Compares [rsi] with [rdi] and advances both; with `repe`/`repne`, scans while equal/unequal.', forms: ['cmpsb', 'cmpsq', 'repe cmpsb'], page: 'cmps:cmpsb:cmpsw:cmpsd:cmpsq' },
  scas: { summary: 'Compares al/ax/eax/rax with [rdi] and advances rdi; `repne scasb` finds a byte (strlen).', forms: ['scasb', 'scasq', 'repne scasb'], page: 'scas:scasb:scasw:scasd' },
  syscall: { summary: 'Enters the Linux kernel (x86-64): number in rax, arguments in rdi, rsi, rdx, r10, r8, r9; result in rax. The instruction overwrites rcx (return address) and r11 (rflags).', forms: ['syscall'] },
  sysenter: { summary: 'Fast 32-bit kernel entry; on Linux use it through the vDSO, not directly. Uses the i386 syscall table.', forms: ['sysenter'] },
  int: { summary: 'Raises a software interrupt. `int 0x80` enters Linux with the 32-bit (i386) table: eax, ebx, ecx, edx, esi, edi, ebp — even in 64-bit code, where it truncates pointers.', forms: ['int imm8', 'int3'], page: 'intn:into:int3:int1' },
  cpuid: { summary: 'Returns processor identification for the leaf in eax (and sub-leaf in ecx) in eax, ebx, ecx, edx.', forms: ['cpuid'] },
  rdtsc: { summary: 'Reads the time-stamp counter into edx:eax.', forms: ['rdtsc'] },
  nop: { summary: 'Does nothing; used for alignment and padding.', forms: ['nop', 'nop r/m'] },
  hlt: { summary: 'Halts the processor until an interrupt. Privileged: in a user program it raises a fault (SIGSEGV).', forms: ['hlt'] },
};

/** Forms like `je`, `cmovne`, `setg`, `rep movsb` map to their family entry. */
export function instructionInfo(mnemonic: string): { key: string; info: InstructionInfo } | undefined {
  const m = mnemonic.toLowerCase();
  if (INSTRUCTIONS[m]) return { key: m, info: INSTRUCTIONS[m] };
  const family = /^j(?!mp$)[a-z]+$/.test(m) ? 'jcc' : /^cmov[a-z]+$/.test(m) ? 'cmovcc' : /^set[a-z]+$/.test(m) ? 'setcc'
    : /^movs[bwdq]$/.test(m) ? 'movs' : /^stos[bwdq]$/.test(m) ? 'stos' : /^cmps[bwdq]$/.test(m) ? 'cmps'
      : /^scas[bwdq]$/.test(m) ? 'scas' : m === 'sal' ? 'shl' : m === 'movsxd' ? 'movsx' : m === 'int3' ? 'int' : undefined;
  return family && INSTRUCTIONS[family] ? { key: family, info: INSTRUCTIONS[family] } : undefined;
}

export function referenceUrl(key: string, info: InstructionInfo): string {
  return INSTRUCTION_REFERENCE + (info.page ?? key);
}
