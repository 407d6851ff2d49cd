import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allSyscalls, lookupSyscall, lookupSyscallByName, tableOrigin, type Abi, type SyscallInfo } from '../../../syscalls';

const HEADERS: Record<Abi, string> = {
  x86_64: '/usr/include/x86_64-linux-gnu/asm/unistd_64.h',
  i386: '/usr/include/x86_64-linux-gnu/asm/unistd_32.h',
};

/**
 * Syscalls our 6.12 tables have but Debian 12's linux-libc-dev (6.1) headers predate, with the
 * kernel release that added them. Headers newer than 6.1 may list them; older ones must not be used.
 */
const ADDED_AFTER_HEADERS: Record<string, string> = {
  uretprobe: '6.11 (x86-64 only)', cachestat: '6.5', fchmodat2: '6.6', map_shadow_stack: '6.6',
  futex_wake: '6.7', futex_wait: '6.7', futex_requeue: '6.7', statmount: '6.8', listmount: '6.8',
  lsm_get_self_attr: '6.8', lsm_set_self_attr: '6.8', lsm_list_modules: '6.8', mseal: '6.10',
};

function headerNumbers(abi: Abi): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const match of readFileSync(HEADERS[abi], 'utf8').matchAll(/^#define __NR_(\w+)\s+(\d+)/gm)) {
    numbers.set(match[1]!, Number(match[2]));
  }
  return numbers;
}

const known = (abi: Abi, name: string): SyscallInfo => {
  const result = lookupSyscallByName(abi, name);
  if (!result.known) throw new Error(result.message);
  return result.syscall;
};

describe.each(['x86_64', 'i386'] as const)('%s table agrees with the C library headers', (abi) => {
  const header = headerNumbers(abi);

  it('has every __NR_ constant of the header, with the same number', () => {
    expect(header.size).toBeGreaterThan(300);
    const mismatches = [...header].filter(([name, number]) => {
      const found = lookupSyscallByName(abi, name);
      return !found.known || found.syscall.number !== number;
    });
    expect(mismatches).toEqual([]);
  });

  it('has nothing the header lacks except syscalls added after it', () => {
    const extra = allSyscalls(abi).filter((s) => !header.has(s.name)).map((s) => s.name);
    expect(extra.filter((name) => !(name in ADDED_AFTER_HEADERS))).toEqual([]);
  });
});

describe('tables record where they came from', () => {
  it.each(['x86_64', 'i386'] as const)('%s names the kernel version and tarball', (abi) => {
    expect(tableOrigin(abi).kernel).toMatch(/^6\.12\.\d+/);
    expect(tableOrigin(abi).source).toBe('linux-source-6.12.tar.xz');
  });

  it('leaves the x32 entries (512–547) out of x86-64', () => {
    expect(allSyscalls('x86_64').filter((s) => s.number >= 512)).toEqual([]);
    expect(lookupSyscall('x86_64', 512)).toMatchObject({ known: false, message: 'unknown syscall 512' });
  });

  it('gives every entry a category, a return type and a man7 link', () => {
    for (const abi of ['x86_64', 'i386'] as const) {
      for (const s of allSyscalls(abi)) {
        expect(s.manUrl).toMatch(/^https:\/\/man7\.org\/linux\/man-pages\/man2\/\w+\.2\.html$/);
        expect(s.returns).toMatch(/long/);
        expect(s.category).not.toBe('');
      }
    }
    expect(known('x86_64', 'newfstatat').manUrl).toContain('/fstatat.2.html');
    expect(known('i386', 'clock_gettime64').manUrl).toContain('/clock_gettime.2.html');
    expect(known('i386', 'ppoll_time64').manUrl).toContain('/ppoll.2.html');
  });

  it('categorises the common calls the way a reader expects', () => {
    const categories = Object.fromEntries(['read', 'openat', 'mmap', 'execve', 'kill', 'socket', 'clock_gettime', 'setuid', 'shmget', 'uname']
      .map((n) => [n, known('x86_64', n).category]));
    expect(categories).toEqual({
      read: 'descriptor', openat: 'file', mmap: 'memory', execve: 'process', kill: 'signal', socket: 'network',
      clock_gettime: 'time', setuid: 'credentials', shmget: 'ipc', uname: 'system',
    });
  });
});

describe('lookups', () => {
  it('finds by number, by name and by constant name', () => {
    expect(known('x86_64', 'write').number).toBe(1);
    expect(known('x86_64', 'SYS_write')).toBe(known('x86_64', '__NR_write'));
    expect(lookupSyscall('x86_64', 60)).toMatchObject({ known: true, syscall: { name: 'exit' } });
    expect(lookupSyscall('i386', 1)).toMatchObject({ known: true, syscall: { name: 'exit' } });
    expect(lookupSyscall('i386', 4)).toMatchObject({ known: true, syscall: { name: 'write' } });
    expect(lookupSyscall('x86_64', 1n)).toMatchObject({ known: true, syscall: { name: 'write' } });
  });

  it('answers unknown numbers and names with a typed result instead of throwing', () => {
    expect(lookupSyscall('x86_64', 500)).toEqual({ known: false, abi: 'x86_64', number: 500, message: 'unknown syscall 500' });
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 1e308]) {
      expect(lookupSyscall('x86_64', bad).known).toBe(false);
    }
    expect(lookupSyscall('x86_64', 0xffffffffffffffffn)).toMatchObject({ known: false, message: 'unknown syscall 18446744073709551615' });
    expect(lookupSyscallByName('i386', 'no_such_call')).toMatchObject({ known: false, message: 'unknown syscall no_such_call' });
    expect(lookupSyscallByName('x86_64', 'constructor').known).toBe(false);
  });

  it('keeps entries without an implementation, with entry null', () => {
    expect(known('x86_64', 'tuxcall')).toMatchObject({ entry: null, params: [] });
    expect(known('i386', 'break')).toMatchObject({ number: 17, entry: null });
  });
});
