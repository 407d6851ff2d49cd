import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorReasons, errorsSection, manPageErrors, manPageErrorsOf, manPageSummary, manPageText, nameLineDescription } from '../../../syscalls/manpage';
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

describe('the errors a syscall can return, from its man page', () => {
  // Our own page in the man(7) shape: each error is a .TP paragraph tagged with .B or .BR.
  const page = [
    '.TH demo 2', '.SH NAME', 'demo \\- a demonstration', '.SH DESCRIPTION', '.TP', '.B ENOTERRNO', 'not in ERRORS.',
    '.SH ERRORS', '.TP', '.B EBADF', 'The descriptor is bad.', '.TP', '.BR EAGAIN " or " EWOULDBLOCK', 'Would block.',
    '.\\" a comment mentioning EPERM', '.TP', '.BR EINTR " (since Linux 2.6)"', 'Interrupted.', '.TP', '.B EBADF', 'Listed twice.',
    '.SH SEE ALSO', '.TP', '.B EIO', '',
  ].join('\n');

  it('takes the tags of the ERRORS section in order, once each, and nothing else', () => {
    expect(errorsSection(page)).toEqual(['EBADF', 'EAGAIN', 'EWOULDBLOCK', 'EINTR']);
  });

  it('keeps only real errno names', () => {
    expect(errorsSection('.SH ERRORS\n.TP\n.B ENOTANERRNO\nx\n.TP\n.B EINVAL\ny\n')).toEqual(['EINVAL']);
  });

  it.skipIf(!manInstalled)('reads the installed page, following the page a syscall is documented in', async () => {
    const write = await manPageErrors('write');
    expect(write).toEqual(expect.arrayContaining(['EAGAIN', 'EBADF', 'EFAULT', 'EINTR', 'EPIPE']));
    // newfstatat is documented as fstatat, in stat(2).
    expect(await manPageErrors('newfstatat')).toEqual(expect.arrayContaining(['ENOENT', 'EBADF']));
    expect(await manPageErrors('no_such_syscall_xyz')).toBeUndefined();
  });

  it.skipIf(!manInstalled)('looks many up at once, leaving out those without a page', async () => {
    // cachestat (Linux 6.5) is newer than Debian 12's man pages.
    const found = await manPageErrorsOf(['read', 'cachestat', 'close', 'no_such_syscall_xyz']);
    expect([...found.keys()].sort()).toEqual(['close', 'read']);
    expect(found.get('close')).toContain('EBADF');
  });

  it.skipIf(!manInstalled)('renders the page as plain text at the width asked', async () => {
    const text = await manPageText('write', 60);
    expect(text).toMatch(/^NAME$/m);
    expect(text).toMatch(/^ERRORS$/m);
    expect(text).not.toMatch(/\x08|\x1b/);
    const wide = await manPageText('write', 120);
    expect(text!.split('\n').length).toBeGreaterThan(wide!.split('\n').length);
    const description = text!.slice(text!.indexOf('DESCRIPTION'), text!.indexOf('RETURN VALUE'));
    expect(Math.max(...description.split('\n').map((line) => line.length))).toBeLessThanOrEqual(60);
    expect(await manPageText('no_such_syscall_xyz')).toBeUndefined();
  });
});

describe('the reason a page gives for each errno', () => {
  it('takes the first sentence of each ERRORS entry as plain text, several per errno, roff removed', () => {
    const page = [
      '.SH ERRORS', 'Calls fail with:', '.TP', '.B EBADF', '.I fd', 'is not open.', 'Second sentence.',
      '.TP', '.BR EAGAIN " or " EWOULDBLOCK', '.\\" a comment', 'Nothing to read on a', '.BR nonblocking (2)', 'descriptor.',
      '.TP', '.B EBADF', '.RB ( at ())', 'the directory is not open.', '.SH SEE ALSO', '.TP', '.B EINVAL', 'not an error entry',
    ].join('\n');
    expect(errorReasons(page)).toEqual(new Map([
      ['EBADF', ['fd is not open.', '(at()) the directory is not open.']],
      ['EAGAIN', ['Nothing to read on a nonblocking(2) descriptor.']],
      ['EWOULDBLOCK', ['Nothing to read on a nonblocking(2) descriptor.']],
    ]));
  });
});
