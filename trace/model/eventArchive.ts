// The events a view no longer keeps in memory, read again from the strace log they came from. For
// each event it keeps, in an index on disk (callIndex.ts), where its lines are in the log (byte
// ranges the parser reports), what the mapper and the descriptor tracker added to it (shared
// records, one per distinct combination, plus its descriptors' creators) and the facts a filter
// reads (name, pid, failure, origin). Memory stays flat however long the trace; reading an event
// parses its lines again.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { CallCredit, CallOrigin, SourceLocation, TraceEvent } from '../events';
import { StraceParser } from '../parse/parser';
import { CallIndex, slotOf } from './callIndex';
import { failureKey, isFailure } from './failures';
import { ownCopy } from './ownCopy';
import { openPrivateFile, writeAll } from './privateFile';

/** What mapping and fd tracking added to an event, shared by the events that got the same. */
interface Decoration {
  location: SourceLocation | undefined;
  origin: CallOrigin | undefined;
  via: string[] | undefined;
  credit: CallCredit | undefined;
  fdOrigins: (number | undefined)[] | undefined;
  abi: 'x86_64' | 'i386' | undefined;
}

/**
 * Whether a block of archived events may hold one a search wants, told from the text of their lines
 * and what mapping added to them (which the lines do not show): false skips parsing the block.
 */
export type BlockTest = (text: string, decorations: () => readonly Pick<TraceEvent, 'location' | 'origin' | 'credit'>[]) => boolean;

/** Events read from the log at once (a view shows a window of neighbours). */
const BLOCK = 256;
/** Blocks kept after reading, most recently used last. */
const CACHED_BLOCKS = 8;
/** A block whose lines span more than this is read event by event. */
const MAX_BLOCK_BYTES = 8 << 20;

const KINDS: TraceEvent['kind'][] = ['syscall', 'signal', 'exit', 'notice'];
/** Each kind's number in the flags: its place in KINDS, plus one. */
const KIND_FLAGS: Record<TraceEvent['kind'], number> = { syscall: 1, signal: 2, exit: 3, notice: 4 };
const ORIGINS: (CallOrigin | undefined)[] = [undefined, 'loader', 'startup', 'runtime', 'user', 'exit'];
const NO_FD_ARGUMENTS: readonly number[] = Object.freeze([]);

function originNumber(origin: CallOrigin | undefined): number {
  return origin === undefined ? 0 : ORIGINS.indexOf(origin);
}

/** The arguments whose descriptor origins fit the index (two at most, among the first 16), or none. */
function indexedFdArguments(fdOrigins: readonly (number | undefined)[]): readonly number[] {
  const fdArgs: number[] = [];
  fdOrigins.forEach((origin, i) => { if (origin !== undefined) fdArgs.push(i); });
  return fdArgs.length > 2 || fdArgs.some((i) => i > 15) ? NO_FD_ARGUMENTS : fdArgs;
}
const FAILED = 1 << 3;
const I386 = 1 << 7;

/** What the index says of an archived event without reading it back: enough to filter and group by. */
export interface ArchivedFacts {
  seq: number;
  kind: TraceEvent['kind'];
  pid: number;
  /** The syscall's or signal's name ('' for an exit). */
  name: string;
  abi: 'x86_64' | 'i386';
  /** A failed call, a fault signal, a process killed by a signal (isFailure). */
  failed: boolean;
  /** What a failure is grouped under: its errno, its signal. */
  failureKey: string;
  origin: CallOrigin | undefined;
}

export class EventArchive {
  /** Each seq's place in the log, what mapping added and the facts filters read: on disk. */
  private readonly index = CallIndex.create();
  private readonly decorations: Decoration[] = [{ location: undefined, origin: undefined, via: undefined, credit: undefined, fdOrigins: undefined, abi: undefined }];
  private readonly decorationIds = new Map<string, number>();
  /** What the last kept event had, and its decoration's number. */
  private lastKept: (Decoration & { id: number }) | undefined;
  /** The decorations kept last, newest first. */
  private readonly lastIds: number[] = [];
  /** Names and failure keys the index refers to by number (syscalls, signals, errnos: a few hundred). */
  private readonly strings: string[] = [''];
  private readonly stringIds = new Map<string, number>([['', 0]]);
  private readonly blocks = new Map<number, (TraceEvent | undefined)[]>();
  /** Where events are read back from: the log itself, or the archive's own copy of what the parser read. */
  private fd: number | undefined;
  /** The archive keeps its own copy of the text (see feed); its size in bytes. */
  private copying = false;
  private copied = 0;
  /** Bytes of the log fed so far (until the archive copies). */
  private fed = 0;
  /** Copying failed: only lines within this many bytes can be read back. */
  private readable: number | undefined;

