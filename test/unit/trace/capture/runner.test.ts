import { describe, expect, it } from 'vitest';
import { diagnoseStraceFailure, PTRACE_DENIED_HINT } from '../../../../trace/capture/runner';

describe('clear errors from strace diagnostics', () => {
  it('explains ptrace being refused', () => {
    const error = diagnoseStraceFailure('strace: test_ptrace_get_syscall_info: PTRACE_TRACEME: Operation not permitted\nstrace: ptrace(PTRACE_TRACEME, ...): Operation not permitted\n', '/p');
    expect(error?.reason).toBe('ptrace-denied');
    expect(error?.message).toBe(PTRACE_DENIED_HINT);
    expect(error?.message).toMatch(/SYS_PTRACE.*ptrace_scope/s);
  });
  it('names a program strace cannot find or run', () => {
    expect(diagnoseStraceFailure("strace: Can't stat '/x': No such file or directory\n", '/x')?.message).toBe('Program not found: /x');
    expect(diagnoseStraceFailure('strace: exec: Exec format error\n', '/x')?.message).toBe('Could not run /x: Exec format error');
    expect(diagnoseStraceFailure('', '/x')).toBeUndefined();
  });
});
