import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { lineCallHover, NO_FILTER, searchText, toRow, TraceViewModel, waitsForInput } from '../../../../client/trace/viewModel';
import type { TraceFilter } from '../../../../client/trace/protocol';
import { EventArchive } from '../../../../trace/model/eventArchive';
import type { SyscallEvent, TraceEvent } from '../../../../trace/events';
import { TraceModel } from '../../../../trace/model/model';
import { FdTracker } from '../../../../trace/model/fds';
import { parseStraceText, StraceParser } from '../../../../trace/parse/parser';
import { errnoByName } from '../../../../syscalls';

const REFERENCE = path.resolve(__dirname, '../../../fixtures/reference/strace') + '/';
function viewOf(file: string): TraceViewModel {
  const model = new TraceModel();
  const view = new TraceViewModel(model);
  for (const event of parseStraceText(readFileSync(REFERENCE + file, 'utf8')).events) {
    model.upsert(event);
    view.add(event);
  }
  return view;
}

describe('panel rows', () => {
  it('formats relative time, decoded arguments, errno and duration', () => {
    const view = viewOf('mt_f_tt_T_y_i.txt');
    const [execve, , , access] = view.rows(0, 4);
    expect(execve).toMatchObject({ seq: 1, time: '0.000000', pid: 4388, name: 'execve', category: 'process', duration: '0.000286' });
    expect(access).toMatchObject({ name: 'access', failed: true, errno: 'ENOENT', errnoMessage: 'No such file or directory', category: 'file', time: '0.000861' });
    const openat = view.rows(0, 10).find((r) => r.name === 'openat')!;
    expect(openat.args).toBe('AT_FDCWD</home/user/samples>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC');
    expect(openat.result).toBe('3 </etc/ld.so.cache>');
    expect(openat.summary).toMatch(/open/i);
  });
  it('keeps hostile program output as plain text for the webview to put in textContent', () => {
    const [event] = parseStraceText('write(1, "<img src=x onerror=alert(1)>\\n", 29) = 29\n').events;
    expect(toRow(event!, undefined).args).toBe('1, "<img src=x onerror=alert(1)>\\n", 29');
  });
  it('says how each call got its line, or which library function made it and why it has none', () => {
    const [getppid, write, loaderRead] = parseStraceText('getppid() = 7640\nwrite(1, "ab\\n", 3) = 3\nread(3, "\\177ELF", 832) = 832\n').events as SyscallEvent[];
    // The parser's events, with what the mapper would set.
    expect(toRow(getppid!, undefined).credit).toBeUndefined();
    Object.assign(getppid!, { location: { file: '/w/p.c', line: 6 }, origin: 'user', credit: { method: 'call-site', function: 'getppid', module: 'libc.so.6' } });
    expect(toRow(getppid!, undefined)).toMatchObject({ where: 'p.c:6', credit: 'credited without a stack: getppid (libc.so.6) is called from this line only, and nothing else calls it' });
    write!.credit = { method: 'none', function: 'write', module: 'libc.so.6', reason: 'libc.so.6 itself also calls write' };
    expect(toRow(write!, undefined)).toMatchObject({
      where: '(in write)',
      credit: 'no line: made inside write (libc.so.6); libc.so.6 itself also calls write; a trace with stacks (-k) credits such calls exactly',
    });
    Object.assign(loaderRead!, { origin: 'loader', credit: { method: 'none', reason: 'made by the dynamic loader while loading the program' } });
    expect(toRow(loaderRead!, undefined)).toMatchObject({ where: '(loader)', credit: 'no line: made by the dynamic loader while loading the program' });
    getppid!.credit = { method: 'stack' };
    expect(toRow(getppid!, undefined).credit).toBe('credited by its -k stack');
  });
  it('shows signals and exits as rows', () => {
    const rows = viewOf('edge_i.txt').rows(0, 100);
    expect(rows.at(-2)).toMatchObject({ kind: 'signal', name: 'SIGSEGV', failed: true, category: 'signal' });
    expect(rows.at(-1)).toMatchObject({ kind: 'exit', name: 'killed', result: 'killed by SIGSEGV', failed: true });
  });
});

