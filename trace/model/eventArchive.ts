// The events a view no longer keeps in memory, read again from the strace log they came from. For
// each event it keeps where its lines are in the log (byte ranges the parser reports) and what the
// mapper and the descriptor tracker added to it (shared records, one per distinct combination):
// about 16 bytes a call, where a kept event costs hundreds. Reading an event parses its lines again.
import { closeSync, openSync, readSync } from 'node:fs';
import type { CallCredit, CallOrigin, SourceLocation, TraceEvent } from '../events';
import { StraceParser } from '../parse/parser';

/** What mapping and fd tracking added to an event, shared by the events that got the same. */
interface Decoration {
  location: SourceLocation | undefined;
  origin: CallOrigin | undefined;
  via: string[] | undefined;
  credit: CallCredit | undefined;
  fdOrigins: (number | undefined)[] | undefined;
  abi: 'x86_64' | 'i386' | undefined;
}

/** Events read from the log at once (a view shows a window of neighbours). */
const BLOCK = 256;
/** Blocks kept after reading, most recently used last. */
const CACHED_BLOCKS = 16;
/** A block whose lines span more than this is read event by event. */
const MAX_BLOCK_BYTES = 8 << 20;
const PAGE = 1 << 16;

/** A typed array by pages, growing as seqs grow. */
class Column<T extends Float64Array | Uint32Array> {
  private readonly pages: T[] = [];
  constructor(private readonly make: (size: number) => T) {}

  get(index: number): number {
    return this.pages[index >>> 16]?.[index & (PAGE - 1)] ?? 0;
  }

  set(index: number, value: number): void {
    const page = index >>> 16;
    while (this.pages.length <= page) this.pages.push(this.make(PAGE));
    this.pages[page]![index & (PAGE - 1)] = value;
  }
}

export class EventArchive {
  /** Where each seq's first line starts, plus one (0: not in the log). */
  private readonly starts = new Column((n) => new Float64Array(n));
  /** Bytes from that start to the end of its last contiguous line (its stack frames included). */
  private readonly lengths = new Column((n) => new Uint32Array(n));
  /** For a call whose lines are apart (`<unfinished ...>` … `<... resumed>`): the later lines. */
  private readonly later = new Map<number, { start: number; end: number }>();
  /** The decoration of each archived seq, by index into `decorations` (0: none yet). */
  private readonly decorationOf = new Column((n) => new Uint32Array(n));
  private readonly decorations: Decoration[] = [{ location: undefined, origin: undefined, via: undefined, credit: undefined, fdOrigins: undefined, abi: undefined }];
  private readonly decorationIds = new Map<string, number>();
  /** The decorations kept last, newest first. */
  private readonly lastIds: number[] = [];
  private readonly blocks = new Map<number, (TraceEvent | undefined)[]>();
  private fd: number | undefined;

  /** Opens `log` for reading now: the file may be removed later (the descriptor keeps it). */
  static open(log: string): EventArchive {
    return new EventArchive(openSync(log, 'r'));
  }

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** The parser's onSpan: a line of event `seq` is `[start, end)` of the log. */
  span(seq: number, start: number, end: number): void {
    const first = this.starts.get(seq) - 1;
    if (first < 0) {
      this.starts.set(seq, start + 1);
      this.lengths.set(seq, end - start);
    } else {
      const firstEnd = first + this.lengths.get(seq);
      const rest = this.later.get(seq);
      if (!rest && start === firstEnd) this.lengths.set(seq, end - first);
      else if (rest && start === rest.end) rest.end = end;
      else if (rest) rest.end = Math.max(rest.end, end);
      else this.later.set(seq, { start, end });
    }
    // A block read before this line came is out of date.
    if (this.blocks.size > 0) this.blocks.delete(Math.floor(seq / BLOCK));
  }

  /** Whether event `seq` can be read back from the log. */
  has(seq: number): boolean {
    return this.starts.get(seq) > 0;
  }

  /** Keeps what mapping added to an event that leaves memory. */
  keep(event: TraceEvent): void {
    const call = event.kind === 'syscall' ? event : undefined;
    const decoration: Decoration = {
      location: event.location, origin: event.origin, via: event.via, credit: event.credit,
      fdOrigins: call?.fdOrigins, abi: call?.abi === 'i386' ? 'i386' : undefined,
    };
    // Neighbouring calls mostly repeat one of a few decorations: those are compared field by field.
    let id = this.lastIds.find((last) => sameDecoration(this.decorations[last]!, decoration));
    if (id === undefined) {
      const key = decorationKey(decoration);
      id = this.decorationIds.get(key);
      if (id === undefined) {
        id = this.decorations.length;
        this.decorations.push(decoration);
        this.decorationIds.set(key, id);
      }
      this.lastIds.unshift(id);
      if (this.lastIds.length > 4) this.lastIds.pop();
    }
    this.decorationOf.set(event.seq, id);
  }

  /** Event `seq` as it was kept (undefined when it is not in the log or the log is closed). */
  read(seq: number): TraceEvent | undefined {
    if (!this.has(seq) || this.fd === undefined) return undefined;
    const index = Math.floor(seq / BLOCK);
    let block = this.blocks.get(index);
    if (block) this.blocks.delete(index);
    else block = this.readBlock(index * BLOCK, index * BLOCK + BLOCK);
    // Most recently used last.
    this.blocks.set(index, block);
    if (this.blocks.size > CACHED_BLOCKS) this.blocks.delete(this.blocks.keys().next().value!);
    return block[seq - index * BLOCK];
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.blocks.clear();
  }

