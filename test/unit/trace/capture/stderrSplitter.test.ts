import { describe, expect, it } from 'vitest';
import { diagnoseStraceFailure } from '../../../../trace/capture/runner';
import { StderrSplitter } from '../../../../trace/capture/stderrSplitter';

describe('strace messages on the shared stderr', () => {
  it('sends strace\'s own lines to the trace and the rest to the program, partial lines included', () => {
    const program: string[] = [];
    const trace: string[] = [];
    const splitter = new StderrSplitter((t) => program.push(t), (l) => trace.push(l));
    splitter.push('oops: bad\n[ Process PID=5055 runs in 32 bit mode. ]\nEnter a name: ');
    splitter.push('str');
    splitter.push('ace: Process 12 detached\nstrange but mine\nstr');
    splitter.end();
    expect(trace).toEqual(['[ Process PID=5055 runs in 32 bit mode. ]', 'strace: Process 12 detached']);
    expect(program.join('')).toBe('oops: bad\nEnter a name: strange but mine\nstr');
  });
});

describe('strace\'s messages on the program\'s terminal', () => {
  it('takes them out of a pty\'s \\r\\n lines and leaves the program\'s lines as the terminal shows them', () => {
    const trace: string[] = [];
    const program: string[] = [];
    const splitter = new StderrSplitter((t) => program.push(t), (l) => trace.push(l));
    splitter.push('hello\r\nstrace: exec: Exec format error\r\nName? ');
    splitter.end();
    expect(trace).toEqual(['strace: exec: Exec format error']);
    expect(program.join('')).toBe('hello\r\nName? ');
  });
});

describe('strace named by its path', () => {
  it('recognises `/usr/bin/strace: …` messages too', () => {
    expect(diagnoseStraceFailure('/usr/bin/strace: exec: Permission denied\n', '/x')?.message).toBe('Could not run /x: Permission denied');
    const trace: string[] = [];
    const program: string[] = [];
    const splitter = new StderrSplitter((t) => program.push(t), (l) => trace.push(l), '/usr/bin/strace');
    splitter.push('/usr/bin/strace: Process 7 attached\n/usr/lib/x: mine\n');
    expect(trace).toEqual(['/usr/bin/strace: Process 7 attached']);
    expect(program).toEqual(['/usr/lib/x: mine\n']);
  });
});
