// gdb's process: how it is started, shared by the Gdb class and the adapter's entry (entry.ts), which
// starts gdb before node has even compiled the rest of the adapter and hands the process over.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cacheDirectory } from '../../toolchain/cacheDirectory';

/**
 * gdb's own environment on top of the adapter's (`host`): messages in English, no terminal escapes, and
 * a bytecode cache for gdb's Python. gdb imports its Python library (gdb/__init__.py and the packages
 * under it) at every start; its data directory is the system's, which a user cannot write, so without a
 * cache of our own Python compiles it each time — 12 ms of gdb's 48 ms start-up here (gdb 13, Debian 12).
 * PYTHONPYCACHEPREFIX keeps the compiled files under our cache directory instead of beside the sources;
 * a prefix the user set stays theirs. The program inherits gdb's environment, so
 * exec.restoreProgramEnvironment undoes each of these names for it (a value, or null: removed for gdb).
 */
export function gdbEnvironment(host: NodeJS.ProcessEnv = process.env): Record<string, string | null> {
  const environment: Record<string, string | null> = { LC_ALL: 'C', TERM: 'dumb' };
  if (!host.PYTHONPYCACHEPREFIX) {
    environment.PYTHONPYCACHEPREFIX = cacheDirectory('gdb-python');
    environment.PYTHONDONTWRITEBYTECODE = null; // writes into our own cache only
  }
  return environment;
}

/** `host` with gdbEnvironment's changes. */
export function withGdbEnvironment(host: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...host };
  for (const [name, value] of Object.entries(gdbEnvironment(host))) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface GdbProcessOptions {
  /** Resolved gdb executable. */
  path: string;
  cwd?: string;
  /** Wraps gdb's command line, e.g. in a process-tree keeper; the wrapper must pass stdio through. */
  wrap?: (file: string, args: string[]) => { file: string; args: string[] };
}

export function spawnGdbProcess(options: GdbProcessOptions): ChildProcessWithoutNullStreams {
  const command = (options.wrap ?? ((file, args) => ({ file, args })))(options.path, ['--interpreter=mi3', '-q', '-nx']);
  return spawn(command.file, command.args, {
    cwd: options.cwd, shell: false, stdio: ['pipe', 'pipe', 'pipe'],
    env: withGdbEnvironment(),
  });
}

/** Whether a process (and its pipes) keeps node running: off for a gdb started ahead of any use. */
export function holdEventLoop(child: ChildProcessWithoutNullStreams, on: boolean): void {
  // The pipes are sockets (typed as plain streams); each one holds the event loop by itself.
  const handles = [child, child.stdin, child.stdout, child.stderr] as unknown as Array<{ ref(): void; unref(): void }>;
  for (const handle of handles) {
    if (on) handle.ref();
    else handle.unref();
  }
}

// The entry and the adapter are two bundles, two module graphs: the process goes from one to the other
// through a global. Output gdb writes meanwhile waits in the pipe until the adapter reads it.
const HANDOVER = Symbol.for('syscall-lens.debug-adapter.gdb');
type Handover = { path: string; child: ChildProcessWithoutNullStreams };

export function handOverGdbProcess(path: string, child: ChildProcessWithoutNullStreams): void {
  (globalThis as Record<symbol, Handover | undefined>)[HANDOVER] = { path, child };
}

/** The gdb handed over by the entry, if it was started from `path`; any other is ended. */
export function takeGdbProcess(path: string): ChildProcessWithoutNullStreams | undefined {
  const store = globalThis as Record<symbol, Handover | undefined>;
  const handed = store[HANDOVER];
  store[HANDOVER] = undefined;
  if (!handed) return undefined;
  if (handed.path === path) return handed.child;
  handed.child.kill('SIGTERM');
  return undefined;
}
