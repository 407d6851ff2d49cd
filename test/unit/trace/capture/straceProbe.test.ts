import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapabilities, traceOptions } from '../../../../trace/capture/straceProbe';

const REFERENCE = path.resolve(__dirname, '../../../fixtures/reference/strace') + '/';

describe('strace capabilities decide the flags', () => {
  const help61 = readFileSync(REFERENCE + 'strace-6.1-help.txt', 'utf8');
  const help72 = readFileSync(REFERENCE + 'strace-7.2-help.txt', 'utf8');
  it('reads Debian 6.1 (libunwind) and upstream 7.2 (libdw)', () => {
    const debian = readCapabilities('strace', 'strace -- version 6.1\nOptional features enabled: stack-trace=libunwind stack-demangle m32-mpers', help61);
    expect(debian).toMatchObject({ version: '6.1', stackTrace: 'libunwind', supports: { stackTraces: true, constPrintStyle: true, killOnExit: false } });
    const upstream = readCapabilities('strace', 'strace -- version 7.2\nOptional features enabled: stack-trace=libdw', help72);
    expect(upstream).toMatchObject({ stackTrace: 'libdw', supports: { killOnExit: true } });
    expect(traceOptions(debian, { stack: false, stringLimit: 256 })).toEqual(['-f', '-ttt', '-T', '-i', '-y', '-X', 'verbose', '-s', '256']);
    expect(traceOptions(upstream, { stack: true, stringLimit: 64, inject: { syscall: 'openat', errno: 'EACCES', when: 3 } }))
      .toEqual(['-f', '-ttt', '-T', '-i', '-y', '-X', 'verbose', '-s', '64', '-k', '--kill-on-exit', '-e', 'inject=openat:error=EACCES:when=3']);
  });
  it('traces only the chosen syscalls (and execve, where the program starts), with --seccomp-bpf when strace starts the program', () => {
    const debian = readCapabilities('strace', 'strace -- version 6.1\nOptional features enabled: stack-trace=libunwind', help61);
    expect(debian.supports.seccompBpf).toBe(true);
    const attached = traceOptions(debian, { stack: true, stringLimit: 256, syscalls: ['write', 'execve', 'openat'] });
    expect(attached.slice(-2)).toEqual(['-e', 'trace=execve,write,openat']);
    // strace ignores --seccomp-bpf for a process attached with -p (the supervisor's way).
    expect(traceOptions(debian, { stack: true, stringLimit: 256, syscalls: ['write'], startsProgram: true }).slice(-3))
      .toEqual(['-e', 'trace=execve,write', '--seccomp-bpf']);
    expect(traceOptions(debian, { stack: true, stringLimit: 256, startsProgram: true })).not.toContain('--seccomp-bpf');
  });
  it('leaves out -k when strace was built without stack traces', () => {
    const plain = readCapabilities('strace', 'strace -- version 6.1\n', help61);
    expect(traceOptions(plain, { stack: true, stringLimit: 256 })).not.toContain('-k');
  });
});
