// JSON Lines export. Schema (stable; every key is always present, null when unknown):
//   type       "syscall" | "signal" | "exit" | "notice"
//   seq        1-based order in the trace
//   pid        process/thread id (0 when strace printed none)
//   time       seconds since the epoch (strace -ttt), or null
//   duration   seconds spent in the call (strace -T), or null
//   name       syscall name (signal name for signals), or null
//   args       array of argument texts as strace decoded them ([] for non-calls)
//   argOrigins beside each descriptor argument, the seq of the call that created it (0: inherited), or null
//   argPaths   beside each argument, the path strace -y printed for a descriptor (`3</etc/passwd>`), or null
//   result     the return value as printed ("14", "-1", "0x7f…", "?"); exit code for exits; or null
//   resultPath the path strace -y printed beside a returned descriptor, or null
//   errno      errno name ("ENOENT"), or null
//   signal     the signal delivered (signals) or that killed the process (exits), or null
//   ip         instruction pointer as "0x…" hex, or null
//   file, line the source file and 1-based line that made the call, or null
//   macroLine  the line inside the (innermost) %macro body when the call came from a macro, or null
//   macroFile  the file that defines that macro, or null
//   procedureLine  when `line` called a small wrapper procedure that made the call: the line of its
//              syscall, or null
//   procedureFile  the file of that line, or null
//   origin     "loader" | "startup" | "runtime" | "user" | "exit" (see CallOrigin), or null
//   via        the library frames between the user's line and the call, outermost first ([] if none)
//   credit     how the call got its line (syscalls only, else null): "address" (the syscall
//              instruction is in the program's own lines), "stack" (a -k stack), "call-site" (made
//              inside a library function the program calls from one place only; no stack), "none"
//   creditFunction, creditModule  the library function that made the call and its binary, or null
//   creditReason  why no line was credited ("libc.so.6 itself also calls write"), or null
import type { TraceEvent } from '../events';

export interface TraceRecord {
  type: TraceEvent['kind'];
  seq: number;
  pid: number;
  time: number | null;
  duration: number | null;
  name: string | null;
  args: string[];
  argOrigins: (number | null)[];
  argPaths: (string | null)[];
  result: string | null;
  resultPath: string | null;
  errno: string | null;
  signal: string | null;
  ip: string | null;
  file: string | null;
  line: number | null;
  macroLine: number | null;
  macroFile: string | null;
  procedureLine: number | null;
  procedureFile: string | null;
  origin: string | null;
  via: string[];
  credit: string | null;
  creditFunction: string | null;
  creditModule: string | null;
  creditReason: string | null;
}

export function toRecord(event: TraceEvent): TraceRecord {
  const record: TraceRecord = {
    type: event.kind, seq: event.seq, pid: event.pid, time: event.time ?? null, duration: null, name: null, args: [], argOrigins: [], argPaths: [],
    result: null, resultPath: null, errno: null, signal: null, ip: event.ip !== undefined ? `0x${event.ip.toString(16)}` : null,
    file: event.location?.file ?? null, line: event.location?.line ?? null, macroLine: event.location?.macroLine ?? null,
    macroFile: event.location?.macroFile ?? null, procedureLine: event.location?.procedureLine ?? null,
    procedureFile: event.location?.procedureLine !== undefined ? event.location.procedureFile ?? event.location.file : null, origin: event.origin ?? null, via: event.via ?? [],
    credit: event.credit?.method ?? null, creditFunction: event.credit?.function ?? null, creditModule: event.credit?.module ?? null, creditReason: event.credit?.reason ?? null,
  };
  switch (event.kind) {
    case 'syscall':
      record.name = event.name;
      record.args = event.args.map((a) => (a.name ? `${a.name}=${a.text}` : a.text));
      record.argOrigins = event.args.map((_, i) => event.fdOrigins?.[i] ?? null);
      record.argPaths = event.args.map((a) => a.fdPath ?? null);
      record.result = event.inProgress ? null : event.result ?? null;
      record.resultPath = event.resultPath ?? null;
      record.errno = event.errno ?? null;
      record.duration = event.duration ?? null;
      break;
    case 'signal':
      record.name = event.signal;
      record.signal = event.signal;
      break;
    case 'exit':
      record.result = event.exitCode !== undefined ? String(event.exitCode) : null;
      record.signal = event.killedBy ?? null;
      break;
    case 'notice':
      record.name = event.text;
      break;
  }
  return record;
}

export function toJsonLine(event: TraceEvent): string {
  return JSON.stringify(toRecord(event));
}
