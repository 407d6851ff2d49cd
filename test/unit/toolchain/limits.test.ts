import { describe, expect, it } from 'vitest';
import { limitedCommand, limitThatStopped } from '../../../toolchain/limits';

describe('a program run under resource limits', () => {
  it('goes through prlimit with soft and hard limits equal, the program after --', () => {
    const command = limitedCommand('/usr/bin/nasm', ['-f', 'elf64', 'a.asm'], { addressSpaceBytes: 256 * 1024 * 1024, fileSizeBytes: 1000 }, '/usr/bin/prlimit');
    expect(command).toEqual({
      file: '/usr/bin/prlimit', limited: true,
      args: ['--as=268435456:268435456', '--fsize=1000:1000', '--', '/usr/bin/nasm', '-f', 'elf64', 'a.asm'],
    });
  });

  it('runs the program as it is when prlimit is missing or no limit is asked', () => {
    expect(limitedCommand('nasm', ['x'], { addressSpaceBytes: 1 }, null)).toEqual({ file: 'nasm', args: ['x'], limited: false });
    expect(limitedCommand('nasm', ['x'], {}, '/usr/bin/prlimit')).toEqual({ file: 'nasm', args: ['x'], limited: false });
  });

  it('tells which limit stopped it', () => {
    const limited = limitedCommand('nasm', [], { addressSpaceBytes: 1 }, '/usr/bin/prlimit');
    expect(limitThatStopped({ signal: null, stderr: 'critical: a.asm:3: out of memory!\n' }, limited)).toBe('memory');
    expect(limitThatStopped({ signal: 'SIGSEGV', stderr: '' }, limited)).toBe('memory');
    expect(limitThatStopped({ signal: 'SIGXFSZ', stderr: '' }, limited)).toBe('file-size');
    expect(limitThatStopped({ signal: null, stderr: 'a.asm:3: error: symbol `x\' not defined\n' }, limited)).toBeUndefined();
    // Without limits in force, nothing is blamed on one.
    expect(limitThatStopped({ signal: 'SIGXFSZ', stderr: 'out of memory' }, { file: 'nasm', args: [], limited: false })).toBeUndefined();
  });
});
