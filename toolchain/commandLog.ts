// Every external command Syscall Lens runs (nasm, ld, gcc, strace, tool probes) is reported here, so
// the editor's "Syscall Lens" output channel can show exactly what ran and a user can reproduce it.
// Listeners are process-wide; with none registered, reporting costs nothing.

export interface CommandRecord {
  file: string;
  args: readonly string[];
  /** Variables set for this command on top of the environment it inherits (strace's own: trace/capture/straceEnvironment.ts). */
  env?: Readonly<Record<string, string>>;
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

/** `NAME=VALUE` words, as `env` (and the trace supervisor's --strace-env) take them. */
export function assignments(variables: Readonly<Record<string, string>>): string[] {
  return Object.entries(variables).map(([name, value]) => `${name}=${value}`);
}

/** The command as a user can run it again: `env NAME=VALUE… FILE ARGS…` when it sets variables. */
export function commandLine(record: CommandRecord): string {
  const variables = assignments(record.env ?? {});
  return shellQuoted([...(variables.length ? ['env', ...variables] : []), record.file, ...record.args]);
}

/** A command line a POSIX shell would run as the same argv: words quoted only where needed. */
export function shellQuoted(argv: readonly string[]): string {
  return argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}
