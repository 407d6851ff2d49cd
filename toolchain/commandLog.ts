// Every external command Syscall Lens runs (nasm, ld, gcc, strace, tool probes) is reported here, so
// the editor's "Syscall Lens" output channel can show exactly what ran and a user can reproduce it.
// Listeners are process-wide; with none registered, reporting costs nothing.

export interface CommandRecord {
  file: string;
  args: readonly string[];
  cwd?: string;
  /** For long-running commands (a trace): settles when the process has ended. */
  ended?: Promise<void>;
}

type Listener = (record: CommandRecord) => void;
const listeners = new Set<Listener>();

/** Registers a listener; returns the function that removes it. */
export function onCommandRun(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function reportCommand(record: CommandRecord): void {
  for (const listener of listeners) {
    try { listener(record); } catch { /* a broken listener must never stop a build or a trace */ }
  }
}

/** A command line a POSIX shell would run as the same argv: words quoted only where needed. */
export function shellQuoted(argv: readonly string[]): string {
  return argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}