describe('filters', () => {
  it('by category, failed only, pid, text and regex', () => {
    const view = viewOf('mt_f_tt_T_y_i.txt');
    const total = view.matchingCount;
    view.setFilter({ ...NO_FILTER, category: 'memory' });
    expect(view.rows(0, 1000).every((r) => r.category === 'memory')).toBe(true);
    expect(view.rows(0, 1000).map((r) => r.name)).toContain('mmap');
    view.setFilter({ ...NO_FILTER, failedOnly: true });
    // Grouped by errno (faults by their signal), each group under its header row.
    expect(view.rows(0, 1000).map((r) => `${r.kind} ${r.name}`)).toEqual(['group ENOENT', 'syscall access', 'group SIGSEGV', 'signal SIGSEGV', 'exit killed']);
    view.setFilter({ ...NO_FILTER, pid: 4390 });
    expect(new Set(view.rows(0, 1000).map((r) => r.pid))).toEqual(new Set([4390]));
    view.setFilter({ ...NO_FILTER, text: 'LD.SO.CACHE' });
    expect(view.matchingCount).toBe(4); // the 4 lines of the log that name it, -y paths included
    view.setFilter({ ...NO_FILTER, text: '^(read|write)\\(', regex: true });
    expect(new Set(view.rows(0, 1000).map((r) => r.name))).toEqual(new Set(['read', 'write']));
    view.setFilter({ ...NO_FILTER, text: '(unclosed', regex: true });
    expect(view.matchingCount).toBe(0);
    view.setFilter(NO_FILTER);
    expect(view.matchingCount).toBe(total);
  });
  it('bumps the generation when rows move, so the webview drops its cache', () => {
    const view = viewOf('asm_i.txt');
    const before = view.generation;
    view.setFilter({ ...NO_FILTER, failedOnly: true });
    expect(view.generation).toBe(before + 1);
  });
});

describe('process tree', () => {
  it('nests threads and children under their parent', () => {
    const rows = viewOf('mt_f_tt_T_y_i.txt').processRows();
    expect(rows[0]).toMatchObject({ pid: 4388, depth: 0, command: '"./mt"', exit: 'exited with 0' });
    expect(rows.filter((r) => r.depth === 1).map((r) => [r.pid, r.thread])).toEqual([[4389, true], [4390, true], [4391, false], [4392, false]]);
  });
});

describe('a million rows', () => {
  it('serves any window of a 1 000 000-event trace, the last rows included', () => {
    const model = new TraceModel();
    const view = new TraceViewModel(model);
    const line = '1000  1795431808.000001 [0000000000401010] getppid() = 999 <0.000001>\n';
    const { events } = parseStraceText(line.repeat(1000));
    for (let i = 0; i < 1_000_000; i++) {
      const parsed = events[i % 1000]! as SyscallEvent;
      // A plain copy: a parsed call's arguments are read through a getter, which a spread would not copy.
      const event: SyscallEvent = { ...parsed, args: parsed.args, seq: i + 1 };
      model.upsert(event);
      view.add(event);
    }
    const rows = view.rows(999_900, 200);
    expect(rows).toHaveLength(100);
    expect(rows[0]!.seq).toBe(999_901);
    expect(rows.at(-1)!.seq).toBe(1_000_000);
  });
});

