// What the trace panel shows, computed on the extension host (no vscode imports): the filtered
// list of rows, fetched by the webview one visible window at a time so its memory stays bounded.
import * as path from 'node:path';
import { errnoByName, lookupSyscallByName, type SyscallInfo } from '../../syscalls';
import { describeCredit, formatEvent, type SyscallEvent, type TraceEvent } from '../../trace/events';
import { distinctResults, formatOrigins, isFailed, isFailure, type LineCall, type TraceModel } from '../../trace/model/model';
import { INHERITED } from '../../trace/model/fds';
import type { ErrnoSummaryRow, FailureGroup, ProcessRow, SummaryRow, TraceFilter, TraceRow } from './protocol';

export const NO_FILTER: TraceFilter = { category: '', origin: '', failedOnly: false, pid: undefined, text: '', regex: false };

function syscallOf(event: TraceEvent): SyscallInfo | undefined {
  if (event.kind !== 'syscall') return undefined;
  const lookup = lookupSyscallByName(event.abi, event.name);
  return lookup.known ? lookup.syscall : undefined;
}

export function categoryOf(event: TraceEvent): string {
  if (event.kind === 'signal') return 'signal';
  if (event.kind === 'exit') return 'process';
  return syscallOf(event)?.category ?? 'other';
}

function argumentsText(event: SyscallEvent): string {
  return event.args.map((a) => `${a.name ? `${a.name}=` : ''}${a.text}${a.fdPath !== undefined ? `<${a.fdPath}>` : ''}`).join(', ');
}

function whereOf(event: TraceEvent): string {
  return event.location ? `${path.basename(event.location.file)}:${event.location.line}` : '';
}

/** `fd 3 ← open("/etc/hostname") at hello.asm:41` for each descriptor argument whose creator is known. */
export function descriptorNotes(event: SyscallEvent, model: TraceModel): { seq: number; text: string }[] {
  const notes: { seq: number; text: string }[] = [];
  event.fdOrigins?.forEach((origin, i) => {
    if (origin === undefined) return;
    const fd = event.args[i]!.text;
    if (origin === INHERITED) return notes.push({ seq: 0, text: `fd ${fd} ← inherited` });
    const creator = model.get(origin);
    if (creator?.kind !== 'syscall') return;
    const first = creator.args[0]?.text ?? '';
    const where = whereOf(creator);
    notes.push({ seq: origin, text: `fd ${fd} ← ${creator.name}(${first.length > 40 ? `${first.slice(0, 40)}…` : first}${creator.args.length > 1 ? ', …' : ''})${where ? ` at ${where}` : ''}` });
  });
  return notes;
}

/**
 * A traced line's calls of one syscall, as the editor hover says them (Markdown): what the trace saw,
 * each distinct result once, a failure with its errno's message —
 * `` `read` ×4 — saw `124`, `0`, `-1 EINTR` (Interrupted system call) — **1 failed** ``.
 */
export function lineCallHover(call: LineCall): string {
  const results = distinctResults(call).map((result) => {
    if (result === 'did not return' || result === '…') return result;
    const errno = /^-?\d+ (E[A-Z0-9]+)$/.exec(result)?.[1];
    const message = errno ? errnoByName(errno)?.message : undefined;
    return `\`${result.replace(/`/g, "'")}\`${message ? ` (${message})` : ''}`;
  });
  const saw = results.length === 1 && results[0] === 'did not return' ? 'did not return' : `saw ${results.join(', ')}`;
  return `\`${call.name}\` ×${call.count} — ${saw}${call.errors ? ` — **${call.errors} failed**` : ''}`;
}

const READS = new Set(['read', 'readv', 'pread64', 'preadv', 'preadv2']);

/** A call in progress that waits for what the user types: a read of fd 0 or of a terminal (-y shows /dev/pts/N). */
export function waitsForInput(event: SyscallEvent): boolean {
  const fd = event.args[0];
  if (!event.inProgress || !READS.has(event.name) || fd === undefined) return false;
  const terminal = /^\/dev\/(pts\/\d+|tty\w*)$/.test(fd.fdPath ?? '');
  // fd 0 redirected from a file (a stdin file) does not wait for the user.
  return terminal || (fd.text === '0' && !fd.fdPath?.startsWith('/'));
}

