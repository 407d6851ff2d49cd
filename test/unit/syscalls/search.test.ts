import { describe, expect, it } from 'vitest';
import {
  allSyscalls, isImplemented, lookupSyscallByName, nearestSyscallNames, parseSyscallQuery, searchSyscalls,
  type Abi, type SyscallInfo,
} from '../../../syscalls';

const names = (abi: Abi, text: string, implementedOnly = false) =>
  searchSyscalls(allSyscalls(abi), parseSyscallQuery(text, { implementedOnly })).map((s) => s.name);

function known(abi: Abi, name: string): SyscallInfo {
  const found = lookupSyscallByName(abi, name);
  if (!found.known) throw new Error(found.message);
  return found.syscall;
}

describe('searching the table', () => {
  it('finds a syscall by its number, decimal or hex, in each ABI', () => {
    expect(names('x86_64', '60')).toEqual(['exit']);
    expect(names('x86_64', '0x3c')).toEqual(['exit']);
    expect(names('i386', '1')).toEqual(['exit']);
    expect(names('i386', '4')).toEqual(['write']);
  });

  it('puts the exact name first, then names that start with the word, then the rest', () => {
    const found = names('x86_64', 'open');
    expect(found[0]).toBe('open');
    expect(found.slice(1, 4)).toEqual(['openat', 'open_by_handle_at', 'open_tree']);
    expect(found).toContain('mq_open');
    expect(found.indexOf('openat2')).toBeLessThan(found.indexOf('mq_open'));
  });

  it('accepts SYS_ and __NR_ prefixes', () => {
    expect(names('x86_64', 'SYS_write')[0]).toBe('write');
    expect(names('x86_64', '__NR_exit_group')[0]).toBe('exit_group');
  });

  it('filters by category, with cat: or the bare category name', () => {
    const memory = names('x86_64', 'cat:memory');
    expect(memory).toEqual(expect.arrayContaining(['mmap', 'munmap', 'brk', 'mprotect']));
    for (const name of memory) expect(known('x86_64', name).category).toBe('memory');
    expect(names('x86_64', 'memory')).toEqual(expect.arrayContaining(memory));
  });

  it('filters by parameter name or type with arg:', () => {
    const withMode = names('x86_64', 'arg:umode_t');
    expect(withMode).toEqual(expect.arrayContaining(['open', 'creat', 'mkdir', 'chmod']));
    for (const name of withMode) expect(known('x86_64', name).params.some((p) => p.type.includes('umode_t'))).toBe(true);
  });

  it('needs every word to match', () => {
    const found = names('x86_64', 'cat:file arg:dfd');
    expect(found).toEqual(expect.arrayContaining(['openat', 'mkdirat', 'unlinkat']));
    expect(found).not.toContain('open');
    expect(names('x86_64', 'write 60')).toEqual([]);
  });

  it('can leave out syscalls the kernel does not implement', () => {
    const all = names('x86_64', '');
    const implemented = names('x86_64', '', true);
    expect(implemented.length).toBeLessThan(all.length);
    const missing = all.filter((name) => !implemented.includes(name));
    for (const name of missing) expect(isImplemented(known('x86_64', name))).toBe(false);
    expect(missing).toEqual(expect.arrayContaining(['afs_syscall', 'tuxcall']));
  });

  it('suggests names for a mistyped one', () => {
    expect(nearestSyscallNames(allSyscalls('x86_64'), 'wirte')).toEqual(['write']);
    expect(nearestSyscallNames(allSyscalls('x86_64'), 'mmmap')[0]).toBe('mmap');
    expect(nearestSyscallNames(allSyscalls('x86_64'), 'zzzzzzzz')).toEqual([]);
  });
});
