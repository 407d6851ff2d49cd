import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manPageSummary, nameLineDescription } from '../../../syscalls/manpage';
import { allSyscalls } from '../../../syscalls';

const manInstalled = existsSync('/usr/bin/man') && existsSync('/usr/share/man/man2/open.2.gz');

describe('summaries', () => {
  it('has one of our own for at least the 120 most used syscalls', () => {
    const withSummary = allSyscalls('x86_64').filter((s) => s.summary);
    expect(withSummary.length).toBeGreaterThanOrEqual(120);
    for (const name of ['read', 'write', 'openat', 'close', 'mmap', 'execve', 'exit_group', 'clone', 'socket', 'futex', 'io_uring_setup']) {
      expect(withSummary.map((s) => s.name)).toContain(name);
    }
  });

  it('reads the NAME line of a man page', () => {
    expect(nameLineDescription('.TH X\n.SH NAME\nopen, openat, creat \\- open and possibly create a file\n.SH LIBRARY\n')).toBe('open and possibly create a file');
    expect(nameLineDescription('no sections here')).toBeUndefined();
  });

  it.skipIf(!manInstalled)('asks the local man page for the others, at run time', async () => {
    expect(await manPageSummary('openat')).toBe('open and possibly create a file');
    expect(await manPageSummary('no_such_syscall_xyz')).toBeUndefined();
    expect(await manPageSummary('../../etc/passwd')).toBeUndefined();
  });
  if (!manInstalled) console.warn('man or manpages-dev is not installed: sudo apt-get install man-db manpages-dev');
});
