// What the trace panel shows, computed on the extension host (no vscode imports): the filtered
// list of rows, fetched by the webview one visible window at a time so its memory stays bounded.
import * as path from 'node:path';
import { errnoByName, lookupSyscallByName, type SyscallInfo } from '../../syscalls';
import { describeCredit, formatEvent, type ExitEvent, type SyscallEvent, type TraceEvent } from '../../trace/events';
import { distinctResults, factsOf, failureKey, formatOrigins, isFailed, isFailure, type EventFacts, type LineCall, type TraceModel } from '../../trace/model/model';
import { INHERITED } from '../../trace/model/fds';
import type { BlockTest } from '../../trace/model/eventArchive';
import { requiredLiterals } from './regexLiterals';
import type { ErrnoSummaryRow, FailureGroup, ProcessRow, SummaryRow, TraceFilter, TraceRow } from './protocol';
import { SeqList } from './seqList';

export { failureKey };

export const NO_FILTER: TraceFilter = { category: '', origin: '', failedOnly: false, pid: undefined, text: '', regex: false };

/** The name a notice's row shows (strace's own messages): the one word of a row its log line may lack. */
const NOTICE_ROW_NAME = 'strace';

function syscallOf(event: Pick<EventFacts, 'kind' | 'abi' | 'name'>): SyscallInfo | undefined {
  if (event.kind !== 'syscall') return undefined;
  const lookup = lookupSyscallByName(event.abi, event.name);
  return lookup.known ? lookup.syscall : undefined;
}

export function categoryOf(event: TraceEvent): string {
  return categoryOfFacts(factsOf(event));
}

/** Syscall categories by ABI and name, as filters ask for them once per row. */
const categories = { x86_64: new Map<string, string>(), i386: new Map<string, string>() };

function categoryOfFacts(facts: Pick<EventFacts, 'kind' | 'abi' | 'name'>): string {
  if (facts.kind === 'signal') return 'signal';
  if (facts.kind === 'exit') return 'process';
  const known = categories[facts.abi];
  let category = known.get(facts.name);
  if (category === undefined) known.set(facts.name, (category = syscallOf(facts)?.category ?? 'other'));
  return category;
}

function argumentsText(event: SyscallEvent): string {
  return event.args.map((a) => `${a.name ? `${a.name}=` : ''}${a.text}${a.fdPath !== undefined ? `<${a.fdPath}>` : ''}`).join(', ');
}

function whereOf(event: Pick<TraceEvent, 'location'>): string {
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

/** The row's source column: the user's line, or else where the call comes from. */
function whereShown(event: Pick<TraceEvent, 'location' | 'origin' | 'credit'>): string {
  // Without a line of the user's, the row says where the call comes from instead.
  return whereOf(event) || (event.origin && event.origin !== 'user' ? `(${event.origin})` : '')
    // Made inside a library function that only a stack could place: which function.
    || (event.credit?.function ? `(in ${event.credit.function})` : '');
}

export function toRow(event: TraceEvent, firstTime: number | undefined, model?: TraceModel): TraceRow {
  const time = event.time !== undefined && firstTime !== undefined ? (event.time - firstTime).toFixed(6) : '';
  const where = whereShown(event);
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
      row.result = exitResult(event);
      row.failed = event.killedBy !== undefined;
      break;
    case 'notice':
      row.name = NOTICE_ROW_NAME;
      row.args = event.text;
      break;
  }
  return row;
}

/**
 * What a text filter searches: what the row shows (toRow), -y paths and source location included,
 * as `name(args) = result errno notes where`.
 */
export function searchText(event: TraceEvent): string {
  const where = whereShown(event);
  switch (event.kind) {
    case 'syscall': {
      const result = event.inProgress ? '' : `${event.result ?? '?'}${event.resultPath !== undefined ? ` <${event.resultPath}>` : ''}`;
      return `${event.name}(${argumentsText(event)}) = ${result} ${event.errno ?? ''} ${event.annotations.length ? event.annotations.join(' ') : ''} ${where}`;
    }
    case 'signal': return `${event.signal}(${event.details}) =    ${where}`;
    case 'exit': return `${event.killedBy ? 'killed' : 'exited'}() = ${exitResult(event)}   ${where}`;
    case 'notice': return `${NOTICE_ROW_NAME}(${event.text}) =    ${where}`;
  }
}

function exitResult(event: ExitEvent): string {
  return formatEvent(event).replace(/^\+\+\+ | \+\+\+$/g, '');
}

