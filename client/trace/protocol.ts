// Messages between the extension host and the trace panel's webview. Types only: both sides
// import this file, the webview bundle included.
import type { CallOrigin } from '../../trace/events';
import type { ComparisonRow, ProcessInfo, SyscallStats } from '../../trace/model/model';
import type { SequenceChange } from '../../trace/model/sequence';
import type { CommandName } from '../contributions';

/** One row of the calls table, already formatted by the host. */
export interface TraceRow {
  seq: number;
  /** `group`: the header of the failed calls with one errno ("failed only" groups them). */
  kind: 'syscall' | 'signal' | 'exit' | 'notice' | 'group';
  /** Seconds since the first event, e.g. `0.000412`. */
  time: string;
  pid: number;
  name: string;
  args: string;
  result: string;
  errno?: string;
  errnoMessage?: string;
  /** What strace noted after the result: `(INJECTED)`, `(Timeout)`. */
  notes?: string;
  failed: boolean;
  inProgress: boolean;
  /** Duration in seconds, formatted. */
  duration: string;
  /** `hello.asm:9`, or empty. */
  where: string;
  /** The macro line, when the call came from a %macro expansion. */
  macroWhere?: string;
  /** The syscall line inside the small wrapper procedure that `where` called. */
  procedureWhere?: string;
  category: string;
  /** One line on what the syscall does, from the syscall database (a tooltip on its name). */
  summary?: string;
  /** Epoch seconds when the call started (for the live elapsed time of a call in progress). */
  startedAt?: number;
  /** Where the call comes from (loader, libc start-up, runtime, your code, exit). */
  origin?: CallOrigin;
  /** The library frames between the user's line and the call: `std::io::stdio::_print … __write`. */
  via?: string;
  /** How the call got its line (address, -k stack, its one call site), or why it has none (describeCredit). */
  credit?: string;
  /** Each descriptor argument and the call that created it (`fd 3 ← open("/etc/hostname") at hello.asm:41`). */
  fds?: { seq: number; text: string }[];
  /** A `group` row's errno, count and reasons. */
  group?: FailureGroup;
}

/** Failed calls with one errno (or faults with one signal), as the failed-only view's header says. */
export interface FailureGroup {
  /** `ENOENT`, or a signal (`SIGSEGV`) for faults and the processes they killed. */
  key: string;
  count: number;
  /** `No such file or directory`. */
  message: string;
  /** Per syscall that failed so, the reason its man page gives: `openat: O_CREAT is not set and the named file does not exist.` */
  reasons: string[];
}

/** One line of the Summary's failed calls by errno. */
export interface ErrnoSummaryRow {
  errno: string;
  calls: number;
  message: string;
  /** `open ×2, stat` */
  syscalls: string;
}

export interface TraceFilter {
  category: string;
  /** '' for every origin. */
  origin: CallOrigin | '';
  failedOnly: boolean;
  pid: number | undefined;
  text: string;
  regex: boolean;
}

export interface SummaryRow extends SyscallStats {
  percent: number;
}

/** A process or thread, with its depth in the process tree. */
export interface ProcessRow extends ProcessInfo {
  depth: number;
}

export interface CompareView {
  titleA: string;
  titleB: string;
  totalA: number;
  totalB: number;
  rows: ComparisonRow[];
  /** The call sequences aligned: calls added, removed or changed in outcome (at most 2 000 shown); undefined when too long. */
  changes?: SequenceChange[];
  changeCount?: number;
}

export type HostMessage =
  | { type: 'reset'; title: string; running: boolean }
  | { type: 'status'; text: string; running: boolean; error?: boolean }
  | { type: 'count'; total: number; matching: number; unparsed: number; generation: number }
  | { type: 'rows'; start: number; rows: TraceRow[]; generation: number }
  | { type: 'inProgress'; row: TraceRow | undefined }
  | { type: 'summary'; rows: SummaryRow[]; totalCalls: number; totalErrors: number; origins: string; errnos: ErrnoSummaryRow[] }
  /** Show the row at `index` of the filtered list and select it (a jump to an fd's origin). */
  | { type: 'focus'; index: number; seq: number; cleared: boolean }
  | { type: 'processes'; rows: ProcessRow[] }
  /** `reveal`: the user just asked for this comparison (a reloaded panel gets it again without). */
  | { type: 'compare'; view: CompareView | undefined; reveal?: boolean }
  | { type: 'categories'; categories: string[] };

export type PanelMessage =
  | { type: 'ready' }
  | { type: 'range'; start: number; count: number; generation: number }
  | { type: 'filter'; filter: TraceFilter }
  | { type: 'reveal'; seq: number }
  /** Show this event's row in the list (clearing the filter when it hides it). */
  | { type: 'jump'; seq: number }
  | { type: 'failCall'; seq: number }
  | { type: 'command'; command: Extract<CommandName, 'trace' | 'stop' | 'openLog' | 'exportJsonl' | 'compare'> };
