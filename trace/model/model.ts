// The trace as data: events by sequence number, a `strace -c`-style summary, per-source-line calls
// for editor annotations, and the process tree. Fed one way from the parser (through the mapper).
import type { CallOrigin, SyscallEvent, TraceEvent } from '../events';
import type { ArchivedFacts, BlockTest, EventArchive } from './eventArchive';
import { failureKey, isFailed, isFailure } from './failures';
import { ownCopy } from './ownCopy';

export { isFailed, isFailure, failureKey } from './failures';

export interface SyscallStats {
  name: string;
  calls: number;
  errors: number;
  /** Seconds spent in the call, summed over calls (needs -T). */
  totalTime: number;
}

export interface LineCall {
  name: string;
  count: number;
  errors: number;
  /** The last result, with its errno: `14`, `-1 ENOENT`. */
  lastResult: string;
  /** The distinct results in the order first seen, at most MAX_DISTINCT_RESULTS (then `moreResults`). */
  results: string[];
  /** More distinct results were seen than `results` keeps. */
  moreResults: boolean;
  seqs: number[];
}

export interface ProcessInfo {
  pid: number;
  parent?: number;
  /** Created with CLONE_THREAD: a thread of its parent rather than a process. */
  thread: boolean;
  /** What it ran, from its last execve. */
  command?: string;
  exit?: string;
  calls: number;
}

/** `14`, `-1 ENOENT`, `?` — the short result used in annotations. */
export function shortResult(event: SyscallEvent): string {
  if (event.inProgress) return '…';
  return event.errno ? `${event.result} ${event.errno}` : event.result ?? '?';
}

export interface TraceModelOptions {
  /**
   * Keep every event (a view pages through them). Without, the model aggregates only: summary,
   * lines, processes — memory stays bounded however long the trace (`syscall-lens trace --json`).
   */
  keepEvents?: boolean;
  /**
   * Keep only about this many of the latest events in memory; older ones are read back from the
   * log through the archive attached to the model (without one, all are kept, as with keepEvents).
   */
  window?: number;
}

/** What a filter reads of an event (see TraceModel.facts). */
export type EventFacts = ArchivedFacts;

export function factsOf(event: TraceEvent): EventFacts {
  return {
    seq: event.seq, kind: event.kind, pid: event.pid, failed: isFailure(event), failureKey: failureKey(event), origin: event.origin,
    name: event.kind === 'syscall' ? event.name : event.kind === 'signal' ? event.signal : '',
    abi: event.kind === 'syscall' ? event.abi : 'x86_64',
  };
}

/** The events a view keeps in memory: the rest are read back from the log (see TraceModelOptions.window). */
export const VIEW_WINDOW = 4_000;

export class TraceModel {
  /** Events by seq − 1; holes stay undefined until their event arrives. Empty unless keepEvents (and no window). */
  readonly events: (TraceEvent | undefined)[] = [];
  private readonly keepEvents: boolean;
  /** With a window: the latest events, event `seq` at `seq & ringMask` (a newer seq takes its place). */
  private readonly ring: (TraceEvent | undefined)[] = [];
  private readonly ringMask: number = 0;
  /**
   * Beside each slot of the ring: its event's seq (0: none) and whether the archive holds it, so an
   * event leaving the window is not read again (4 000 events later it is no longer in the CPU's caches).
   */
  private readonly ringSeqs = new Float64Array(0);
  private readonly ringArchived = new Uint8Array(0);
  /** Events that left the window but that the archive cannot read back. */
  private readonly pinned = new Map<number, TraceEvent>();
  private readonly window: number | undefined;
  private archive: EventArchive | undefined;
  /** With a window: the seqs whose completed call has been counted (a bit each). */
  private counted = new Uint8Array(1024);
  private highestSeq = 0;
  private readonly stats = new Map<string, SyscallStats>();
  /** file → line → syscall name → calls. */
  readonly lines = new Map<string, Map<number, Map<string, LineCall>>>();
  readonly processes = new Map<number, ProcessInfo>();
  /** Failed calls: syscall → errno → count. */
  readonly failures = new Map<string, Map<string, number>>();
  /** Completed calls per origin (calls whose origin is unknown are not counted). */
  private readonly originCounts: Record<CallOrigin, number> = { loader: 0, startup: 0, runtime: 0, user: 0, exit: 0 };
  firstTime: number | undefined;