interface CompiledFilter {
  /** What the model's index answers without reading an event back: pid, failure, category, origin. */
  facts: (facts: EventFacts) => boolean;
  /** The text search, which needs the event itself; undefined without one. */
  text: ((event: TraceEvent) => boolean) | undefined;
  /** No filter: every event shows. */
  everything: boolean;
  /** For a plain text search: which blocks of a long trace's log may hold a match (see blockTest). */
  mayMatch: BlockTest;
}

/**
 * Whether the lines of some calls (and what mapping added: the row's source column) may hold a
 * search text. A row shows its call's name, arguments, result, errno and notes as strace wrote
 * them, joined by `(`, `, `, `) = `, ` <` and spaces: each piece of the needle between such
 * characters lies inside one of them, so lines that lack a piece (and whose source column lacks
 * it too) cannot match and need not be parsed. A regular expression gives its pieces from the
 * literal text every match contains (regexLiterals.ts: `^m(un)?map\(` needs `map(`, `ENOENT|EACCES`
 * one of the two); one without any (`^(read|write)`) reads every block.
 */
function blockTest(filter: TraceFilter): BlockTest {
  // One list of needles per alternative of a pattern (`ENOENT|EACCES`): a block may match one whose needles it all holds.
  const alternatives = filter.regex ? requiredLiterals(filter.text) ?? [] : [[filter.text.toLowerCase()]];
  // A notice's row starts with `strace(`, which its line may not hold (`[ Process PID=7 runs in 32 bit mode. ]`):
  // a piece of that word rules out no block.
  const pieces = alternatives.map((needles) => needles.flatMap((needle) => needle.split(/[\s(),=<>]+/))
    .filter((piece) => piece && !NOTICE_ROW_NAME.includes(piece)));
  if (pieces.length === 0 || pieces.some((alternative) => alternative.length === 0)) return () => true;
  return (text, decorations) => {
    const lines = text.toLowerCase();
    let shown: string | undefined;
    const holds = (piece: string) => lines.includes(piece)
      || (shown ??= decorations().map((d) => whereShown(d).toLowerCase()).join('\n')).includes(piece);
    return pieces.some((alternative) => alternative.every(holds));
  };
}

function compileFilter(filter: TraceFilter): CompiledFilter {
  let pattern: RegExp | undefined;
  if (filter.regex) try { pattern = new RegExp(filter.text, 'i'); } catch { pattern = undefined; }
  // A regular expression that is not valid matches nothing.
  const invalid = filter.regex && !pattern;
  let textTest: ((text: string) => boolean) | undefined;
  if (filter.text) {
    if (filter.regex) {
      textTest = pattern ? (text) => pattern!.test(text) : () => false;
    } else {
      const needle = filter.text.toLowerCase();
      textTest = (text) => text.toLowerCase().includes(needle);
    }
  }
  return {
    mayMatch: invalid ? () => false : blockTest(filter),
    everything: !filter.failedOnly && !filter.category && !filter.origin && filter.pid === undefined && !filter.text,
    facts: (facts) => {
      if (filter.pid !== undefined && facts.pid !== filter.pid) return false;
      if (filter.failedOnly && !facts.failed) return false;
      if (filter.category && categoryOfFacts(facts) !== filter.category) return false;
      return !filter.origin || facts.origin === filter.origin;
    },
    text: textTest && ((event) => textTest(searchText(event))),
  };
}

/** Why calls fail, per syscall and errno: the man pages' ERRORS reasons (set as they are read). */
export type FailureReasons = Map<string, ReadonlyMap<string, readonly string[]>>;

/** Failed only: one errno's (or signal's) failures. */
interface Group {
  seqs: SeqList;
  /** The syscalls that failed so, for the header's reasons. */
  names: Set<string>;
}

export class TraceViewModel {
  /** Seqs of the events that pass the filter, in order (unless grouped). */
  private matching = new SeqList();
  /** Failed only: the failures by errno (first seen first), each group's seqs in order. */
  private groups: Map<string, Group> | undefined;
  private test: CompiledFilter = compileFilter(NO_FILTER);
  filter: TraceFilter = NO_FILTER;
  /** Bumped whenever row positions change wholesale, so the webview drops rows it cached. */
  generation = 0;
  private readonly reasons: FailureReasons = new Map();

  constructor(public model: TraceModel) {}

  get matchingCount(): number {
    if (!this.groups) return this.matching.length;
    let count = 0;
    for (const group of this.groups.values()) count += 1 + group.seqs.length;
    return count;
  }

