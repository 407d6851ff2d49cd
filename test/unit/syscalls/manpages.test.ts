import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allSyscalls, type Abi } from '../../../syscalls';
import { manPageName } from '../../../syscalls/table';
import { MAN2_DIR, manPrototype } from './manSynopsis';

/** Where the man page's prototype (usually the glibc wrapper) and the kernel entry point differ, and why. */
const EXPLAINED: Record<string, string> = {
  clone: 'the glibc wrapper takes fn/stack/flags/arg; the kernel takes flags, stack and three tid/tls values',
  ioctl: 'the third argument is variadic in the wrapper',
  fcntl: 'the third argument is variadic in the wrapper',
  semctl: 'the fourth argument (union semun) is variadic in the wrapper',
  mremap: 'new_address is variadic in the wrapper',
  getpgrp: 'the page also shows the BSD getpgrp(pid) variant',
  waitid: 'the kernel takes a fifth struct rusage pointer the wrapper hides',
  fchmodat: 'the wrapper adds a flags argument it emulates; the kernel call has none (fchmodat2 does)',
  faccessat: 'the wrapper adds a flags argument it emulates; the kernel call has none (faccessat2 does)',
  ppoll: 'the kernel also takes the sigset size',
  epoll_pwait: 'the kernel also takes the sigset size',
  epoll_pwait2: 'the kernel also takes the sigset size',
  eventfd: 'the wrapper has flags and calls eventfd2; the eventfd syscall takes only the count',
  getcpu: 'the kernel keeps a third, unused tcache argument',
  preadv: 'the kernel takes the offset as two registers (pos_l, pos_h)',
  pwritev: 'the kernel takes the offset as two registers (pos_l, pos_h)',
  preadv2: 'the kernel takes the offset as two registers (pos_l, pos_h)',
  pwritev2: 'the kernel takes the offset as two registers (pos_l, pos_h)',
};

/** i386 only: 64-bit values split over two registers, and the old calls that take one struct pointer. */
const EXPLAINED_I386: Record<string, string> = {
  select: 'i386 select (82) is old_select, taking one struct sel_arg_struct pointer',
  mmap: 'i386 mmap (90) is old_mmap, taking one struct mmap_arg_struct pointer',
  readahead: 'the 64-bit offset is split over two registers',
  sync_file_range: 'both 64-bit values are split over two registers',
  fallocate: 'both 64-bit values are split over two registers',
};

const installed = existsSync(`${MAN2_DIR}/write.2.gz`);

describe.each(['x86_64', 'i386'] as const)('%s parameter counts agree with the man-page synopses', (abi: Abi) => {
  it.skipIf(!installed)('matches every syscall that has a synopsis, except the explained differences', () => {
    const explained = { ...EXPLAINED, ...(abi === 'i386' ? EXPLAINED_I386 : {}) };
    let compared = 0;
    const differences: string[] = [];
    const stale: string[] = [];
    for (const syscall of allSyscalls(abi)) {
      if (!syscall.entry || syscall.entry === 'sys_ni_syscall') continue;
      const prototype = manPrototype(syscall.name, manPageName(syscall.name)) ?? manPrototype(syscall.name);
      if (!prototype) continue;
      compared++;
      const agrees = prototype.params.length === syscall.params.length;
      if (!agrees && !(syscall.name in explained)) {
        differences.push(`${syscall.name}: man ${prototype.params.length} (${prototype.params.join(', ')}), kernel ${syscall.params.length}`);
      }
      if (agrees && syscall.name in explained) stale.push(syscall.name);
    }
    expect(compared).toBeGreaterThan(280);
    expect(differences).toEqual([]);
    expect(stale).toEqual([]);
  });
  if (!installed) console.warn(`manpages-dev is not installed (${MAN2_DIR}/write.2.gz missing): sudo apt-get install manpages-dev`);
});
