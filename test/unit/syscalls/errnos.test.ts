// The per-syscall errno lists come from the man pages' ERRORS sections (scripts/gen-errnos.mjs).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentedErrnos, errnoByName, failureErrnos, lookupSyscallByName, syscallMarkdown } from '../../../syscalls';
import { manPageErrorsOf } from '../../../syscalls/manpage';
import documented from '../../../syscalls/data/errnos.json';

const syscall = (name: string) => {
  const lookup = lookupSyscallByName('x86_64', name);
  if (!lookup.known) throw new Error(name);
  return lookup.syscall;
};

describe('errnos from the man pages', () => {
  it('lists none for a call that cannot fail', () => {
    expect(documentedErrnos('exit')).toEqual([]);
    expect(documentedErrnos('exit_group')).toEqual([]);
    expect(syscallMarkdown(syscall('exit'))).not.toContain('Errors');
  });
  it('lists what the ERRORS section says, each once, only real errno names', () => {
    const names = Object.values(documented.errnos as Record<string, string[]>);
    for (const list of names) {
      expect(new Set(list).size).toBe(list.length);
      for (const name of list) expect(errnoByName(name), name).toBeDefined();
    }
    expect(documentedErrnos('open')).toEqual(expect.arrayContaining(['EACCES', 'EEXIST', 'ENOENT', 'EMFILE', 'ENAMETOOLONG']));
  });
  it('shows them once in the hover text', () => {
    const text = syscallMarkdown(syscall('read'));
    expect(text.match(/EBADF/g)).toHaveLength(1);
    expect(failureErrnos(syscall('afs_syscall'))).toEqual(['ENOSYS']);
  });
  it.runIf(existsSync('/usr/share/man/man2/read.2.gz'))('matches the installed man pages (regenerate with npm run gen:errnos)', async () => {
    const sample = ['read', 'write', 'openat', 'mmap', 'execve', 'clone', 'socket', 'exit'];
    const installed = await manPageErrorsOf(sample);
    for (const name of sample) expect(documentedErrnos(name), name).toEqual(installed.get(name));
  });
});
