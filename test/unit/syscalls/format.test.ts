import { describe, expect, it } from 'vitest';
import { likelyErrnos, lookupSyscallByName, signature, syscallMarkdown, type Abi, type SyscallInfo } from '../../../syscalls';

const known = (abi: Abi, name: string): SyscallInfo => {
  const result = lookupSyscallByName(abi, name);
  if (!result.known) throw new Error(result.message);
  return result.syscall;
};

describe('hover markdown', () => {
  it('shows the C signature, the registers to load and how the result reads', () => {
    const markdown = syscallMarkdown(known('x86_64', 'write'));
    expect(markdown).toContain('long write(unsigned int fd, const char *buf, size_t count);');
    expect(markdown).toContain('**x86-64 syscall 1** · descriptor · `sys_write` in `fs/read_write.c`');
    expect(markdown).toContain('| `rax` | 1 (`write`) |');
    expect(markdown).toContain('| `rdi` | `unsigned int fd` — file descriptor |');
    expect(markdown).toContain('| `rsi` | `const char *buf` — address of a string |');
    expect(markdown).toContain('| `rdx` | `size_t count` |');
    expect(markdown).toContain('Returns in `rax`; a value in −4095…−1 is −errno.');
    expect(markdown).toContain('`syscall` also overwrites `rcx` and `r11`.');
    expect(markdown).toContain('[man 2 write](https://man7.org/linux/man-pages/man2/write.2.html)');
    expect(markdown).toContain(known('x86_64', 'write').summary!);
  });

  it('uses the i386 registers and says what special calls return', () => {
    const mmap2 = syscallMarkdown(known('i386', 'mmap2'));
    expect(mmap2).toContain('| `ebx` | `unsigned long addr` — address |');
    expect(mmap2).toContain('| `ebp` | `unsigned long pgoff` |');
    expect(mmap2).toContain('Returns an address in `eax`');
    expect(mmap2).not.toContain('overwrites');
    expect(syscallMarkdown(known('x86_64', 'openat'))).toContain('Returns a new file descriptor in `rax`');
    expect(syscallMarkdown(known('x86_64', 'openat'))).toContain('`O_RDONLY`, `O_WRONLY`, `O_RDWR`, `O_CREAT`, …');
    expect(syscallMarkdown(known('x86_64', 'exit'))).toContain('Does not return when it succeeds.');
    expect(syscallMarkdown(known('x86_64', 'tuxcall'))).toContain('Always fails: `rax` = −38 (`ENOSYS`).');
    expect(syscallMarkdown(known('x86_64', 'getpid'))).toContain('long getpid(void);');
  });

  it('escapes markdown in summaries', () => {
    expect(syscallMarkdown(known('x86_64', 'openat'))).toContain('AT\\_FDCWD');
  });

  it('writes pointer declarations the C way', () => {
    expect(signature(known('x86_64', 'execve'))).toBe('long execve(const char *filename, const char *const *argv, const char *const *envp)');
  });
});

describe('likely errnos, for fault injection menus', () => {
  it('lists what a call can plausibly fail with, most likely first', () => {
    expect(likelyErrnos(known('x86_64', 'openat')).slice(0, 2)).toEqual(['ENOENT', 'EACCES']);
    expect(likelyErrnos(known('x86_64', 'openat'))).toContain('EBADF');
    expect(likelyErrnos(known('x86_64', 'read'))).toEqual(expect.arrayContaining(['EBADF', 'EAGAIN', 'EINTR', 'EFAULT', 'EINVAL']));
    expect(likelyErrnos(known('x86_64', 'connect'))).toEqual(expect.arrayContaining(['ECONNREFUSED', 'ETIMEDOUT', 'EBADF', 'ENOTSOCK']));
    expect(likelyErrnos(known('x86_64', 'mmap'))[0]).toBe('ENOMEM');
    expect(likelyErrnos(known('x86_64', 'setuid'))).toContain('EPERM');
    expect(likelyErrnos(known('x86_64', 'tuxcall'))).toEqual(['ENOSYS']);
    expect(likelyErrnos(known('x86_64', 'getpid'))).toEqual([]);
  });

  it('only names errnos that exist', async () => {
    const { errnoByName, allSyscalls } = await import('../../../syscalls');
    for (const syscall of allSyscalls('x86_64')) {
      for (const name of likelyErrnos(syscall)) expect(errnoByName(name), `${syscall.name}: ${name}`).toBeDefined();
    }
  });
});
