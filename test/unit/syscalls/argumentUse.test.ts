// Which arguments the kernel reads depends on other arguments: the table says so, this checks it.
import { describe, expect, it } from 'vitest';
import { argumentUse, encodeFlags, lookupSyscallByName } from '../../../syscalls';

function syscall(name: string) {
  const lookup = lookupSyscallByName('x86_64', name);
  if (!lookup.known) throw new Error(name);
  return lookup.syscall;
}
const flags = (name: string, expression: string, param: string) => BigInt(encodeFlags(name, expression, param)!);

describe('argumentUse', () => {
  it('reads open\'s mode only with O_CREAT or O_TMPFILE', () => {
    const open = syscall('open');
    expect(argumentUse(open, 2, (i) => (i === 1 ? 0n : undefined))).toBe('ignored');
    expect(argumentUse(open, 2, (i) => (i === 1 ? flags('open', 'O_WRONLY|O_CREAT|O_TRUNC', 'flags') : undefined))).toBe('read');
    expect(argumentUse(open, 2, (i) => (i === 1 ? flags('open', 'O_TMPFILE|O_RDWR', 'flags') : undefined))).toBe('read');
    // O_DIRECTORY is one of O_TMPFILE's two bits: alone it does not make the kernel read mode.
    expect(argumentUse(open, 2, (i) => (i === 1 ? flags('open', 'O_DIRECTORY', 'flags') : undefined))).toBe('ignored');
    expect(argumentUse(open, 2, () => undefined)).toBe('unknown');
    expect(argumentUse(open, 1, () => undefined)).toBe('read');
  });
  it('ignores mmap\'s fd and offset for anonymous mappings', () => {
    const mmap = syscall('mmap');
    const anonymous = flags('mmap', 'MAP_PRIVATE|MAP_ANONYMOUS', 'flags');
    expect(argumentUse(mmap, 4, (i) => (i === 3 ? anonymous : undefined))).toBe('ignored');
    expect(argumentUse(mmap, 5, (i) => (i === 3 ? anonymous : undefined))).toBe('ignored');
    expect(argumentUse(mmap, 4, (i) => (i === 3 ? flags('mmap', 'MAP_PRIVATE', 'flags') : undefined))).toBe('read');
  });
  it('reads fcntl\'s arg only for commands that take one', () => {
    const fcntl = syscall('fcntl');
    expect(argumentUse(fcntl, 2, (i) => (i === 1 ? flags('fcntl', 'F_GETFL', 'cmd') : undefined))).toBe('ignored');
    expect(argumentUse(fcntl, 2, (i) => (i === 1 ? flags('fcntl', 'F_SETFL', 'cmd') : undefined))).toBe('read');
  });
});