  constructor(options: TraceModelOptions = {}) {
    this.keepEvents = options.keepEvents ?? true;
    this.window = options.window;
    if (this.window !== undefined) {
      // A power of two at least the window's size.
      this.ringMask = 2 ** Math.ceil(Math.log2(Math.max(2, this.window))) - 1;
      this.ring = new Array<TraceEvent | undefined>(this.ringMask + 1).fill(undefined);
      this.ringSeqs = new Float64Array(this.ringMask + 1);
      this.ringArchived = new Uint8Array(this.ringMask + 1);
    }
  }

  /** Keeps only a window of events in memory (see TraceModelOptions.window). */
  get windowed(): boolean {
    return this.window !== undefined && this.keepEvents;
  }

  /** Where events that leave the window are read back from; the model closes it on dispose. */
  attachArchive(archive: EventArchive): void {
    this.archive?.close();
    this.archive = archive;
  }

  /** Closes the log the archive reads (events outside the window are gone then). */
  dispose(): void {
    this.archive?.close();
  }

  /** How many events memory holds (with a window: those in it and those pinned, which the log does not hold). */
  get eventsInMemory(): number {
    if (!this.windowed) return this.events.reduce((n, event) => n + (event ? 1 : 0), 0);
    return this.ring.reduce((n, event) => n + (event ? 1 : 0), 0) + this.pinned.size;
  }

  /** The number of events (the highest seq seen). */
  get size(): number {
    return this.highestSeq;
  }

  get(seq: number): TraceEvent | undefined {
    if (!this.windowed) return this.events[seq - 1];
    return this.inMemory(seq) ?? this.archive?.read(seq);
  }

  /** Whether event `seq` is known (without reading it back). */
  has(seq: number): boolean {
    if (!this.windowed) return this.events[seq - 1] !== undefined;
    return this.ringSeqs[seq & this.ringMask] === seq || this.pinned.has(seq) || (this.archive?.has(seq) ?? false);
  }

  /** Every event in seq order (read back from the log a block at a time, when the model keeps a window). */
  *all(): Generator<TraceEvent> {
    if (!this.windowed) {
      for (const event of this.events) if (event) yield event;
      return;
    }
    yield* this.search(() => true);
  }

  /**
   * The events a search may want, in seq order: all() without the archived blocks that `mayMatch`
   * rules out from their text (those are not parsed). Events in memory all come.
   */
  *search(mayMatch: BlockTest): Generator<TraceEvent> {
    if (!this.windowed) return yield* this.all();
    const end = this.highestSeq + 1;
    const archived = this.archive?.readAll(1, end, mayMatch);
    for (let seq = 1; seq < end; seq++) {
      const read = archived?.next().value;
      const event = this.inMemory(seq) ?? read;
      if (event) yield event;
    }
  }

  /**
   * What filters read of every event (kind, pid, name, failure, origin), in seq order, without
   * reading archived events back from the log.
   */
  *facts(): Generator<EventFacts> {
    if (!this.windowed) {
      for (const event of this.events) if (event) yield factsOf(event);
      return;
    }
    for (let seq = 1; seq <= this.highestSeq; seq++) {
      const event = this.inMemory(seq);
      if (event) {
        yield factsOf(event);
        continue;
      }
      const facts = this.archive?.facts(seq);
      if (facts) yield facts;
    }
  }

  /** With a window: the event when memory holds it (the window, or pinned). */
  private inMemory(seq: number): TraceEvent | undefined {
    const slot = seq & this.ringMask;
    if (this.ringSeqs[slot] === seq) return this.ring[slot];
    return this.pinned.size > 0 ? this.pinned.get(seq) : undefined;
  }

