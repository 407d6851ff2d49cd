import { describe, expect, it } from 'vitest';
import { diagnoseStraceFailure } from '../../../../trace/capture/runner';
import { LineSplitter, MAX_MESSAGE_LENGTH, StderrSplitter } from '../../../../trace/capture/stderrSplitter';

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

describe('bounded and linear, whatever the program writes', () => {
  it('passes a huge line that starts like strace\'s on to the program instead of holding it', () => {
    let passed = 0;
    const trace: string[] = [];
    const splitter = new StderrSplitter((t) => { passed += t.length; }, (l) => trace.push(l));
    splitter.push('strace: ');
    const block = 'x'.repeat(1 << 16);
    for (let i = 0; i < 64; i++) splitter.push(block);
    // Everything but at most one bounded candidate line has gone on already.
    expect(passed).toBeGreaterThanOrEqual(8 + 64 * block.length - MAX_MESSAGE_LENGTH);
    splitter.push('\nstrace: real\n');
    splitter.end();
    expect(trace).toEqual(['strace: real']);
    expect(passed).toBe(8 + 64 * block.length + 1);
  });
});

describe('lines of strace\'s own channel', () => {
  it('come out whole across chunks, without \\r, and cut at the bound', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l), 10);
    splitter.push('strace: a');
    splitter.push('b\r\nshort\n0123456789abcdef');
    splitter.push('ghij\nlast');
    splitter.end();
    expect(lines).toEqual(['strace: ab', 'short', '0123456789', 'last']);
  });
});
