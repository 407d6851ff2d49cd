import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SyscallEvent, TraceEvent } from '../../../trace/events';
import { toRecord } from '../../../trace/model/jsonl';
import { annotationText, compareSummaries, formatSummaryTable, TraceModel } from '../../../trace/model/model';
import { macroBodies, parseListing } from '../../../trace/map/nasmListing';
import { parseStraceText } from '../../../trace/parse/parser';
import { diagnoseStraceFailure, PTRACE_DENIED_HINT } from '../../../trace/capture/runner';
import { StderrSplitter } from '../../../trace/capture/stderrSplitter';
import { readCapabilities, traceOptions } from '../../../trace/capture/straceProbe';

const REFERENCE = path.resolve(__dirname, '../../fixtures/reference/strace') + '/';
const modelOf = (text: string) => {
  const model = new TraceModel();
  for (const event of parseStraceText(text).events) model.upsert(event);
  return model;
};

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
  it('leaves out -k when strace was built without stack traces', () => {
    const plain = readCapabilities('strace', 'strace -- version 6.1\n', help61);
    expect(traceOptions(plain, { stack: true, stringLimit: 256 })).not.toContain('-k');
  });
});

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

describe('summary like strace -c', () => {
  it('counts calls, errors and time per syscall', () => {
    const model = modelOf(readFileSync(REFERENCE + 'sock_ttt_T.txt', 'utf8'));
    const byName = new Map(model.summary().map((s) => [s.name, s]));
    // The same program's `strace -c` (sock_c.txt): 8 mmap, 1 failed access, 1 failed connect, 42 calls
    // plus exit_group, which strace -c leaves out because it never returns.
    expect(byName.get('mmap')).toMatchObject({ calls: 8, errors: 0 });
    expect(byName.get('access')).toMatchObject({ calls: 1, errors: 1 });
    expect(byName.get('connect')).toMatchObject({ calls: 1, errors: 1 });
    expect([...byName.values()].reduce((n, s) => n + s.calls, 0)).toBe(43);
    expect(byName.get('execve')!.totalTime).toBeGreaterThan(0);
    const table = formatSummaryTable(model.summary());
    expect(table).toMatch(/^100\.00 +[\d.]+ +\d+ +43 +2 total$/m);
  });
  it('counts a call split into unfinished/resumed once', () => {
    const model = modelOf(readFileSync(REFERENCE + 'mt_f_tt_T_y_i.txt', 'utf8'));
    const rawLines = readFileSync(REFERENCE + 'mt_f_tt_T_y_i.txt', 'utf8').split('\n');
    const started = rawLines.filter((l) => /\] [a-z_0-9]+\(/.test(l)).length;
    expect(model.summary().reduce((n, s) => n + s.calls, 0)).toBe(started);
  });
});

describe('process tree', () => {
  it('links threads and forked children to their parent', () => {
    const model = modelOf(readFileSync(REFERENCE + 'mt_f_tt_T_y_i.txt', 'utf8'));
    expect(model.processes.get(4389)).toMatchObject({ parent: 4388, thread: true });
    expect(model.processes.get(4391)).toMatchObject({ parent: 4388, thread: false, exit: 'exited with 5' });
    expect(model.processes.get(4392)).toMatchObject({ parent: 4388, exit: 'killed by SIGSEGV' });
  });
});

describe('editor annotations text', () => {
  it('reads like `write → 14 ×5` and `open → -1 ENOENT`', () => {
    const model = new TraceModel();
    const call = (seq: number, name: string, result: string, errno?: string): SyscallEvent => ({
      kind: 'syscall', seq, pid: 1, name, args: [], result, annotations: [], inProgress: false, stack: [], abi: 'x86_64',
      location: { file: '/a.asm', line: 9 }, ...(errno ? { errno } : {}),
    });
    for (let i = 1; i <= 5; i++) model.upsert(call(i, 'write', '14'));
    expect(annotationText(model.lines.get('/a.asm')!.get(9)!.values())).toBe('write → 14 ×5');
    model.upsert({ ...call(6, 'open', '-1', 'ENOENT'), location: { file: '/a.asm', line: 12 } });
    expect(annotationText(model.lines.get('/a.asm')!.get(12)!.values())).toBe('open → -1 ENOENT');
    expect(model.lines.get('/a.asm')!.get(12)!.get('open')!.errors).toBe(1);
  });
});

describe('compare two runs', () => {
  it('shows calls per syscall, differences, new and vanished syscalls', () => {
    const c = modelOf(readFileSync(REFERENCE + 'k.txt', 'utf8')).summary();
    const asm = modelOf(readFileSync(REFERENCE + 'asm_i.txt', 'utf8')).summary();
    const { rows, totalA, totalB } = compareSummaries(c, asm);
    expect(totalA).toBe(35);
    expect(totalB).toBe(6);
    expect(rows.find((r) => r.name === 'mmap')).toMatchObject({ status: 'both', difference: 1 - c.find((s) => s.name === 'mmap')!.calls });
    expect(rows.find((r) => r.name === 'exit')).toMatchObject({ status: 'new', callsA: 0, callsB: 1 });
    expect(rows.find((r) => r.name === 'exit_group')).toMatchObject({ status: 'vanished', callsB: 0 });
  });
});

describe('JSON Lines records', () => {
  it('always has every schema key', () => {
    const events = parseStraceText(readFileSync(REFERENCE + 'edge_i.txt', 'utf8')).events as TraceEvent[];
    const keys = ['type', 'seq', 'pid', 'time', 'duration', 'name', 'args', 'result', 'errno', 'signal', 'ip', 'file', 'line', 'macroLine'];
    for (const event of events) expect(Object.keys(toRecord(event))).toEqual(keys);
    expect(toRecord(events[4]!)).toMatchObject({ type: 'signal', signal: 'SIGSEGV', ip: '0x40102b' });
    expect(toRecord(events[5]!)).toMatchObject({ type: 'exit', signal: 'SIGSEGV', result: null, ip: null });
  });
});

describe('nasm listing', () => {
  const listing = [
    '    13                                      sys_write 1, msg, 3',
    '     2 00000000 B801000000          <1>  mov rax, 1',
    '     4 0000000C [0000000000000000]  <1>',
    '     6 00000019 0F05                <1>  syscall',
    '    15 00000036 B83C000000                  mov rax, 60',
  ].join('\n');
  it('keeps expanded instructions with the line that invoked the macro', () => {
    expect(parseListing(listing)).toEqual([
      { section: '.text', offset: 0, line: 2, depth: 1, topLine: 13 },
      { section: '.text', offset: 0x19, line: 6, depth: 1, topLine: 13 },
      { section: '.text', offset: 0x36, line: 15, depth: 0, topLine: 15 },
    ]);
  });
  it('finds %macro bodies', () => {
    expect(macroBodies('%macro a 0\n  nop\n  syscall\n%endmacro\nnop\n%imacro b 1\nret\n%endm\n')).toEqual([[2, 4], [7, 8]]);
  });
});

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