describe('origins and descriptors in the panel', () => {
  // Real strace -f -y output, abridged: a file opened, read, closed and the number reused; stdout inherited.
  const log = [
    '100 open("/etc/hostname", O_RDONLY) = 3</etc/hostname>',
    '100 read(3</etc/hostname>, "box\\n", 64) = 4',
    '100 close(3</etc/hostname>) = 0',
    '100 openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3</etc/passwd>',
    '100 read(3</etc/passwd>, "root", 4) = 4',
    '100 write(1</dev/pts/0>, "box\\n", 4) = 4',
    '',
  ].join('\n');

  function view(): TraceViewModel {
    const model = new TraceModel();
    const view = new TraceViewModel(model);
    const fds = new FdTracker();
    for (const event of parseStraceText(log).events) {
      if (event.kind === 'syscall') {
        fds.observe(event);
        // As the mapper sets it: these calls come from the user's code, the last has no line.
        event.origin = event.name === 'write' ? 'exit' : 'user';
      }
      model.upsert(event);
      view.add(event);
    }
    return view;
  }

  it('links each descriptor argument to the call that made it, the reused number to its new creator', () => {
    const rows = view().rows(0, 10);
    expect(rows[1]!.fds).toEqual([{ seq: 1, text: 'fd 3 ← open("/etc/hostname", …)' }]);
    expect(rows[4]!.fds).toEqual([{ seq: 4, text: 'fd 3 ← openat(AT_FDCWD, …)' }]);
    expect(rows[5]!.fds).toEqual([{ seq: 0, text: 'fd 1 ← inherited' }]);
  });

  it('filters by origin, shows the origin where no line is known, and finds a row to jump to', () => {
    const panel = view();
    expect(panel.rows(5, 1)[0]).toMatchObject({ name: 'write', origin: 'exit', where: '(exit)' });
    panel.setFilter({ ...NO_FILTER, origin: 'exit' });
    expect(panel.rows(0, 10).map((r) => r.name)).toEqual(['write']);
    expect(panel.indexOf(6)).toBe(0);
    expect(panel.indexOf(1)).toBe(-1);
  });
});

describe('a program waiting for input', () => {
  it('is a read in progress of fd 0 or of a terminal, not of a file or pipe', () => {
    const inProgress = (line: string) => Object.assign(parseStraceText(line).events[0] as SyscallEvent, { inProgress: true });
    expect(waitsForInput(inProgress('read(0</dev/pts/3>, '))).toBe(true);
    expect(waitsForInput(inProgress('read(5</dev/pts/3>, '))).toBe(true);
    expect(waitsForInput(inProgress('read(0, '))).toBe(true);
    expect(waitsForInput(inProgress('read(3</etc/passwd>, '))).toBe(false);
    expect(waitsForInput(inProgress('read(4<pipe:[123]>, '))).toBe(false);
    // fd 0 redirected from a stdin file reads the file, not the user; fd 0 on a pipe waits for its writer.
    expect(waitsForInput(inProgress('read(0</home/user/input.txt>, '))).toBe(false);
    expect(waitsForInput(inProgress('read(0<pipe:[77]>, '))).toBe(true);
    expect(waitsForInput(inProgress('write(1</dev/pts/3>, "x", 1'))).toBe(false);
  });
});

describe('the editor hover on a traced line', () => {
  /** The calls strace printed, all made at cat.asm:30 (as the mapper would place them). */
  function lineOf(text: string) {
    const model = new TraceModel();
    for (const event of parseStraceText(text).events) model.upsert({ ...event, location: { file: '/cat.asm', line: 30 } });
    return [...model.lines.get('/cat.asm')!.get(30)!.values()];
  }
  it('says every distinct result it saw, failures with their message, not only the last one', () => {
    const [read] = lineOf('read(0, "a"..., 124) = 124\nread(0, "b"..., 124) = 124\nread(0, "", 124) = 0\nread(0, 0x402000, 124) = -1 EINTR (Interrupted system call)\n');
    // The message is the errno table's (from the kernel's and glibc's own texts).
    expect(lineCallHover(read!)).toBe(`\`read\` ×4 — saw \`124\`, \`0\`, \`-1 EINTR\` (${errnoByName('EINTR')!.message}) — **1 failed**`);
  });
  it('says a single result once and that exit did not return', () => {
    const [write, exit] = lineOf('write(1, "hi\\n", 3) = 3\nexit(0) = ?\n');
    expect(lineCallHover(write!)).toBe('`write` ×1 — saw `3`');
    expect(lineCallHover(exit!)).toBe('`exit` ×1 — did not return');
  });
  it('says that it saw more results than it lists', () => {
    const [read] = lineOf(Array.from({ length: 6 }, (_, i) => `read(3, "x", 10) = ${i + 1}\n`).join(''));
    expect(lineCallHover(read!)).toBe('`read` ×6 — saw `1`, `2`, `3`, `4`, …');
  });
});

