import { describe, expect, it } from 'vitest';
import type { SyscallEvent } from '../../../../trace/events';
import { ExecutableMappings } from '../../../../trace/map/mappings';
import { parseStraceText } from '../../../../trace/parse/parser';

// The loader mapping libc, as strace 6.1 printed it with -f -i -y (then a thread, a fork, an exec).
const LOG = `7643  [00007f4364951ca3] mmap(NULL, 1974096, PROT_READ, MAP_PRIVATE|MAP_DENYWRITE, 3</usr/lib/x86_64-linux-gnu/libc.so.6>, 0) = 0x7f436473b000
7643  [00007f4364951ca3] mmap(0x7f4364761000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3</usr/lib/x86_64-linux-gnu/libc.so.6>, 0x26000) = 0x7f4364761000
7643  [00007f4364951ca3] mmap(0x7f43648b7000, 339968, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3</usr/lib/x86_64-linux-gnu/libc.so.6>, 0x17c000) = 0x7f43648b7000
7643  [00007f4364951ca3] mmap(NULL, 12288, PROT_READ|PROT_WRITE|PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f4364738000
7643  [00007f43648104f7] clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, child_tid=0x7f4363f2b910, parent_tid=0x7f4363f2b910, exit_signal=0, stack=0x7f436372b000, stack_size=0x7fff00, tls=0x7f4363f2b640} => {parent_tid=[7644]}, 88) = 7644
7643  [00007f43648104f7] clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f4364738a10) = 7645
7643  [00007f4364951ca3] mmap(NULL, 8192, PROT_READ|PROT_EXEC, MAP_PRIVATE, 4</usr/lib/x86_64-linux-gnu/libm.so.6>, 0x1000) = 0x7f4364100000
7645  [00007f4364833350] execve("/bin/true", ["true"], 0x7ffd4a08a080 /* 35 vars */) = 0
`;

function replay(text: string): ExecutableMappings {
  const mappings = new ExecutableMappings();
  for (const event of parseStraceText(text).events) if (event.kind === 'syscall') mappings.observe(event as SyscallEvent);
  return mappings;
}

describe('executable mappings read off the trace', () => {
  it('knows the file and file offset of an address in a mapped library\'s code', () => {
    const mappings = replay(LOG);
    expect(mappings.find(7643, 0x7f43648104f7 - 2)).toEqual({ file: '/usr/lib/x86_64-linux-gnu/libc.so.6', offset: 0x26000 + 0x7f43648104f5 - 0x7f4364761000 });
    // Read-only parts, anonymous memory and addresses outside any mapping are not code of a file.
    expect(mappings.find(7643, 0x7f436473b000 + 16)).toBeUndefined();
    expect(mappings.find(7643, 0x7f4364738000)).toBeUndefined();
    expect(mappings.find(7643, 0x400000)).toBeUndefined();
  });

  it('shares the parent\'s mappings with a thread, copies them into a forked child, and forgets them at execve', () => {
    const mappings = replay(LOG);
    // libm was mapped after both were created: the thread sees it, the forked child does not.
    expect(mappings.files(7644)).toEqual(['/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libm.so.6']);
    expect(mappings.find(7644, 0x7f4364100010)?.file).toBe('/usr/lib/x86_64-linux-gnu/libm.so.6');
    expect(mappings.files(7645)).toEqual([]);
    expect(replay(LOG.split('\n').slice(0, 6).join('\n') + '\n').files(7645)).toEqual(['/usr/lib/x86_64-linux-gnu/libc.so.6']);
  });

  it('lends a new task whose creator\'s clone has not returned yet the mappings every known process agrees on; not after its execve', () => {
    const before = replay(LOG.split('\n').slice(0, 4).join('\n') + '\n');
    expect(before.find(7650, 0x7f43648104f5)?.file).toBe('/usr/lib/x86_64-linux-gnu/libc.so.6');
    expect(before.files(7650)).toEqual(['/usr/lib/x86_64-linux-gnu/libc.so.6']);
    const execed = replay(LOG.split('\n').slice(0, 4).join('\n') + '\n7650  [00007f4364833350] execve("/bin/true", ["true"], 0x7ffd4a08a080 /* 35 vars */) = 0\n');
    expect(execed.find(7650, 0x7f43648104f5)).toBeUndefined();
  });

  it('drops a library unmapped whole (dlclose), keeps one unmapped in part', () => {
    const unmapped = replay(`${LOG}7643  [00007f4364951ce7] munmap(0x7f4364100000, 8192) = 0\n7643  [00007f4364951ce7] munmap(0x7f4364761000, 4096) = 0\n`);
    expect(unmapped.files(7643)).toEqual(['/usr/lib/x86_64-linux-gnu/libc.so.6']);
  });
});
