// What counts as a failure in a trace, and what failures are grouped under.
import type { SyscallEvent, TraceEvent } from '../events';

export function isFailed(event: SyscallEvent): boolean {
  return !event.inProgress && (event.errno !== undefined || (event.result === '-1'));
}

// Signals raised by a faulting instruction (or abort): the ones that mean the program failed.
const FAULT_SIGNALS = new Set(['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGABRT', 'SIGSYS', 'SIGTRAP']);

/** A failed call, a fault signal, or a process killed by a signal. */
export function isFailure(event: TraceEvent): boolean {
  if (event.kind === 'syscall') return isFailed(event);
  if (event.kind === 'signal') return FAULT_SIGNALS.has(event.signal);
  return event.kind === 'exit' && event.killedBy !== undefined;
}

/** What a failure is grouped under (failed only, by errno): its errno (`?` when strace gave none), or its signal. */
export function failureKey(event: TraceEvent): string {
  if (event.kind === 'syscall') return event.errno ?? '?';
  if (event.kind === 'signal') return event.signal;
  return event.kind === 'exit' ? event.killedBy ?? '?' : '?';
}