describe('failed only, grouped by errno', () => {
  it('puts each errno under a header `ENOENT ×14 — No such file or directory`, first seen first', () => {
    const view = viewOf('edge_pie_i_noaslr2.txt');
    view.setFilter({ ...NO_FILTER, failedOnly: true });
    const rows = view.rows(0, 100);
    const headers = rows.filter((r) => r.kind === 'group').map((r) => r.group);
    expect(headers).toEqual([
      { key: 'ENOENT', count: 14, message: errnoByName('ENOENT')!.message, reasons: [] },
      { key: 'ENOSYS', count: 1, message: errnoByName('ENOSYS')!.message, reasons: [] },
      // The program then faulted: the signal and the process it killed, under the signal.
      { key: 'SIGSEGV', count: 2, message: 'fault signals and the processes they killed', reasons: [] },
    ]);
    expect(rows.map((r) => r.name)).toEqual(['ENOENT', 'access', ...Array(13).fill('openat'), 'ENOSYS', 'syscall_0x1f4', 'SIGSEGV', 'SIGSEGV', 'killed']);
    expect(view.matchingCount).toBe(20);
    // A jump to a failed call finds it under its header.
    expect(view.indexOf(rows[2]!.seq)).toBe(2);
  });
  it('gives each failing syscall the reason its man page gives, once it is read', () => {
    const view = viewOf('edge_pie_i_noaslr2.txt');
    view.setFilter({ ...NO_FILTER, failedOnly: true });
    expect(view.failedSyscalls().sort()).toEqual(['access', 'openat', 'syscall_0x1f4']);
    const before = view.generation;
    view.setReasons('openat', new Map([['ENOENT', ['O_CREAT is not set and the named file does not exist.', 'another']]]));
    expect(view.generation).toBeGreaterThan(before);
    expect(view.rows(0, 1)[0]!.group!.reasons).toEqual(['openat: O_CREAT is not set and the named file does not exist.']);
    expect(view.rows(0, 1)[0]!.args).toBe('openat: O_CREAT is not set and the named file does not exist.');
  });
  it('keeps groups up to date while the trace streams, and moves rows by bumping the generation', () => {
    const model = new TraceModel();
    const view = new TraceViewModel(model);
    view.setFilter({ ...NO_FILTER, failedOnly: true });
    const lines = ['open("/a", O_RDONLY) = -1 ENOENT (No such file or directory)', 'write(1, "x", 1) = 1',
      'open("/root/b", O_RDONLY) = -1 EACCES (Permission denied)', 'stat("/c", 0x7ffc) = -1 ENOENT (No such file or directory)'];
    const generations: number[] = [];
    for (const event of parseStraceText(lines.join('\n') + '\n').events) {
      model.upsert(event);
      view.add(event);
      generations.push(view.generation);
    }
    expect(view.rows(0, 100).map((r) => (r.kind === 'group' ? `${r.group!.key} ×${r.group!.count}` : `#${r.seq}`))).toEqual(['ENOENT ×2', '#1', '#4', 'EACCES ×1', '#3']);
    // The passing write moved nothing; each failure did.
    expect(generations[1]).toBe(generations[0]);
    expect(generations[3]).toBeGreaterThan(generations[2]!);
  });
  it('summarises failures by errno, most first, with the calls that failed so', () => {
    const view = viewOf('edge_pie_i_noaslr2.txt');
    expect(view.summaryRows().errnos).toEqual([
      { errno: 'ENOENT', calls: 14, message: errnoByName('ENOENT')!.message, syscalls: 'openat ×13, access' },
      { errno: 'ENOSYS', calls: 1, message: errnoByName('ENOSYS')!.message, syscalls: 'syscall_0x1f4' },
    ]);
  });
});