  /**
   * Reads events back from `log`, opened now: the file may be removed later (the descriptor keeps
   * it). A log that is not a regular file (a FIFO) cannot be read again: the archive copies it.
   */
  static open(log: string): EventArchive {
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    const fd = openSync(log, constants.O_RDONLY | constants.O_NONBLOCK);
    if (fstatSync(fd).isFile()) return new EventArchive(fd, false);
    closeSync(fd);
    return EventArchive.copying();
  }

  /** An archive that keeps its own copy of the stream it is fed (a trace read from a FIFO). */
  static copying(): EventArchive {
    return new EventArchive(openPrivateFile('syscall-lens-log-'), true);
  }

  private constructor(fd: number, copying: boolean) {
    this.fd = fd;
    this.copying = copying;
  }

  /**
   * Every chunk of text the parser is given, before it is given it. The parser counts the bytes of
   * the text it read; the log has the same bytes as long as it is valid UTF-8. A chunk with U+FFFD
   * (bytes that were not UTF-8, now unknown) makes the archive copy what it was fed so far from the
   * log, then keep its own copy of the text (the U+FFFD included), which the parser's counts match.
   */
  feed(chunk: string): void {
    if (this.fd === undefined || this.readable !== undefined) return;
    if (!this.copying) {
      if (!chunk.includes('\uFFFD')) {
        this.fed += Buffer.byteLength(chunk, 'utf8');
        return;
      }
      if (!this.startCopy()) return;
    }
    const bytes = Buffer.from(chunk, 'utf8');
    try {
      this.copied += writeAll(this.fd, bytes, this.copied);
    } catch {
      this.stopCopying(this.copied);
    }
  }

  /** Copies what was fed so far from the log into the archive's own file; false when it could not. */
  private startCopy(): boolean {
    const log = this.fd!;
    let copy: number | undefined;
    try {
      copy = openPrivateFile('syscall-lens-log-');
      const buffer = Buffer.alloc(1 << 20);
      for (let at = 0; at < this.fed;) {
        const n = readSync(log, buffer, 0, Math.min(buffer.length, this.fed - at), at);
        if (n === 0) break;
        at += writeAll(copy, buffer.subarray(0, n), at);
      }
    } catch {
      if (copy !== undefined) closeSync(copy);
      // The log still holds what was fed so far, byte for byte.
      this.stopCopying(this.fed);
      return false;
    }
    closeSync(log);
    this.fd = copy;
    this.copying = true;
    this.copied = this.fed;
    return true;
  }

  /**
   * The copy cannot go on (a full disk): events whose lines lie beyond `bytes` are not archived, so
   * the model keeps them in memory; nothing is lost.
   */
  private stopCopying(bytes: number): void {
    this.readable = bytes;
  }

  /** The parser's onSpan: a line of event `seq` is `[start, end)` of the log. */
  span(seq: number, start: number, end: number): void {
    const page = this.index.pageToChange(seq);
    const slot = slotOf(seq);
    const first = page.start[slot]! - 1;
    if (first < 0) {
      page.start[slot] = start + 1;
      page.length[slot] = end - start;
    } else {
      const firstEnd = first + page.length[slot]!;
      const laterStart = page.laterStart[slot]! - 1;
      if (laterStart < 0 && start === firstEnd) page.length[slot] = end - first;
      else if (laterStart >= 0) page.laterLength[slot] = Math.max(laterStart + page.laterLength[slot]!, end) - laterStart;
      else {
        page.laterStart[slot] = start + 1;
        page.laterLength[slot] = end - start;
      }
    }
    // A block read before this line came is out of date.
    if (this.blocks.size > 0) this.blocks.delete(Math.floor(seq / BLOCK));
  }

  /** Whether event `seq` can be read back from the log. */
  has(seq: number): boolean {
    const page = this.index.page(seq);
    const slot = slotOf(seq);
    const start = page.start[slot]!;
    if (start === 0) return false;
    if (this.readable === undefined) return true;
    const laterStart = page.laterStart[slot]!;
    return start - 1 + page.length[slot]! <= this.readable && (laterStart === 0 || laterStart - 1 + page.laterLength[slot]! <= this.readable);
  }

