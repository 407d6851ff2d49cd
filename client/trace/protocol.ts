// Messages between the extension host and the trace panel's webview. Types only: both sides
// import this file, the webview bundle included.
import type { ComparisonRow, ProcessInfo, SyscallStats } from '../../trace/model/model';
import type { CommandName } from '../contributions';

/** One row of the calls table, already formatted by the host. */
export interface TraceRow {
  seq: number;
  kind: 'syscall' | 'signal' | 'exit' | 'notice';
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
  category: string;
  /** One line on what the syscall does, from the syscall database (a tooltip on its name). */
  summary?: string;
  /** Epoch seconds when the call started (for the live elapsed time of a call in progress). */
  startedAt?: number;
}

export interface TraceFilter {
  category: string;
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
}

export type HostMessage =
  | { type: 'reset'; title: string; running: boolean }
  | { type: 'status'; text: string; running: boolean; error?: boolean }
  | { type: 'count'; total: number; matching: number; unparsed: number; generation: number }
  | { type: 'rows'; start: number; rows: TraceRow[]; generation: number }
  | { type: 'inProgress'; row: TraceRow | undefined }
  | { type: 'summary'; rows: SummaryRow[]; totalCalls: number; totalErrors: number }
  | { type: 'processes'; rows: ProcessRow[] }
  | { type: 'compare'; view: CompareView | undefined }
  | { type: 'categories'; categories: string[] };

export type PanelMessage =
  | { type: 'ready' }
  | { type: 'range'; start: number; count: number; generation: number }
  | { type: 'filter'; filter: TraceFilter }
  | { type: 'reveal'; seq: number }
  | { type: 'failCall'; seq: number }
  | { type: 'command'; command: Extract<CommandName, 'trace' | 'stop' | 'openLog' | 'exportJsonl' | 'compare'> };