describe('a trace the panel keeps in a window of events (the rest read back from its log)', () => {
  /**
   * The reference log loaded as a view does, into a model keeping `window` events and reading the
   * others from the file (without a window: all kept); `decorate` stands in for the mapper.
   */
  function windowedView(file: string, window: number | undefined, decorate: (event: TraceEvent) => void = () => undefined): TraceViewModel {
    const model = new TraceModel(window === undefined ? {} : { window });
    const archive = window === undefined ? undefined : EventArchive.open(REFERENCE + file);
    if (archive) model.attachArchive(archive);
    const view = new TraceViewModel(model);
    const parser = new StraceParser({
      onSpan: archive && ((seq, start, end) => archive.span(seq, start, end)),
      onEvent: (event) => {
        decorate(event);
        model.upsert(event);
        view.add(event);
      },
    });
    parser.push(readFileSync(REFERENCE + file, 'utf8'));
    parser.end();
    return view;
  }

  it('lists, filters and groups the same rows as a trace kept whole', () => {
    const kept = viewOf('mt_f_tt_T_y_i.txt');
    const bounded = windowedView('mt_f_tt_T_y_i.txt', 8);
    const filters: TraceFilter[] = [
      NO_FILTER, { ...NO_FILTER, failedOnly: true }, { ...NO_FILTER, category: 'file' }, { ...NO_FILTER, pid: 4390 },
      { ...NO_FILTER, text: 'openat' }, { ...NO_FILTER, text: '^m(un)?map', regex: true },
    ];
    for (const filter of filters) {
      kept.setFilter(filter);
      bounded.setFilter(filter);
      expect(bounded.matchingCount, JSON.stringify(filter)).toBe(kept.matchingCount);
      expect(bounded.rows(0, 2000)).toEqual(kept.rows(0, 2000));
    }
  });

  it('searches the text each row shows', () => {
    for (const file of ['mt_f_tt_T_y_i.txt', 'sig_f.txt', 'edge_pie_i_noaslr2.txt', 'sock_Xverbose.txt']) {
      const { events } = parseStraceText(readFileSync(REFERENCE + file, 'utf8'));
      events.forEach((event, i) => {
        if (i % 3 === 0) event.origin = 'startup';
        if (i % 5 === 0) event.location = { file: '/w/main.asm', line: i };
        const row = toRow(event, undefined);
        expect(searchText(event)).toBe(`${row.name}(${row.args}) = ${row.result} ${row.errno ?? ''} ${row.notes ?? ''} ${row.where}`);
      });
    }
  });

  /** The reference trace whole, and in a window of 4 read back from its log; some rows with a line or an origin. */
  function decoratedViews(): { kept: TraceViewModel; bounded: TraceViewModel } {
    const decorate = (event: TraceEvent) => {
      if (event.seq % 7 === 0) event.location = { file: '/w/needle.asm', line: event.seq };
      if (event.seq % 5 === 0) event.origin = 'startup';
    };
    return { kept: windowedView('mt_f_tt_T_y_i.txt', undefined, decorate), bounded: windowedView('mt_f_tt_T_y_i.txt', 4, decorate) };
  }

  it('searches the text of a long trace reading back only the blocks of its log that may match, with the same rows', () => {
    const { kept, bounded } = decoratedViews();
    const parsed = vi.spyOn(StraceParser.prototype, 'push');
    for (const text of ['openat', 'ENOENT', 'needle.asm', 'startup', '/lib/x86_64', '4391', 'nothing-like-this', 'exited with', '= -1', 'O_RDONLY|O_CLOEXEC',
      'openat(AT_FDCWD, "/etc', ') = 3 <', '(startup)', 'needle.asm:14', '= 0 <', 'ENOENT (No such', '4390 (', 'nothing like this']) {
      for (const regex of [false, true]) {
        const filter = { ...NO_FILTER, text: regex ? text.replace('|', '\\|') : text, regex };
        kept.setFilter(filter);
        parsed.mockClear();
        bounded.setFilter(filter);
        expect(bounded.matchingCount, JSON.stringify(filter)).toBe(kept.matchingCount);
        expect(bounded.rows(0, 2000), JSON.stringify(filter)).toEqual(kept.rows(0, 2000));
        // A text no line holds parses nothing (as a pattern too: it is literal text).
        if (text.startsWith('nothing')) expect(parsed).not.toHaveBeenCalled();
      }
    }
    parsed.mockRestore();
  });

  it('finds the rows of strace\'s notices read back from the log, though their lines lack the `strace` the row shows', () => {
    const kept = windowedView('edge_i_stderr.txt', undefined);
    const bounded = windowedView('edge_i_stderr.txt', 2);
    for (const filter of [{ ...NO_FILTER, text: 'strace' }, { ...NO_FILTER, text: 'strace([ process' }, { ...NO_FILTER, text: 'race([' },
      { ...NO_FILTER, text: '^strace\\(\\[ process pid=[0-9]+ runs in 32', regex: true }, { ...NO_FILTER, text: 'tra', regex: true }]) {
      kept.setFilter(filter);
      bounded.setFilter(filter);
      expect(kept.matchingCount, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(bounded.rows(0, 100), JSON.stringify(filter)).toEqual(kept.rows(0, 100));
    }
  });

  it('filters a long trace by a regular expression reading back only the blocks that hold the text every match needs, with the same rows', () => {
    const { kept, bounded } = decoratedViews();
    const parsed = vi.spyOn(StraceParser.prototype, 'push');
    const patterns: [string, 'matches' | 'parses nothing'][] = [
      ['^openat\\(AT_FDCWD</home/[a-z]+/samples>, "/lib', 'matches'], ['O_RDONLY\\|O_CLOEXEC\\) = [0-9]+ <', 'matches'], ['= -1 enoent', 'matches'],
      ['needle\\.asm:[0-9]*1$', 'matches'], ['\\(startup\\)$', 'matches'], ['^m(un)?map\\(', 'matches'], ['^(read|write)\\(', 'matches'],
      ['^exited\\(\\) = exited with 0', 'matches'], ['clone\\(child_stack=NULL', 'matches'], ['x86_64-linux-gnu/lib[a-z]+\\.so', 'matches'],
      ['o_rdonly\\|o_cloexecx?\\) = 3', 'matches'], ['(?:^|, )"/etc/ld\\.so\\.c', 'matches'],
      ['nothing-like-this|= -1 enoent', 'matches'], ['^munmap\\(|nothing-like-this', 'matches'],
      ['nothing-like-this[0-9]*', 'parses nothing'], ['nothing-like-this|nor-like-that', 'parses nothing'], ['^nothing\\(at all\\)', 'parses nothing'], ['(unclosed', 'parses nothing'],
    ];
    for (const [text, expected] of patterns) {
      const filter = { ...NO_FILTER, text, regex: true };
      kept.setFilter(filter);
      parsed.mockClear();
      bounded.setFilter(filter);
      expect(bounded.matchingCount, text).toBe(kept.matchingCount);
      expect(bounded.rows(0, 2000), text).toEqual(kept.rows(0, 2000));
      if (expected === 'parses nothing') expect(parsed, text).not.toHaveBeenCalled();
      else expect(kept.matchingCount, text).toBeGreaterThan(0);
    }
    parsed.mockRestore();
  });

  it('filters by pid, failure, category and origin from its index, reading nothing back from the log', () => {
    const kept = viewOf('mt_f_tt_T_y_i.txt');
    const bounded = windowedView('mt_f_tt_T_y_i.txt', 8);
    const reads = vi.spyOn(EventArchive.prototype, 'readAll');
    const filters: TraceFilter[] = [
      { ...NO_FILTER, failedOnly: true }, { ...NO_FILTER, category: 'memory' }, { ...NO_FILTER, pid: 4390 }, { ...NO_FILTER, origin: 'user' },
      { ...NO_FILTER, category: 'file', pid: 4390 },
    ];
    for (const filter of filters) {
      kept.setFilter(filter);
      bounded.setFilter(filter);
      expect(bounded.matchingCount, JSON.stringify(filter)).toBe(kept.matchingCount);
    }
    expect(reads).not.toHaveBeenCalled();
    // Showing the rows reads them, and they are the same.
    expect(bounded.rows(0, 2000)).toEqual(kept.rows(0, 2000));
    reads.mockRestore();
  });
});