  reset(model: TraceModel): void {
    this.model = model;
    this.matching = new SeqList();
    this.groups = this.filter.failedOnly ? new Map() : undefined;
    this.generation++;
    if (this.test.everything) {
      // Every event shows: nothing needs reading (a long trace's are mostly on disk).
      for (let seq = 1; seq <= model.size; seq++) if (model.has(seq)) this.matching.push(seq);
      return;
    }
    const text = this.test.text;
    if (!text) {
      // The model's index answers: no event is read back from the log.
      for (const facts of model.facts()) if (this.test.facts(facts)) this.place(facts);
      return;
    }
    for (const event of model.search(this.test.mayMatch)) {
      const facts = factsOf(event);
      if (this.test.facts(facts) && text(event)) this.place(facts);
    }
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
    if (this.test.everything) return this.matching.insert(event.seq) || true;
    const facts = factsOf(event);
    const matches = this.test.facts(facts) && (!this.test.text || this.test.text(event));
    if (this.groups) {
      // A group grew: the rows after it move, and its header's count changes.
      if (matches && this.place(facts)) this.generation++;
      return matches;
    }
    if (matches) return this.matching.insert(event.seq) || true;
    // An update of an earlier event that no longer matches stays listed (as before its update).
    return this.matching.indexOf(event.seq) >= 0;
  }

  /** Adds a matching event to the list, or to its errno's group; false when it was there already. */
  private place(facts: EventFacts): boolean {
    if (!this.groups) return this.matching.insert(facts.seq);
    let group = this.groups.get(facts.failureKey);
    if (!group) this.groups.set(facts.failureKey, (group = { seqs: new SeqList(), names: new Set() }));
    if (facts.kind === 'syscall') group.names.add(facts.name);
    return group.seqs.insert(facts.seq);
  }

  /** A group's header: `ENOENT ×3 — No such file or directory`, with each failing syscall's reason. */
  private groupRow(key: string, group: Group): TraceRow {
    const reasons = [...group.names].flatMap((name) => {
      const reason = this.reasons.get(name)?.get(key)?.[0];
      return reason ? [`${name}: ${reason}`] : [];
    });
    const message = errnoByName(key)?.message ?? (group.names.size ? '' : 'fault signals and the processes they killed');
    const header: FailureGroup = { key, count: group.seqs.length, message, reasons };
    return {
      seq: 0, kind: 'group', time: '', pid: 0, name: key, args: reasons.join(' · '), result: '', failed: true, inProgress: false,
      duration: '', where: '', category: '', group: header,
    };
  }

  rows(start: number, count: number): TraceRow[] {
    const rows: TraceRow[] = [];
    const end = Math.min(this.matchingCount, start + Math.min(count, 2000));
    const row = (seq: number | undefined) => {
      const event = seq === undefined ? undefined : this.model.get(seq);
      if (event) rows.push(toRow(event, this.model.firstTime, this.model));
    };
    if (!this.groups) {
      for (let i = Math.max(0, start); i < end; i++) row(this.matching.at(i));
      return rows;
    }
    // Each group is its header, then its rows.
    let at = 0;
    for (const [key, group] of this.groups) {
      const size = 1 + group.seqs.length;
      for (let i = Math.max(start, at); i < Math.min(end, at + size); i++) {
        if (i === at) rows.push(this.groupRow(key, group));
        else row(group.seqs.at(i - at - 1));
      }
      at += size;
      if (at >= end) break;
    }
    return rows;
  }

  /** The event's position in the filtered list, or -1 when the filter hides it. */
  indexOf(seq: number): number {
    if (!this.groups) return this.matching.indexOf(seq);
    let at = 0;
    for (const group of this.groups.values()) {
      const index = group.seqs.indexOf(seq);
      if (index >= 0) return at + 1 + index;
      at += 1 + group.seqs.length;
    }
    return -1;
  }

  /** The syscalls that failed so far, whose man-page reasons the headers want. */
  failedSyscalls(): string[] {
    return [...this.model.failures.keys()];
  }

  summaryRows(): { rows: SummaryRow[]; totalCalls: number; totalErrors: number; origins: string; errnos: ErrnoSummaryRow[] } {
    const stats = this.model.summary();
    const total = stats.reduce((t, s) => t + s.totalTime, 0);
    const totalCalls = stats.reduce((n, s) => n + s.calls, 0);
    return {
      origins: formatOrigins(this.model.origins, totalCalls) ?? '',
      errnos: errnoSummary(this.model.failures),
      rows: stats.map((s) => ({ ...s, percent: total ? (100 * s.totalTime) / total : 0 })),
      totalCalls,
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
