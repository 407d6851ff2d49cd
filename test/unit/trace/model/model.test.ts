import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SyscallEvent } from '../../../../trace/events';
import { annotationText, compareSummaries, formatOrigins, formatSummaryTable, TraceModel } from '../../../../trace/model/model';
import { parseStraceText } from '../../../../trace/parse/parser';

const REFERENCE = path.resolve(__dirname, '../../../fixtures/reference/strace') + '/';
const modelOf = (text: string) => {
  const model = new TraceModel();
  for (const event of parseStraceText(text).events) model.upsert(event);
  return model;
};

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

  it('lists the distinct results first seen first, and says when a call did not return', () => {
    const model = new TraceModel();
    const at = (seq: number, name: string, result: string, line: number, errno?: string): SyscallEvent => ({
      kind: 'syscall', seq, pid: 1, name, args: [], result, annotations: [], inProgress: false, stack: [], abi: 'x86_64',
      location: { file: '/cat.asm', line }, ...(errno ? { errno } : {}),
    });
    // A read loop: two full buffers, a short one, end of file.
    ['124', '124', '0'].forEach((r, i) => model.upsert(at(i + 1, 'read', r, 30)));
    expect(annotationText(model.lines.get('/cat.asm')!.get(30)!.values())).toBe('read → 124, 0 ×3');
    model.upsert(at(4, 'read', '-1', 30, 'EINTR'));
    expect(annotationText(model.lines.get('/cat.asm')!.get(30)!.values())).toBe('read → 124, 0, -1 EINTR ×4');
    // Beyond the bound the list says there is more, and stays bounded.
    for (let i = 0; i < 50; i++) model.upsert(at(10 + i, 'read', String(200 + i), 30));
    const read = model.lines.get('/cat.asm')!.get(30)!.get('read')!;
    expect(read.results).toEqual(['124', '0', '-1 EINTR', '200']);
    expect(annotationText([read])).toBe('read → 124, 0, -1 EINTR, 200, … ×54');
    // strace's `exit(0) = ?`: the call never came back.
    model.upsert(at(100, 'exit', '?', 40));
    expect(annotationText(model.lines.get('/cat.asm')!.get(40)!.values())).toBe('exit → did not return');
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

describe('a model that only aggregates (bounded memory for the CLI)', () => {
  it('gives the same summary, lines and processes without keeping any event', () => {
    const text = readFileSync(path.resolve(__dirname, '../../../fixtures/reference/strace/mt_f_tt_T_y_i.txt'), 'utf8');
    const full = new TraceModel();
    const lean = new TraceModel({ keepEvents: false });
    for (const event of parseStraceText(text).events) {
      full.upsert(event);
      lean.upsert(event);
    }
    expect(lean.events).toEqual([]);
    expect(lean.size).toBe(full.size);
    expect(lean.summary()).toEqual(full.summary());
    expect([...lean.processes.values()]).toEqual([...full.processes.values()]);
  });
});

describe('calls per origin', () => {
  it('reads as a sentence, in the order a program runs, leaving out origins with no calls', () => {
    expect(formatOrigins(new Map([['user', 2], ['loader', 28], ['exit', 1]]))).toBe('calls by origin: 28 loading (execve, dynamic loader), 2 your code, 1 exit (atexit, flushing stdio)');
    expect(formatOrigins(new Map())).toBeUndefined();
    // With the calls counted, those of unknown origin (traced without stacks) are not left out.
    expect(formatOrigins(new Map([['loader', 28]]), 62)).toBe('calls by origin: 28 loading (execve, dynamic loader), 34 unknown');
    expect(formatOrigins(new Map([['loader', 28]]), 28)).toBe('calls by origin: 28 loading (execve, dynamic loader)');
  });
});
