// gdb's process: how it is started, shared by the Gdb class and the adapter's entry (entry.ts), which
// starts gdb before node has even compiled the rest of the adapter and hands the process over.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * gdb's own environment on top of the adapter's: messages in English, no terminal escapes. The program
 * inherits gdb's environment, so exec.restoreProgramEnvironment undoes these for it.
 */
export const GDB_ENVIRONMENT = { LC_ALL: 'C', TERM: 'dumb' } as const;

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
    env: { ...process.env, ...GDB_ENVIRONMENT },
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
