import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { diskFull } from '../../../support/diskFull';
import { formatEvent, type TraceEvent } from '../../../../trace/events';
import { EventArchive } from '../../../../trace/model/eventArchive';
import { FdTracker } from '../../../../trace/model/fds';
import { TraceModel } from '../../../../trace/model/model';
import { StraceParser } from '../../../../trace/parse/parser';

vi.mock('../../../../trace/model/privateFile', async (original) => (await import('../../../support/diskFull')).failingWrites(await original()));

const REFERENCE = path.resolve(__dirname, '../../../fixtures/reference/strace');
const work = mkdtempSync(path.join(os.tmpdir(), 'event-archive-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Everything a view shows of an event, what mapping and fd tracking added included. */
function render(event: TraceEvent | undefined): string {
  if (!event) return 'missing';
  const extra = event.kind === 'syscall'
    ? ` args=${JSON.stringify(event.args)} fds=${JSON.stringify(event.fdOrigins ?? null)} abi=${event.abi} <${event.duration}>`
    : '';
  return `#${event.seq} ${event.pid} ${event.time} ${event.ip} ${formatEvent(event)}${extra} at=${JSON.stringify(event.location ?? null)} `
    + `origin=${event.origin} credit=${JSON.stringify(event.credit ?? null)} frames=${JSON.stringify(event.stack)}`;
}

/** Stand-ins for the mapper: a line and an origin that differ from call to call. */
function mapLikeTheMapper(event: TraceEvent): void {
  if (event.seq % 3 === 0) event.location = { file: '/p/main.asm', line: event.seq % 11 };
  if (event.seq % 4 === 0) event.origin = 'user';
  if (event.seq % 5 === 0) event.credit = { method: 'none', function: 'write', module: 'libc.so.6', reason: 'test' };
}

/**
 * Feeds `log` to a model the way a trace session does, in chunks of random sizes (its bytes decoded
 * as a stream, as the session reads strace's file); the archive reads the log back from `file`, or
 * keeps its own copy.
 */
function load(log: string | Buffer, model: TraceModel, file?: string | 'copy'): void {
  const fds = new FdTracker();
  let archive: EventArchive | undefined;
  if (file) {
    archive = file === 'copy' ? EventArchive.copying() : EventArchive.open(file);
    model.attachArchive(archive);
  }
  const parser = new StraceParser({
    onEvent: (event) => {
      mapLikeTheMapper(event);
      if (event.kind === 'syscall') fds.observe(event);
      model.upsert(event);
    },
    onSpan: archive ? (seq, start, end) => archive!.span(seq, start, end) : undefined,
  });
  const bytes = Buffer.from(log);
  const decoder = new TextDecoder('utf-8');
  const feed = (chunk: string) => {
    archive?.feed(chunk);
    parser.push(chunk);
  };
  let seed = log.length;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < bytes.length;) {
    const size = 1 + Math.floor(random() * 700);
    feed(decoder.decode(bytes.subarray(i, i + size), { stream: true }));
    i += size;
  }
  feed(decoder.decode());
  parser.end();
}

function windowed(log: string | Buffer, name: string, window = 3, copy = false): { kept: TraceModel; bounded: TraceModel } {
  const file = path.join(work, name);
  writeFileSync(file, log);
  const kept = new TraceModel();
  load(log, kept);
  const bounded = new TraceModel({ window });
  load(log, bounded, copy ? 'copy' : file);
  return { kept, bounded };
}

describe('a view keeps a window of events and reads the others back from the log', () => {
  const logs = ['mt_f_tt_T_y_i.txt', 'mt_f_k.txt', 'asm_k.txt', 'sig_f.txt', 'c_kk_strace72.txt', 'mt_strace72_f_kk_N.txt', 'sock_Xverbose.txt'];
  for (const name of logs) {
    it(`gives every event of ${name} as it was, mapping and descriptor origins included`, () => {
      const { kept, bounded } = windowed(readFileSync(path.join(REFERENCE, name), 'utf8'), name);
      expect(bounded.size).toBe(kept.size);
      for (let seq = 1; seq <= kept.size; seq++) expect(render(bounded.get(seq))).toBe(render(kept.get(seq)));
      expect([...bounded.all()].map(render)).toEqual([...kept.all()].map(render));
      expect(bounded.summary()).toEqual(kept.summary());
      expect([...bounded.processes.values()]).toEqual([...kept.processes.values()]);
      bounded.dispose();
    });
  }

  it('counts bytes, not characters, in a log with UTF-8 text', () => {
    const log = 'write(1, "héllo wörld", 13) = 13\nopenat(AT_FDCWD</tmp/ü>, "ä", O_RDONLY) = 3</tmp/ü/ä>\nread(3</tmp/ü/ä>, "", 1) = 0\nclose(3) = 0\n';
    const { kept, bounded } = windowed(log.repeat(20), 'utf8.strace', 2);
    for (let seq = 1; seq <= kept.size; seq++) expect(render(bounded.get(seq))).toBe(render(kept.get(seq)));
    bounded.dispose();
  });

  it('reads back a log with bytes that are not UTF-8 from its own copy, keeping only its window in memory', () => {
    const valid = Buffer.from('getpid() = 1\n'.repeat(300));
    const invalid = Buffer.concat([Buffer.from('write(1, "'), Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]), Buffer.from('", 5) = 5\n')]);
    const log = Buffer.concat([valid, invalid, Buffer.from('getppid() = 1\nwrite(1, "h\u00e9", 3) = 3\n'.repeat(300)), invalid, valid]);
    const { kept, bounded } = windowed(log, 'not-utf8.strace', 2);
    expect(bounded.size).toBe(kept.size);
    for (let seq = 1; seq <= kept.size; seq++) expect(render(bounded.get(seq))).toBe(render(kept.get(seq)));
    expect(formatEvent(bounded.get(301)!)).toContain('\uFFFD');
    expect(bounded.eventsInMemory).toBeLessThanOrEqual(2);
    bounded.dispose();
  });

  it('keeps its own copy of a stream it cannot read again (a FIFO), and only its window in memory', () => {
    const log = readFileSync(path.join(REFERENCE, 'mt_f_k.txt'), 'utf8');
    const { kept, bounded } = windowed(log, 'stream.strace', 4, true);
    for (let seq = 1; seq <= kept.size; seq++) expect(render(bounded.get(seq))).toBe(render(kept.get(seq)));
    expect(bounded.eventsInMemory).toBeLessThanOrEqual(4);
    bounded.dispose();
  });

  it('keeps strace\'s own messages, which the log does not hold, in memory once they leave the window', () => {
    const first = Array.from({ length: 15 }, (_, i) => `getpid() = ${i}`);
    const rest = Array.from({ length: 25 }, (_, i) => `getppid() = ${i}`);
    const file = path.join(work, 'notices.strace');
    writeFileSync(file, [...first, ...rest].map((line) => `${line}\n`).join(''));
    const model = new TraceModel({ window: 2 });
    const archive = EventArchive.open(file);
    model.attachArchive(archive);
    const parser = new StraceParser({ onEvent: (event) => model.upsert(event), onSpan: (seq, start, end) => archive.span(seq, start, end) });
    parser.addNotice('strace: Process 7 attached');
    parser.push(first.map((line) => `${line}\n`).join(''));
    parser.addNotice('[ Process PID=7 runs in 64 bit mode. ]');
    parser.push(rest.map((line) => `${line}\n`).join(''));
    parser.end();
    expect([...model.all()].map((event) => formatEvent(event))).toEqual(['strace: Process 7 attached', ...first, '[ Process PID=7 runs in 64 bit mode. ]', ...rest]);
    expect(model.eventsInMemory).toBeLessThanOrEqual(2 + 2);
    model.dispose();
  });

  it('keeps in memory what a full disk kept it from copying, losing nothing', () => {
    const log = readFileSync(path.join(REFERENCE, 'mt_f_tt_T_y_i.txt'), 'utf8');
    const kept = new TraceModel();
    load(log, kept);
    const bounded = new TraceModel({ window: 4 });
    const archive = EventArchive.copying();
    bounded.attachArchive(archive);
    const fds = new FdTracker();
    const parser = new StraceParser({
      onEvent: (event) => {
        mapLikeTheMapper(event);
        if (event.kind === 'syscall') fds.observe(event);
        bounded.upsert(event);
      },
      onSpan: (seq, start, end) => archive.span(seq, start, end),
    });
    const half = log.indexOf('\n', log.length / 2) + 1;
    try {
      for (const [piece, full] of [[log.slice(0, half), false], [log.slice(half), true]] as const) {
        diskFull.now = full;
        archive.feed(piece);
        parser.push(piece);
      }
      parser.end();
    } finally {
      diskFull.now = false;
    }
    expect(bounded.size).toBe(kept.size);
    for (let seq = 1; seq <= kept.size; seq++) expect(render(bounded.get(seq))).toBe(render(kept.get(seq)));
    expect([...bounded.all()].map(render)).toEqual([...kept.all()].map(render));
    bounded.dispose();
  });

  it('copies a log given as a FIFO instead of waiting on it', () => {
    const fifo = path.join(work, 'log.fifo');
    execFileSync('mkfifo', [fifo]);
    const { kept } = windowed('getpid() = 1\n'.repeat(20), 'small.strace');
    const bounded = new TraceModel({ window: 3 });
    load('getpid() = 1\n'.repeat(20), bounded, fifo);
    for (let seq = 1; seq <= kept.size; seq++) expect(render(bounded.get(seq))).toBe(render(kept.get(seq)));
    bounded.dispose();
  });

  it('reads a call completed after it left the window (unfinished … resumed far apart)', () => {
    const lines = ['100 read(0,  <unfinished ...>'];
    for (let i = 0; i < 600; i++) lines.push(`101 write(1, "${i}", ${String(i).length}) = ${String(i).length}`);
    lines.push('100 <... read resumed>"typed\\n", 64) = 6');
    const { kept, bounded } = windowed(lines.join('\n') + '\n', 'apart.strace', 5);
    expect(render(bounded.get(1))).toBe(render(kept.get(1)));
    expect(bounded.get(1)).toMatchObject({ inProgress: false, result: '6' });
    for (let seq = 1; seq <= kept.size; seq++) expect(render(bounded.get(seq))).toBe(render(kept.get(seq)));
    expect(bounded.summary()).toEqual(kept.summary());
    bounded.dispose();
  });

  it('reads back a long trace whose index spans many pages on disk, descriptors and facts included', () => {
    const lines: string[] = ['100 read(0,  <unfinished ...>'];
    for (let i = 0; lines.length < 100_000; i++) {
      lines.push(`101 openat(AT_FDCWD, "/tmp/f${i}", O_RDONLY) = 3`, `101 dup2(3, 4) = 4`, `101 copy_file_range(3, NULL, 4, NULL, ${i}, 0) = 0`,
        `101 read(4, "", 8) = 0`, `101 close(3) = 0`, `101 close(4) = 0`, `101 openat(AT_FDCWD, "/nope${i}", O_RDONLY) = -1 ENOENT (No such file or directory)`);
      if (i % 5000 === 0) lines.push('101 --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---');
    }
    lines.push('100 <... read resumed>"typed\\n", 64) = 6');
    const { kept, bounded } = windowed(lines.join('\n') + '\n', 'long.strace', 100);
    expect(bounded.size).toBe(kept.size);
    for (let seq = 1; seq <= kept.size; seq += 97) expect(render(bounded.get(seq))).toBe(render(kept.get(seq)));
    expect(render(bounded.get(1))).toBe(render(kept.get(1)));
    expect(bounded.get(4)).toMatchObject({ name: 'copy_file_range', fdOrigins: [2, undefined, 3, undefined, undefined, undefined] });
    expect([...bounded.facts()]).toEqual([...kept.facts()]);
    let count = 0;
    for (const event of bounded.all()) expect(event.seq).toBe(++count);
    expect(count).toBe(kept.size);
    bounded.dispose();
  });

  it('gives nothing back once closed, and keeps counting', () => {
    const { kept, bounded } = windowed('getpid() = 1\n'.repeat(50), 'closed.strace', 5);
    bounded.dispose();
    expect(bounded.get(1)).toBeUndefined();
    expect(render(bounded.get(50))).toBe(render(kept.get(50)));
  });
});
