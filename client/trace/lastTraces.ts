// The syscall count of the last complete trace of each program, remembered per workspace, so the size
// view can put "63 syscalls / 16 KB → 2 syscalls / 400 bytes" in one view without running anything.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type * as vscode from 'vscode';

const KEY = 'syscallLens.lastTraces';
/** Programs remembered; the oldest are forgotten first. */
const KEPT = 50;

export interface LastTrace {
  syscalls: number;
  /** When the trace ended (ms since the epoch). */
  tracedAt: number;
  /**
   * A digest of the program file when it was traced: a build with other bytes makes the count stale
   * (the same source builds to the same bytes, so rebuilding it unchanged keeps the count).
   */
  programDigest: string;
}

const digest = (file: string): string | undefined => {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
};

export class LastTraces {
  constructor(private readonly memory: vscode.Memento) {}

  private all(): Record<string, LastTrace> {
    return this.memory.get<Record<string, LastTrace>>(KEY) ?? {};
  }

  /** A trace of `program` (built from `source`, if any) ran to its end and made `syscalls` calls. */
  record(program: string, source: string | undefined, syscalls: number): void {
    const programDigest = digest(program);
    if (programDigest === undefined) return;
    const entry: LastTrace = { syscalls, tracedAt: Date.now(), programDigest };
    const all = this.all();
    for (const file of [program, source]) if (file) all[file] = entry;
    const kept = Object.entries(all).sort((a, b) => b[1].tracedAt - a[1].tracedAt).slice(0, KEPT);
    void this.memory.update(KEY, Object.fromEntries(kept));
  }

  /**
   * The last trace of a program (by its path or its source's): `stale` when the program's bytes changed
   * since, so the count may no longer hold.
   */
  of(file: string, program: string): (LastTrace & { stale: boolean }) | undefined {
    const all = this.all();
    const entry = all[program] ?? all[file];
    if (!entry) return undefined;
    return { ...entry, stale: digest(program) !== entry.programDigest };
  }
}