export function toRow(event: TraceEvent, firstTime: number | undefined, model?: TraceModel): TraceRow {
  const time = event.time !== undefined && firstTime !== undefined ? (event.time - firstTime).toFixed(6) : '';
  // Without a line of the user's, the row says where the call comes from instead.
  const where = whereOf(event) || (event.origin && event.origin !== 'user' ? `(${event.origin})` : '')
    // Made inside a library function that only a stack could place: which function.
    || (event.credit?.function ? `(in ${event.credit.function})` : '');
  const row: TraceRow = {
    seq: event.seq, kind: event.kind, time, pid: event.pid, name: '', args: '', result: '', failed: false,
    inProgress: false, duration: '', where, category: categoryOf(event),
  };
  if (event.origin) row.origin = event.origin;
  if (event.via?.length) row.via = event.via.join(' → ');
  const credit = describeCredit(event.credit, event.origin);
  if (credit) row.credit = credit;
  if (event.location?.procedureLine !== undefined) {
    row.procedureWhere = `${path.basename(event.location.procedureFile ?? event.location.file)}:${event.location.procedureLine}`;
  }
  if (event.location?.macroLine !== undefined) {
    row.macroWhere = `${path.basename(event.location.macroFile ?? event.location.file)}:${event.location.macroLine}`;
  }
  switch (event.kind) {
    case 'syscall':
      row.name = event.name;
      row.args = argumentsText(event);
      if (syscallOf(event)?.summary) row.summary = syscallOf(event)!.summary;
      row.inProgress = event.inProgress;
      row.failed = isFailed(event);
      row.result = event.inProgress ? '' : `${event.result ?? '?'}${event.resultPath !== undefined ? ` <${event.resultPath}>` : ''}`;
      if (event.annotations.length) row.notes = event.annotations.join(' ');
      if (event.errno) row.errno = event.errno;
      if (event.errnoMessage) row.errnoMessage = event.errnoMessage;
      if (event.duration !== undefined) row.duration = event.duration.toFixed(6);
      if (event.inProgress && event.time !== undefined) row.startedAt = event.time;
      if (model && event.fdOrigins) row.fds = descriptorNotes(event, model);
      break;
    case 'signal':
      row.name = event.signal;
      row.args = event.details;
      row.failed = isFailure(event);
      break;
    case 'exit':
      row.name = event.killedBy ? 'killed' : 'exited';
      row.result = formatEvent(event).replace(/^\+\+\+ | \+\+\+$/g, '');
      row.failed = event.killedBy !== undefined;
      break;
    case 'notice':
      row.name = 'strace';
      row.args = event.text;
      break;
  }
  return row;
}

function compileFilter(filter: TraceFilter): (event: TraceEvent) => boolean {
  let textTest: ((text: string) => boolean) | undefined;
  if (filter.text) {
    if (filter.regex) {
      let pattern: RegExp | undefined;
      try { pattern = new RegExp(filter.text, 'i'); } catch { pattern = undefined; }
      textTest = pattern ? (text) => pattern!.test(text) : () => false;
    } else {
      const needle = filter.text.toLowerCase();
      textTest = (text) => text.toLowerCase().includes(needle);
    }
  }
  return (event) => {
    if (filter.pid !== undefined && event.pid !== filter.pid) return false;
    if (filter.failedOnly && !isFailure(event)) return false;
    if (filter.category && categoryOf(event) !== filter.category) return false;
    if (filter.origin && event.origin !== filter.origin) return false;
    if (textTest) {
      // Search what the row shows, -y paths and source location included.
      const row = toRow(event, undefined);
      if (!textTest(`${row.name}(${row.args}) = ${row.result} ${row.errno ?? ''} ${row.notes ?? ''} ${row.where}`)) return false;
    }
    return true;
  };
}

/** What a failure is grouped under in the failed-only view: its errno (`?` when strace gave none), or its signal. */
export function failureKey(event: TraceEvent): string {
  if (event.kind === 'syscall') return event.errno ?? '?';
  if (event.kind === 'signal') return event.signal;
  return event.kind === 'exit' ? event.killedBy ?? '?' : '?';
}

