import { describe, expect, it } from 'vitest';
import { lookupSyscallByName, syscallCallLines, type Abi, type SyscallInfo } from '../../../syscalls';

function known(abi: Abi, name: string): SyscallInfo {
  const found = lookupSyscallByName(abi, name);
  if (!found.known) throw new Error(found.message);
  return found.syscall;
}

describe('the NASM that makes a call', () => {
  it('loads the number into eax and each argument into its x86-64 register, then syscall', () => {
    expect(syscallCallLines(known('x86_64', 'write'), { placeholders: false })).toEqual([
      'mov eax, 1      ; write',
      'mov rdi, fd     ; unsigned int fd',
      'mov rsi, buf    ; const char *buf',
      'mov rdx, count  ; size_t count',
      'syscall',
    ]);
  });

  it('uses r10 for the fourth argument, not rcx', () => {
    expect(syscallCallLines(known('x86_64', 'mmap'), { placeholders: false })[4]).toMatch(/^mov r10, flags +; unsigned long flags$/);
  });

  it('uses ebx, ecx, edx... and int 0x80 on i386', () => {
    const lines = syscallCallLines(known('i386', 'write'), { placeholders: false });
    expect(lines[0]).toMatch(/^mov eax, 4 +; write$/);
    expect(lines.slice(1, 4).map((l) => l.split(',')[0])).toEqual(['mov ebx', 'mov ecx', 'mov edx']);
    expect(lines.at(-1)).toBe('int 0x80');
  });

  it('as a snippet, each argument is a tab stop named after its parameter, comments still aligned', () => {
    const lines = syscallCallLines(known('x86_64', 'exit'), { placeholders: true });
    expect(lines).toEqual(['mov eax, 60          ; exit', 'mov rdi, ${1:error_code}  ; int error_code', 'syscall']);
  });

  it('a call without parameters is just the number and the instruction', () => {
    expect(syscallCallLines(known('x86_64', 'getpid'), { placeholders: true })).toEqual(['mov eax, 39  ; getpid', 'syscall']);
  });
});