  /** Adds an event or replaces its in-progress version; completed calls are counted once. */
  upsert(event: TraceEvent): void {
    if (this.windowed) return this.count(event, !this.keepInWindow(event));
    const previous = this.events[event.seq - 1];
    if (this.keepEvents) this.events[event.seq - 1] = event;
    this.count(event, previous?.kind === 'syscall' && !previous.inProgress);
  }

  /**
   * Puts the event in the window, moving the oldest out, and has the archive keep what it will need
   * of it once it leaves: now, while the event was just made (4 000 events later it would be read
   * back from main memory). False when it was counted already as a completed call.
   */
  private keepInWindow(event: TraceEvent): boolean {
    const countedBefore = event.kind === 'syscall' && !event.inProgress && this.markCounted(event.seq);
    const archived = this.archive?.has(event.seq) ?? false;
    if (archived) this.archive!.keep(event);
    this.replaceInWindow(event, archived);
    return !countedBefore;
  }

  /** Marks seq's completed call as counted; whether it was already. */
  private markCounted(seq: number): boolean {
    if (seq >= this.counted.length * 8) {
      const grown = new Uint8Array(Math.max(this.counted.length * 2, (seq >> 3) + 1));
      grown.set(this.counted);
      this.counted = grown;
    }
    const bit = 1 << (seq & 7);
    const already = (this.counted[seq >> 3]! & bit) !== 0;
    this.counted[seq >> 3]! |= bit;
    return already;
  }

  /** `archived`: the archive holds the event (kept above), so it may leave memory. */
  private replaceInWindow(event: TraceEvent, archived: boolean): void {
    const seq = event.seq;
    if (this.pinned.size > 0 && this.pinned.has(seq)) return void this.pinned.set(seq, event);
    const slot = seq & this.ringMask;
    const there = this.ringSeqs[slot]!;
    if (there > seq) {
      // Older than the window (a call completing long after it began): its lines are in the log.
      if (!archived) this.pinned.set(seq, event);
      return;
    }
    if (there !== 0 && there !== seq && !this.ringArchived[slot]) this.pinned.set(there, this.ring[slot]!);
    this.ring[slot] = event;
    this.ringSeqs[slot] = seq;
    this.ringArchived[slot] = archived ? 1 : 0;
  }

  /** Counts the event into the summary, lines and processes (a completed call once: see countedBefore). */
  private count(event: TraceEvent, countedBefore: boolean): void {
    if (event.seq > this.highestSeq) this.highestSeq = event.seq;
    if (this.firstTime === undefined && event.time !== undefined) this.firstTime = event.time;
    const process = this.process(event.pid);
    if (event.kind === 'exit') {
      process.exit = event.killedBy ? `killed by ${event.killedBy}${event.coreDumped ? ' (core dumped)' : ''}` : `exited with ${event.exitCode}`;
      return;
    }
    if (event.kind !== 'syscall' || event.inProgress) return;
    if (countedBefore) return;
    process.calls++;
    const stats = this.statsOf(event.name);
    stats.calls++;
    const failed = isFailed(event);
    if (failed) {
      stats.errors++;
      let byErrno = this.failures.get(stats.name);
      if (!byErrno) this.failures.set(stats.name, (byErrno = new Map<string, number>()));
      const errno = event.errno ?? '?';
      const count = byErrno.get(errno);
      if (count === undefined) byErrno.set(ownCopy(errno), 1);
      else byErrno.set(errno, count + 1);
    }
    stats.totalTime += event.duration ?? 0;
    if (event.origin) this.originCounts[event.origin]++;
    this.recordLine(event, failed);
    this.recordProcess(event);
  }

  /** A syscall's summary row; the last one asked for is remembered (calls come in runs of one name). */
  private statsOf(name: string): SyscallStats {
    const last = this.lastStats;
    if (last?.name === name) return last;
    let stats = this.stats.get(name);
    // Map keys are kept too: the model's own copies, never pieces of the parser's chunks.
    if (!stats) this.stats.set((stats = { name: ownCopy(name), calls: 0, errors: 0, totalTime: 0 }).name, stats);
    this.lastStats = stats;
    return stats;
  }