/** Why calls fail, per syscall and errno: the man pages' ERRORS reasons (set as they are read). */
export type FailureReasons = Map<string, ReadonlyMap<string, readonly string[]>>;

export class TraceViewModel {
  /** Seqs of the events that pass the filter, in order (unless grouped). */
  private matching: number[] = [];
  /** Failed only: the failures by errno (first seen first), each group's seqs in order. */
  private groups: Map<string, number[]> | undefined;
  /** The grouped list as shown: a group's key (its header) then its seqs; rebuilt when a group grows. */
  private grouped: (string | number)[] | undefined;
  private test: (event: TraceEvent) => boolean = () => true;
  filter: TraceFilter = NO_FILTER;
  /** Bumped whenever row positions change wholesale, so the webview drops rows it cached. */
  generation = 0;
  private readonly reasons: FailureReasons = new Map();

  constructor(public model: TraceModel) {}

  get matchingCount(): number {
    return this.groups ? this.groupedList().length : this.matching.length;
  }

  reset(model: TraceModel): void {
    this.model = model;
    this.matching = [];
    this.groups = this.filter.failedOnly ? new Map() : undefined;
    this.grouped = undefined;
    this.generation++;
    const filter = this.filter;
    if (!filter.failedOnly && !filter.category && !filter.origin && filter.pid === undefined && !filter.text) {
      // Every event shows: nothing needs reading (a long trace's are mostly on disk).
      for (let seq = 1; seq <= model.size; seq++) if (model.has(seq)) this.matching.push(seq);
      return;
    }
    for (const event of model.all()) if (this.test(event)) this.place(event);
  }

  setFilter(filter: TraceFilter): void {
    this.filter = filter;
    this.test = compileFilter(filter);
    this.reset(this.model);
  }

  /** The reasons man 2 NAME gives for its errnos, for the failed-only headers. */
  setReasons(syscall: string, reasons: ReadonlyMap<string, readonly string[]>): void {
    this.reasons.set(syscall, reasons);
    // The headers that name this syscall change: the view fetches its rows again.
    if (this.groups) this.generation++;
  }

  /** Call after the model took the event in; returns whether the visible list changed. */
  add(event: TraceEvent): boolean {
    const matches = this.test(event);
    if (this.groups) {
      // A group grew: the rows after it move, and its header's count changes.
      if (matches && this.place(event)) this.generation++;
      return matches;
    }
    const last = this.matching[this.matching.length - 1];
    if (last === undefined || event.seq > last) {
      if (matches) this.matching.push(event.seq);
      return matches;
    }
    // An update of an earlier event (a call that completed): place it if it matches only now.
    const index = lowerBound(this.matching, event.seq);
    const present = this.matching[index] === event.seq;
    if (matches && !present) this.matching.splice(index, 0, event.seq);
    return present || matches;
  }

  /** Adds a matching event to the list, or to its errno's group; false when it was there already. */
  private place(event: TraceEvent): boolean {
    if (!this.groups) {
      this.matching.push(event.seq);
      return true;
    }
    const key = failureKey(event);
    const seqs = this.groups.get(key) ?? [];
    this.groups.set(key, seqs);
    const index = lowerBound(seqs, event.seq);
    if (seqs[index] === event.seq) return false;
    seqs.splice(index, 0, event.seq);
    this.grouped = undefined;
    return true;
  }

  private groupedList(): (string | number)[] {
    if (!this.grouped) {
      this.grouped = [];
      for (const [key, seqs] of this.groups ?? []) this.grouped.push(key, ...seqs);
    }
    return this.grouped;
  }

