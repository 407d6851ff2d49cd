// What each general-purpose register means to a Linux x86-64 program.
import type { GprFamily } from '../../x86';

export interface RegisterRole {
  syscall: string;
  functionCall: string;
  calleeSaved: boolean;
}

export const REGISTER_ROLES: Record<GprFamily, RegisterRole> = {
  rax: { syscall: 'syscall number in, result out (x86-64); eax for int 0x80', functionCall: 'return value; number of vector registers for variadic calls', calleeSaved: false },
  rbx: { syscall: 'argument 1 of int 0x80 (ebx)', functionCall: 'general purpose', calleeSaved: true },
  rcx: { syscall: 'overwritten by the syscall instruction (return address); argument 2 of int 0x80 (ecx)', functionCall: 'argument 4', calleeSaved: false },
  rdx: { syscall: 'argument 3; argument 3 of int 0x80 (edx)', functionCall: 'argument 3; second return value', calleeSaved: false },
  rsi: { syscall: 'argument 2; argument 4 of int 0x80 (esi)', functionCall: 'argument 2', calleeSaved: false },
  rdi: { syscall: 'argument 1; argument 5 of int 0x80 (edi)', functionCall: 'argument 1', calleeSaved: false },
  rbp: { syscall: 'argument 6 of int 0x80 (ebp)', functionCall: 'frame pointer (optional)', calleeSaved: true },
  rsp: { syscall: 'preserved', functionCall: 'stack pointer; 16-byte aligned at each call', calleeSaved: true },
  r8: { syscall: 'argument 5', functionCall: 'argument 5', calleeSaved: false },
  r9: { syscall: 'argument 6', functionCall: 'argument 6', calleeSaved: false },
  r10: { syscall: 'argument 4 (instead of rcx, which syscall overwrites)', functionCall: 'scratch (static chain)', calleeSaved: false },
  r11: { syscall: 'overwritten by the syscall instruction (rflags)', functionCall: 'scratch', calleeSaved: false },
  r12: { syscall: 'preserved', functionCall: 'general purpose', calleeSaved: true },
  r13: { syscall: 'preserved', functionCall: 'general purpose', calleeSaved: true },
  r14: { syscall: 'preserved', functionCall: 'general purpose', calleeSaved: true },
  r15: { syscall: 'preserved', functionCall: 'general purpose', calleeSaved: true },
};