  /** Keeps what mapping added to an event that leaves memory, and the facts filters read. */
  keep(event: TraceEvent): void {
    const call = event.kind === 'syscall' ? event : undefined;
    // Up to two descriptor origins go in the index; a call with more keeps them in its decoration.
    const fdOrigins = call?.fdOrigins;
    const fdArgs = fdOrigins ? indexedFdArguments(fdOrigins) : NO_FD_ARGUMENTS;
    const abi = call?.abi === 'i386' ? 'i386' : undefined;
    const decorationFds = fdOrigins && fdArgs.length === 0 ? fdOrigins : undefined;
    // Mostly the very objects the last call had (the mapper shares them): no comparing field by field.
    let last = this.lastKept;
    if (!(last && last.location === event.location && last.credit === event.credit && last.origin === event.origin
      && last.via === event.via && last.abi === abi && last.fdOrigins === undefined && decorationFds === undefined)) {
      const decoration: Decoration = { location: event.location, origin: event.origin, via: event.via, credit: event.credit, fdOrigins: decorationFds, abi };
      this.lastKept = last = { ...decoration, id: this.decorationId(decoration) };
    }
    const page = this.index.pageToChange(event.seq);
    const slot = slotOf(event.seq);
    page.decoration[slot] = last.id;
    page.fdOrigin1[slot] = fdArgs.length > 0 ? fdOrigins![fdArgs[0]!]! + 1 : 0;
    page.fdOrigin2[slot] = fdArgs.length > 1 ? fdOrigins![fdArgs[1]!]! + 1 : 0;
    page.fdArgs[slot] = (fdArgs[0] ?? 0) | ((fdArgs[1] ?? 0) << 4);
    page.pid[slot] = event.pid;
    const failed = isFailure(event);
    page.name[slot] = this.stringId(event.kind === 'syscall' ? event.name : event.kind === 'signal' ? event.signal : '');
    page.failureKey[slot] = this.failureKeyId(failureKey(event));
    page.flags[slot] = KIND_FLAGS[event.kind] | (failed ? FAILED : 0) | (originNumber(event.origin) << 4) | (abi ? I386 : 0);
  }