  /** A group's header: `ENOENT ×3 — No such file or directory`, with each failing syscall's reason. */
  private groupRow(key: string): TraceRow {
    const seqs = this.groups?.get(key) ?? [];
    const names = new Set<string>();
    for (const seq of seqs) {
      const event = this.model.get(seq);
      if (event?.kind === 'syscall') names.add(event.name);
    }
    const reasons = [...names].flatMap((name) => {
      const reason = this.reasons.get(name)?.get(key)?.[0];
      return reason ? [`${name}: ${reason}`] : [];
    });
    const message = errnoByName(key)?.message ?? (names.size ? '' : 'fault signals and the processes they killed');
    const group: FailureGroup = { key, count: seqs.length, message, reasons };
    return {
      seq: 0, kind: 'group', time: '', pid: 0, name: key, args: reasons.join(' · '), result: '', failed: true, inProgress: false,
      duration: '', where: '', category: '', group,
    };
  }

  rows(start: number, count: number): TraceRow[] {
    const list = this.groups ? this.groupedList() : this.matching;
    const rows: TraceRow[] = [];
    const end = Math.min(list.length, start + Math.min(count, 2000));
    for (let i = Math.max(0, start); i < end; i++) {
      const item = list[i]!;
      if (typeof item === 'string') {
        rows.push(this.groupRow(item));
        continue;
      }
      const event = this.model.get(item);
      if (event) rows.push(toRow(event, this.model.firstTime, this.model));
    }
    return rows;
  }

  /** The event's position in the filtered list, or -1 when the filter hides it. */
  indexOf(seq: number): number {
    if (this.groups) return this.groupedList().indexOf(seq);
    const index = lowerBound(this.matching, seq);
    return this.matching[index] === seq ? index : -1;
  }

  /** The syscalls that failed so far, whose man-page reasons the headers want. */
  failedSyscalls(): string[] {
    return [...this.model.failures.keys()];
  }

  summaryRows(): { rows: SummaryRow[]; totalCalls: number; totalErrors: number; origins: string; errnos: ErrnoSummaryRow[] } {
    const stats = this.model.summary();
    const total = stats.reduce((t, s) => t + s.totalTime, 0);
    return {
      origins: formatOrigins(this.model.origins) ?? '',
      errnos: errnoSummary(this.model.failures),
      rows: stats.map((s) => ({ ...s, percent: total ? (100 * s.totalTime) / total : 0 })),
      totalCalls: stats.reduce((n, s) => n + s.calls, 0),
      totalErrors: stats.reduce((n, s) => n + s.errors, 0),
    };
  }

  /** Processes and threads as a depth-first tree. */
  processRows(): ProcessRow[] {
    const all = [...this.model.processes.values()];
    const children = new Map<number | undefined, typeof all>();
    for (const p of all) {
      const parent = p.parent !== undefined && this.model.processes.has(p.parent) ? p.parent : undefined;
      const list = children.get(parent) ?? [];
      list.push(p);
      children.set(parent, list);
    }
    const rows: ProcessRow[] = [];
    const visit = (parent: number | undefined, depth: number) => {
      for (const p of children.get(parent) ?? []) {
        const row: ProcessRow = { pid: p.pid, thread: p.thread, calls: p.calls, depth };
        if (p.parent !== undefined) row.parent = p.parent;
        if (p.command !== undefined) row.command = p.command;
        if (p.exit !== undefined) row.exit = p.exit;
        rows.push(row);
        if (rows.length < 10_000) visit(p.pid, depth + 1);
      }
    };
    visit(undefined, 0);
    return rows;
  }
}

/** Failed calls by errno, most first: `ENOENT 3 No such file or directory — open ×2, stat`. */
export function errnoSummary(failures: ReadonlyMap<string, ReadonlyMap<string, number>>): ErrnoSummaryRow[] {
  const byErrno = new Map<string, Map<string, number>>();
  for (const [syscall, errnos] of failures) {
    for (const [errno, count] of errnos) {
      const calls = byErrno.get(errno) ?? new Map<string, number>();
      calls.set(syscall, count);
      byErrno.set(errno, calls);
    }
  }
  const rows = [...byErrno].map(([errno, calls]) => ({
    errno, calls: [...calls.values()].reduce((n, c) => n + c, 0), message: errnoByName(errno)?.message ?? '',
    syscalls: [...calls].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', '),
  }));
  return rows.sort((a, b) => b.calls - a.calls || a.errno.localeCompare(b.errno));
}

function lowerBound(values: number[], target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (values[mid]! < target) low = mid + 1;
    else high = mid;
  }
  return low;
}
