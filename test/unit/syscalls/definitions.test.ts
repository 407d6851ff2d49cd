import { describe, expect, it } from 'vitest';
import { allSyscalls, lookupSyscallByName, type Abi, type SyscallInfo } from '../../../syscalls';

const known = (abi: Abi, name: string): SyscallInfo => {
  const result = lookupSyscallByName(abi, name);
  if (!result.known) throw new Error(result.message);
  return result.syscall;
};
const names = (s: SyscallInfo) => s.params.map((p) => p.name);
const types = (s: SyscallInfo) => s.params.map((p) => p.type);

describe('parameters come from the SYSCALL_DEFINE the x86 build compiles', () => {
  it('x86-64 mmap is the arch/x86 definition with six unsigned longs', () => {
    const mmap = known('x86_64', 'mmap');
    expect(names(mmap)).toEqual(['addr', 'len', 'prot', 'flags', 'fd', 'off']);
    expect(types(mmap)).toEqual(Array(6).fill('unsigned long'));
    expect(mmap.source).toBe('arch/x86/kernel/sys_x86_64.c');
  });

  it('i386 has the old one-struct mmap at 90 and mmap2 at 192', () => {
    const old = known('i386', 'mmap');
    expect(old).toMatchObject({ number: 90, entry: 'sys_old_mmap', params: [{ type: 'struct mmap_arg_struct *', name: 'arg' }] });
    const mmap2 = known('i386', 'mmap2');
    expect(mmap2).toMatchObject({ number: 192, entry: 'sys_mmap_pgoff' });
    expect(names(mmap2)).toEqual(['addr', 'len', 'prot', 'flags', 'fd', 'pgoff']);
  });

  it('read, write and exit', () => {
    expect(known('x86_64', 'read').params).toEqual([
      { type: 'unsigned int', name: 'fd' }, { type: 'char *', name: 'buf' }, { type: 'size_t', name: 'count' }]);
    expect(known('x86_64', 'write').params).toEqual([
      { type: 'unsigned int', name: 'fd' }, { type: 'const char *', name: 'buf' }, { type: 'size_t', name: 'count' }]);
    expect(known('x86_64', 'exit')).toMatchObject({ number: 60, params: [{ type: 'int', name: 'error_code' }], noReturn: true });
    expect(known('i386', 'exit')).toMatchObject({ number: 1, noReturn: true });
  });

  it('strips __user from pointer types', () => {
    expect(known('x86_64', 'execve').params).toEqual([
      { type: 'const char *', name: 'filename' },
      { type: 'const char *const *', name: 'argv' },
      { type: 'const char *const *', name: 'envp' }]);
  });

  it('openat, rt_sigaction, clone3, io_uring_setup', () => {
    expect(known('x86_64', 'openat').params).toEqual([
      { type: 'int', name: 'dfd' }, { type: 'const char *', name: 'filename' }, { type: 'int', name: 'flags' }, { type: 'umode_t', name: 'mode' }]);
    expect(known('x86_64', 'rt_sigaction').params).toEqual([
      { type: 'int', name: 'sig' }, { type: 'const struct sigaction *', name: 'act' },
      { type: 'struct sigaction *', name: 'oact' }, { type: 'size_t', name: 'sigsetsize' }]);
    expect(known('x86_64', 'clone3')).toMatchObject({ number: 435, params: [
      { type: 'struct clone_args *', name: 'uargs' }, { type: 'size_t', name: 'size' }] });
    expect(known('x86_64', 'io_uring_setup')).toMatchObject({ number: 425, params: [
      { type: 'u32', name: 'entries' }, { type: 'struct io_uring_params *', name: 'params' }] });
  });

  it('picks clone’s argument order per ABI (CONFIG_CLONE_BACKWARDS is i386 only)', () => {
    expect(names(known('x86_64', 'clone'))).toEqual(['clone_flags', 'newsp', 'parent_tidptr', 'child_tidptr', 'tls']);
    expect(names(known('i386', 'clone'))).toEqual(['clone_flags', 'newsp', 'parent_tidptr', 'tls', 'child_tidptr']);
  });

  it('uses the 32-bit x86 entry points for i386 (split 64-bit offsets)', () => {
    expect(known('i386', 'pread64')).toMatchObject({ entry: 'sys_ia32_pread64', source: 'arch/x86/kernel/sys_ia32.c' });
    expect(names(known('i386', 'pread64'))).toEqual(['fd', 'ubuf', 'count', 'poslo', 'poshi']);
    expect(known('x86_64', 'arch_prctl').source).toBe('arch/x86/kernel/process_64.c');
    expect(known('x86_64', 'rt_sigreturn').source).toBe('arch/x86/kernel/signal_64.c');
  });

  it('resolves every implemented entry point to a kernel source file', () => {
    for (const abi of ['x86_64', 'i386'] as const) {
      const unresolved = allSyscalls(abi).filter((s) => s.entry && s.entry !== 'sys_ni_syscall' && !s.source);
      expect(unresolved.map((s) => s.name)).toEqual([]);
    }
  });
});
