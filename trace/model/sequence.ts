// Two runs' call sequences aligned: which calls were added, removed, or changed in outcome (how
// "hello world" goes from 63 calls to 35 to 2). Calls are matched by name, in order (a longest common
// subsequence); a matched pair whose outcome differs is "changed".
import { ownCopy } from './ownCopy';
import type { CallOrigin, TraceEvent } from '../events';

/** One completed call, reduced to what a comparison shows. */
export interface CallStep {
  name: string;
  /** The errno name, the result when it is a small number (a count, a descriptor), or `ok`. */
  outcome: string;
  origin?: CallOrigin;
  /** `hello.asm:20`, when known. */
  where?: string;
}

export interface SequenceChange {
  kind: 'added' | 'removed' | 'changed';
  /** 1-based positions in run A and run B. */
  indexA?: number;
  indexB?: number;
  a?: CallStep;
  b?: CallStep;
}

/** Runs longer than this are compared by counts only (the alignment is quadratic). */
export const MAX_STEPS = 20_000;
/** Cells of the alignment table, at most (after the common start and end are taken off). */
const MAX_CELLS = 16_000_000;

/** Large results are addresses or pids, different in every run: only their success is compared. */
function outcomeOf(result: string | undefined, errno: string | undefined, value: number | undefined): string {
  if (errno) return errno;
  if (value !== undefined && value >= 0 && value < 65536) return String(value);
  return result === '?' ? '?' : 'ok';
}

/** The completed calls of a trace, in order, at most MAX_STEPS (then `complete` is false). */
export function callSteps(events: Iterable<TraceEvent | undefined>, where: (event: TraceEvent) => string | undefined): { steps: CallStep[]; complete: boolean } {
  const steps: CallStep[] = [];
  for (const event of events) {
    if (event?.kind !== 'syscall' || event.inProgress) continue;
    if (steps.length === MAX_STEPS) return { steps, complete: false };
    // Kept for as long as the run is remembered: its own copy, not a piece of a chunk of log.
    const step: CallStep = { name: ownCopy(event.name), outcome: ownCopy(outcomeOf(event.result, event.errno, event.returnValue)) };
    if (event.origin) step.origin = event.origin;
    const at = where(event);
    if (at) step.where = at;
    steps.push(step);
  }
  return { steps, complete: true };
}

/** The changes from `a` to `b`, in order; undefined when they are too long to align. */
export function diffCalls(a: readonly CallStep[], b: readonly CallStep[]): SequenceChange[] | undefined {
  let start = 0;
  while (start < a.length && start < b.length && a[start]!.name === b[start]!.name) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1]!.name === b[endB - 1]!.name) { endA--; endB--; }
  const n = endA - start;
  const m = endB - start;
  if ((n + 1) * (m + 1) > MAX_CELLS) return undefined;
  // lcs[i][j]: the longest common subsequence of a[start+i..endA) and b[start+j..endB).
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = a[start + i]!.name === b[start + j]!.name
        ? lcs[(i + 1) * width + j + 1]! + 1
        : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const changes: SequenceChange[] = [];
  const matched = (i: number, j: number) => {
    const x = a[i]!;
    const y = b[j]!;
    if (x.outcome !== y.outcome) changes.push({ kind: 'changed', indexA: i + 1, indexB: j + 1, a: x, b: y });
  };
  for (let k = 0; k < start; k++) matched(k, k);
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i]!.name === b[start + j]!.name) {
      matched(start + i++, start + j++);
    } else if (j < m && (i === n || lcs[i * width + j + 1]! >= lcs[(i + 1) * width + j]!)) {
      changes.push({ kind: 'added', indexB: start + j + 1, b: b[start + j]! });
      j++;
    } else {
      changes.push({ kind: 'removed', indexA: start + i + 1, a: a[start + i]! });
      i++;
    }
  }
  for (let k = 0; k < a.length - endA; k++) matched(endA + k, endB + k);
  return changes;
}