  /** The failure key's number: mostly `?` (no errno) for a long run of calls, so the last one is remembered apart from names. */
  private failureKeyId(key: string): number {
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.lastKeyId = this.stringId(key);
    }
    return this.lastKeyId;
  }

  private lastKey: string | undefined;
  private lastKeyId = 0;

  /** What the index says of an archived event (kept by keep()), or undefined. */
  facts(seq: number): ArchivedFacts | undefined {
    const page = this.index.page(seq);
    const slot = slotOf(seq);
    const flags = page.flags[slot]!;
    if (flags === 0) return undefined;
    return {
      seq, kind: KINDS[(flags & 7) - 1]!, pid: page.pid[slot]!, name: this.strings[page.name[slot]!]!,
      abi: flags & I386 ? 'i386' : 'x86_64', failed: (flags & FAILED) !== 0,
      failureKey: this.strings[page.failureKey[slot]!]!, origin: ORIGINS[(flags >> 4) & 7],
    };
  }

  private decorationId(decoration: Decoration): number {
    // Neighbouring calls mostly repeat one of a few decorations: those are compared field by field.
    let id = this.lastIds.find((last) => sameDecoration(this.decorations[last]!, decoration));
    if (id === undefined) {
      const key = decorationKey(decoration);
      id = this.decorationIds.get(key);
      if (id === undefined) {
        id = this.decorations.length;
        // Kept for the whole trace: its strings must not hold on to the chunks of log they were cut from.
        this.decorations.push({ ...decoration, via: decoration.via?.map(ownCopy) });
        this.decorationIds.set(key, id);
      }
      this.lastIds.unshift(id);
      if (this.lastIds.length > 4) this.lastIds.pop();
    }
    return id;
  }

  private stringId(text: string): number {
    // Calls come in runs of one name: the last one is compared before the table is asked.
    if (text === this.lastString) return this.lastStringId;
    let id = this.stringIds.get(text);
    if (id === undefined) {
      id = this.strings.length;
      // A table of 65 536 strings is full: further names read as the last one's (never seen in practice).
      if (id > 0xffff) return 0xffff;
      this.strings.push(ownCopy(text));
      this.stringIds.set(this.strings[id]!, id);
    }
    this.lastString = this.strings[id]!;
    this.lastStringId = id;
    return id;
  }

  private lastString: string | undefined;
  private lastStringId = 0;

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

  /**
   * Events [from, to) in seq order (undefined where the log has none), read a block at a time and
   * not cached: going through a whole trace leaves nothing behind. With `mayMatch`, a block of
   * lines it rules out is not parsed (its events come back undefined).
   */
  *readAll(from: number, to: number, mayMatch?: BlockTest): Generator<TraceEvent | undefined> {
    for (let seq = from; seq < to;) {
      const blockEnd = Math.min(to, (Math.floor(seq / BLOCK) + 1) * BLOCK);
      const block = this.fd === undefined ? [] : this.readBlock(seq, blockEnd, mayMatch);
      for (const base = seq; seq < blockEnd; seq++) yield block[seq - base];
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.blocks.clear();
    this.index.close();
  }

  /** Seqs [from, to) of one block: those whose lines lie together are parsed from one read of the log. */
  private readBlock(from: number, to: number, mayMatch?: BlockTest): (TraceEvent | undefined)[] {
    const events: (TraceEvent | undefined)[] = new Array(to - from);
    let low = Infinity;
    let high = 0;
    const together: number[] = [];
    const starts: number[] = [];
    const apart: [number, [number, number][]][] = [];
    const page = this.index.page(from);
    for (let seq = from; seq < to; seq++) {
      const slot = slotOf(seq);
      const start = page.start[slot]! - 1;
      if (start < 0) continue;
      const end = start + page.length[slot]!;
      const laterStart = page.laterStart[slot]! - 1;
      if (laterStart >= 0) {
        apart.push([seq, [[start, end], [laterStart, laterStart + page.laterLength[slot]!]]]);
        continue;
      }
      together.push(seq);
      starts.push(start);
      low = Math.min(low, start);
      high = Math.max(high, end);
    }
    // A call whose lines are apart: its first lines, then its later ones.
    for (const [seq, ranges] of apart) events[seq - from] = this.readRanges(seq, ranges, mayMatch);
    if (together.length === 0) return events;
    if (high - low > MAX_BLOCK_BYTES) {
      together.forEach((seq, i) => {
        events[seq - from] = this.readRanges(seq, [[starts[i]!, starts[i]! + this.index.page(seq).length[slotOf(seq)]!]], mayMatch);
      });
      return events;
    }
    const text = this.readText(low, high);
    if (mayMatch && !mayMatch(text, () => this.decorationsOf(together))) return events;
    // Each parsed event is known by where its first line starts.
    const byStart = this.parse([[low, text]]);
    together.forEach((seq, i) => {
      const event = byStart.get(starts[i]!);
      if (event) events[seq - from] = this.restore(event, seq);
    });
    return events;
  }

  /** The distinct decorations of these seqs. */
  private decorationsOf(seqs: number[]): Decoration[] {
    const ids = new Set<number>();
    for (const seq of seqs) ids.add(this.index.page(seq).decoration[slotOf(seq)]!);
    return [...ids].map((id) => this.decorations[id]!);
  }

  private readRanges(seq: number, ranges: [number, number][], mayMatch?: BlockTest): TraceEvent | undefined {
    const start = ranges[0]![0];
    const pieces = ranges.map(([from, to]): [number, string] => [from, this.readText(from, to)]);
    if (mayMatch && !mayMatch(pieces.map(([, text]) => text).join('\n'), () => this.decorationsOf([seq]))) return undefined;
    const event = this.parse(pieces).get(start);
    return event ? this.restore(event, seq) : undefined;
  }

  /** The log's bytes [start, end) as text. */
  private readText(start: number, end: number): string {
    const bytes = Buffer.alloc(end - start);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(this.fd!, bytes, read, bytes.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read).toString('utf8');
  }

  /** Parses pieces of the log (each its start and its text, in order): events by where their first line starts. */
  private parse(pieces: [number, string][]): Map<number, TraceEvent> {
    const firstLine = new Map<number, number>();
    const bySeq = new Map<number, TraceEvent>();
    let offset = 0;
    const parser = new StraceParser({
      keepUnparsed: 0,
      onEvent: (event) => bySeq.set(event.seq, event),
      onSpan: (seq, start) => { if (!firstLine.has(seq)) firstLine.set(seq, offset + start); },
    });
    let fed = 0;
    for (const [start, text] of pieces) {
      // The parser counts from the start of what it was fed.
      offset = start - fed;
      parser.push(text);
      fed += Buffer.byteLength(text, 'utf8');
    }
    parser.end();
    const byStart = new Map<number, TraceEvent>();
    for (const [seq, event] of bySeq) {
      const start = firstLine.get(seq);
      if (start !== undefined) byStart.set(start, event);
    }
    return byStart;
  }

  /** The re-read event under its own seq, with what mapping and fd tracking had added. */
  private restore(event: TraceEvent, seq: number): TraceEvent {
    event.seq = seq;
    const page = this.index.page(seq);
    const slot = slotOf(seq);
    const decoration = this.decorations[page.decoration[slot]!]!;
    if (decoration.location) event.location = decoration.location;
    if (decoration.origin) event.origin = decoration.origin;
    if (decoration.via) event.via = decoration.via;
    if (decoration.credit) event.credit = decoration.credit;
    if (event.kind === 'syscall') {
      const first = page.fdOrigin1[slot]!;
      if (first > 0) {
        const second = page.fdOrigin2[slot]!;
        const at = page.fdArgs[slot]!;
        const origins = new Array<number | undefined>(event.args.length).fill(undefined);
        origins[at & 15] = first - 1;
        if (second > 0) origins[at >> 4] = second - 1;
        event.fdOrigins = origins;
      } else if (decoration.fdOrigins) event.fdOrigins = decoration.fdOrigins;
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