  private lastStats: SyscallStats | undefined;

  private process(pid: number): ProcessInfo {
    const last = this.lastProcess;
    if (last?.pid === pid) return last;
    let info = this.processes.get(pid);
    if (!info) {
      info = { pid, thread: false, calls: 0 };
      this.processes.set(pid, info);
    }
    this.lastProcess = info;
    return info;
  }

  /** The process of the last event (most events are the same process's as the one before). */
  private lastProcess: ProcessInfo | undefined;

  private recordLine(event: SyscallEvent, failed: boolean): void {
    const where = event.location;
    if (!where) return;
    this.recordAt(where.file, where.line, event, failed);
    // A wrapper's syscall line keeps its own annotation too: what every caller got.
    if (where.procedureLine !== undefined) this.recordAt(where.procedureFile ?? where.file, where.procedureLine, event, failed);
  }

  private recordAt(file: string, line: number, event: SyscallEvent, failed: boolean): void {
    const call = this.lineCall(file, line, event.name);
    call.count++;
    if (failed) call.errors++;
    const result = shortResult(event);
    if (result !== call.lastResult) call.lastResult = ownCopy(result);
    if (!call.results.includes(call.lastResult)) {
      if (call.results.length < MAX_DISTINCT_RESULTS) call.results.push(ownCopy(call.lastResult));
      else call.moreResults = true;
    }
    if (call.seqs.length < 100) call.seqs.push(event.seq);
  }

  /** The calls of one name on a line; the last one is remembered (a loop makes the same call from the same line). */
  private lineCall(file: string, line: number, name: string): LineCall {
    const last = this.lastLineCall;
    if (last && last.line === line && last.file === file && last.call.name === name) return last.call;
    let byLine = this.lines.get(file);
    if (!byLine) this.lines.set(file, (byLine = new Map()));
    let calls = byLine.get(line);
    if (!calls) byLine.set(line, (calls = new Map()));
    let call = calls.get(name);
    if (!call) calls.set((call = { name: ownCopy(name), count: 0, errors: 0, lastResult: '', results: [], moreResults: false, seqs: [] }).name, call);
    this.lastLineCall = { file, line, call };
    return call;
  }

  private lastLineCall: { file: string; line: number; call: LineCall } | undefined;

  private recordProcess(event: SyscallEvent): void {
    const first = event.name.charCodeAt(0);
    // Only clone/fork/vfork/execve matter here; most calls stop at the first letter.
    if (first !== 99 /* c */ && first !== 102 /* f */ && first !== 118 /* v */ && first !== 101 /* e */) return;
    if (/^(clone|clone3|fork|vfork)$/.test(event.name) && event.returnValue !== undefined && event.returnValue > 0) {
      const child = this.process(event.returnValue);
      child.parent = event.pid;
      child.thread = event.args.some((a) => /CLONE_THREAD/.test(a.text));
    }
    if (event.name.startsWith('execve') && event.returnValue === 0) {
      const command = event.args[0]?.text;
      this.process(event.pid).command = command === undefined ? undefined : ownCopy(command);
    }
  }

  /** Completed calls per origin that had any, in the order a program runs (calls whose origin is unknown are not counted). */
  get origins(): ReadonlyMap<CallOrigin, number> {
    return new Map(ORIGIN_ORDER.filter((o) => this.originCounts[o] > 0).map((o) => [o, this.originCounts[o]]));
  }

  /** `strace -c`: per syscall, most time first (then most calls). */
  summary(): SyscallStats[] {
    return [...this.stats.values()].sort((a, b) => b.totalTime - a.totalTime || b.calls - a.calls || a.name.localeCompare(b.name));
  }
}

/** Distinct results a source line's annotation lists per syscall before it says `…`. */
export const MAX_DISTINCT_RESULTS = 4;

/**
 * `write → 14 ×5`, `open → -1 ENOENT`, `read → 124, 0 ×2` (the distinct results, first seen first),
 * `exit → did not return` (strace prints `= ?` for a call that never came back: exit, exit_group,
 * or a call the process died in).
 */
