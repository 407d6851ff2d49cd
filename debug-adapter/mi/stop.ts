// The `*stopped` record, decoded once: the engine reads typed fields, never gdb's raw result names.
import { str, tuple, type MITuple } from './parser';
import { toFrame, type GdbFrame } from './stack';

export interface StopRecord {
  /** gdb's reason: `breakpoint-hit`, `end-stepping-range`, `syscall-entry`…; absent after `finish` from a label. */
  reason?: string;
  /** The breakpoint or catchpoint number that stopped the program. */
  breakpoint?: string;
  /** The watchpoint number of a (read/access) watchpoint trigger. */
  watchpoint?: string;
  frame: GdbFrame;
  /** gdb's id of the thread that stopped (`thread-id`). */
  thread?: string;
  /** The frame's architecture: `i386` for a 32-bit program. */
  arch?: string;
  /** `signal-received`, and `starti`'s stop, which gdb reports as signal "0". */
  signal?: { name: string; meaning: string };
  syscall?: { phase: 'entry' | 'return'; number: number; name?: string };
  /** The program ended: its exit code (gdb prints it in octal), or the signal that killed it. */
  exit?: { code: number; signal?: string };
}

export function decodeStopRecord(results: MITuple): StopRecord {
  const reason = str(results.reason);
  const frame = tuple(results.frame);
  const record: StopRecord = {
    reason, breakpoint: str(results.bkptno), frame: toFrame(frame ?? {}), thread: str(results['thread-id']), arch: str(frame?.arch),
  };
  const signalName = str(results['signal-name']);
  if (reason?.startsWith('exited')) {
    record.exit = { code: parseExitCode(str(results['exit-code'])), signal: signalName };
    return record;
  }
  if (signalName !== undefined) record.signal = { name: signalName, meaning: str(results['signal-meaning']) ?? '' };
  const watchpoint = tuple(results.wpt) ?? tuple(results['hw-rwpt']) ?? tuple(results['hw-awpt']);
  if (watchpoint) record.watchpoint = str(watchpoint.number);
  if (reason === 'syscall-entry' || reason === 'syscall-return') {
    record.syscall = {
      phase: reason === 'syscall-entry' ? 'entry' : 'return',
      number: Number(str(results['syscall-number'])), name: str(results['syscall-name']),
    };
  }
  return record;
}

/** gdb prints exit codes in octal: `exit-code="012"` is 10. */
export function parseExitCode(text: string | undefined): number {
  if (!text) return 0;
  return parseInt(text, 8);
}