  /** Seqs [from, to): those whose lines lie together are parsed from one read of the log. */
  private readBlock(from: number, to: number): (TraceEvent | undefined)[] {
    const events: (TraceEvent | undefined)[] = new Array(to - from);
    let low = Infinity;
    let high = 0;
    const together: number[] = [];
    for (let seq = from; seq < to; seq++) {
      const start = this.starts.get(seq) - 1;
      if (start < 0) continue;
      if (this.later.has(seq)) {
        events[seq - from] = this.readApart(seq);
        continue;
      }
      together.push(seq);
      low = Math.min(low, start);
      high = Math.max(high, start + this.lengths.get(seq));
    }
    if (together.length === 0) return events;
    if (high - low > MAX_BLOCK_BYTES) {
      for (const seq of together) events[seq - from] = this.readRanges(seq, [[this.starts.get(seq) - 1, this.starts.get(seq) - 1 + this.lengths.get(seq)]]);
      return events;
    }
    // Each parsed event is known by where its first line starts.
    const byStart = this.parse(low, [[low, high]]);
    for (const seq of together) {
      const event = byStart.get(this.starts.get(seq) - 1);
      if (event) events[seq - from] = this.restore(event, seq);
    }
    return events;
  }

  /** A call whose lines are apart: its first lines, then its later ones. */
  private readApart(seq: number): TraceEvent | undefined {
    const start = this.starts.get(seq) - 1;
    const rest = this.later.get(seq)!;
    return this.readRanges(seq, [[start, start + this.lengths.get(seq)], [rest.start, rest.end]]);
  }

  private readRanges(seq: number, ranges: [number, number][]): TraceEvent | undefined {
    const start = ranges[0]![0];
    const event = this.parse(start, ranges).get(start);
    return event ? this.restore(event, seq) : undefined;
  }

  /** Parses the log's bytes in `ranges` (in order, `base` being the first's start): events by where their first line starts. */
  private parse(base: number, ranges: [number, number][]): Map<number, TraceEvent> {
    const firstLine = new Map<number, number>();
    const bySeq = new Map<number, TraceEvent>();
    let offset = base;
    const parser = new StraceParser({
      keepUnparsed: 0,
      onEvent: (event) => bySeq.set(event.seq, event),
      onSpan: (seq, start) => { if (!firstLine.has(seq)) firstLine.set(seq, offset + start); },
    });
    let fed = 0;
    for (const [start, end] of ranges) {
      const bytes = Buffer.alloc(end - start);
      let read = 0;
      while (read < bytes.length) {
        const n = readSync(this.fd!, bytes, read, bytes.length - read, start + read);
        if (n === 0) break;
        read += n;
      }
      // The parser counts from the start of what it was fed.
      offset = start - fed;
      parser.push(bytes.subarray(0, read).toString('utf8'));
      fed += read;
    }
    parser.end();
    const byStart = new Map<number, TraceEvent>();
    for (const [seq, event] of bySeq) {
      const start = firstLine.get(seq);
      if (start !== undefined) byStart.set(start, event);
    }
    return byStart;
  }

  /** The re-read event under its own seq, with what mapping had added. */
  private restore(event: TraceEvent, seq: number): TraceEvent {
    event.seq = seq;
    const decoration = this.decorations[this.decorationOf.get(seq)]!;
    if (decoration.location) event.location = decoration.location;
    if (decoration.origin) event.origin = decoration.origin;
    if (decoration.via) event.via = decoration.via;
    if (decoration.credit) event.credit = decoration.credit;
    if (event.kind === 'syscall') {
      if (decoration.fdOrigins) event.fdOrigins = decoration.fdOrigins;
      if (decoration.abi) event.abi = decoration.abi;
    }
    return event;
  }
}

function sameDecoration(a: Decoration, b: Decoration): boolean {
  const x = a.location, y = b.location;
  const sameLocation = x === y || (x !== undefined && y !== undefined && x.file === y.file && x.line === y.line && x.macroLine === y.macroLine
    && x.macroFile === y.macroFile && x.procedureLine === y.procedureLine && x.procedureFile === y.procedureFile);
  const c = a.credit, d = b.credit;
  const sameCredit = c === d || (c !== undefined && d !== undefined && c.method === d.method && c.function === d.function && c.module === d.module && c.reason === d.reason);
  return sameLocation && sameCredit && a.origin === b.origin && a.abi === b.abi && sameList(a.via, b.via) && sameList(a.fdOrigins, b.fdOrigins);
}

function sameList<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function decorationKey(d: Decoration): string {
  const where = d.location;
  const credit = d.credit;
  return [
    where ? `${where.file}\0${where.line}\0${where.macroLine ?? ''}\0${where.macroFile ?? ''}\0${where.procedureLine ?? ''}\0${where.procedureFile ?? ''}` : '',
    d.origin ?? '', d.via?.join('\0') ?? '', credit ? `${credit.method}\0${credit.function ?? ''}\0${credit.module ?? ''}\0${credit.reason ?? ''}` : '', d.fdOrigins?.join(',') ?? '', d.abi ?? '',
  ].join('\u0001');
}