export function annotationText(calls: Iterable<LineCall>): string {
  return [...calls].map((c) => `${c.name} → ${distinctResults(c).join(', ')}${c.count > 1 ? ` ×${c.count}` : ''}`).join(', ');
}

/** A line's distinct results as said to the user: `did not return` for strace's `?`, then `…` when more were seen. */
export function distinctResults(call: LineCall): string[] {
  const results = call.results.map((r) => (r === '?' ? 'did not return' : r));
  return call.moreResults ? [...results, '…'] : results;
}

export interface ComparisonRow {
  name: string;
  callsA: number;
  callsB: number;
  difference: number;
  status: 'both' | 'new' | 'vanished';
}

/** Run A beside run B: calls per syscall and the difference, new and vanished syscalls. */
export function compareSummaries(a: readonly SyscallStats[], b: readonly SyscallStats[]): { rows: ComparisonRow[]; totalA: number; totalB: number } {
  const byName = new Map<string, ComparisonRow>();
  for (const s of a) byName.set(s.name, { name: s.name, callsA: s.calls, callsB: 0, difference: -s.calls, status: 'vanished' });
  for (const s of b) {
    const row = byName.get(s.name);
    if (row) Object.assign(row, { callsB: s.calls, difference: s.calls - row.callsA, status: 'both' });
    else byName.set(s.name, { name: s.name, callsA: 0, callsB: s.calls, difference: s.calls, status: 'new' });
  }
  const rows = [...byName.values()].sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference) || x.name.localeCompare(y.name));
  return { rows, totalA: a.reduce((n, s) => n + s.calls, 0), totalB: b.reduce((n, s) => n + s.calls, 0) };
}

const ORIGIN_ORDER: CallOrigin[] = ['loader', 'startup', 'runtime', 'user', 'exit'];
const ORIGIN_NAMES: Record<CallOrigin, string> = {
  loader: 'loading (execve, dynamic loader)', startup: 'libc start-up', runtime: 'language runtime', user: 'your code', exit: 'exit (atexit, flushing stdio)',
};

/**
 * `calls by origin: 28 loading (execve, dynamic loader), 3 libc start-up, 2 your code, 1 exit (…)`;
 * with `total` (the calls counted), those whose origin is unknown are counted too (`, 34 unknown`).
 */
export function formatOrigins(origins: ReadonlyMap<CallOrigin, number>, total?: number): string | undefined {
  const parts = ORIGIN_ORDER.filter((o) => origins.get(o)).map((o) => `${origins.get(o)} ${ORIGIN_NAMES[o]}`);
  if (!parts.length) return undefined;
  const unknown = (total ?? 0) - [...origins.values()].reduce((n, count) => n + count, 0);
  return `calls by origin: ${parts.join(', ')}${unknown > 0 ? `, ${unknown} unknown` : ''}`;
}

/** The `strace -c`-style table as text. */
export function formatSummaryTable(stats: readonly SyscallStats[]): string {
  const total = stats.reduce((t, s) => t + s.totalTime, 0);
  const lines = ['% time     seconds  usecs/call     calls    errors syscall', '------ ----------- ----------- --------- --------- ----------------'];
  const row = (percent: number, seconds: number, calls: number, errors: number, name: string) =>
    `${percent.toFixed(2).padStart(6)} ${seconds.toFixed(6).padStart(11)} ${String(calls ? Math.round((seconds * 1e6) / calls) : 0).padStart(11)} ` +
    `${String(calls).padStart(9)} ${(errors ? String(errors) : '').padStart(9)} ${name}`;
  for (const s of stats) lines.push(row(total ? (100 * s.totalTime) / total : 0, s.totalTime, s.calls, s.errors, s.name));
  lines.push(lines[1]!);
  lines.push(row(total ? 100 : 0, total, stats.reduce((n, s) => n + s.calls, 0), stats.reduce((n, s) => n + s.errors, 0), 'total'));
  return lines.join('\n');
}
