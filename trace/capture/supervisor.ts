// The supervisor (supervisor.py, shipped beside the bundles in dist/) holds the traced program's
// whole process tree: it starts the program stopped, lets strace attach, relays a pseudo-terminal
// when asked, and kills everything that is left when strace ends, when told to stop, or when we die
// (even by SIGKILL). Node has no pty, subreaper or parent-death API, hence python3.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pythonInterpreter } from '../../toolchain/python';
import { assignments } from '../../toolchain/commandLog';

/** In the bundle __dirname is dist/ (scripts/build.mjs copies the script there); in tests, this folder. */
export const SUPERVISOR_SCRIPT = path.join(__dirname, 'supervisor.py');

/** The descriptor that carries commands to the supervisor (closing it stops the trace). */
export const CONTROL_FD = 3;
/** The descriptor on which strace's own messages arrive, apart from the program's stderr. */
export const STRACE_MESSAGES_FD = 4;

export interface TerminalSize {
  rows: number;
  columns: number;
}

/**
 * python3 runs the supervisor (a real binary, not a pyenv shim that would put its variables into the
 * program's environment); without it strace runs directly and shares the program's stderr.
 */
export function findSupervisorInterpreter(): string | undefined {
  return existsSync(SUPERVISOR_SCRIPT) ? pythonInterpreter() : undefined;
}

/** A terminal's rows and columns as whole numbers of at least 1. */
function dimensions(size: TerminalSize): [string, string] {
  return [String(Math.max(1, Math.floor(size.rows))), String(Math.max(1, Math.floor(size.columns)))];
}

/** The command that resizes the program's terminal. */
export function resizeMessage(size: TerminalSize): string {
  return `resize ${dimensions(size).join(' ')}\n`;
}

export const STOP_MESSAGE = 'stop\n';

/** The supervisor's own line among strace's messages, when strace was killed under the program. */
export function straceDeathOf(line: string): string | undefined {
  return /^supervisor: (strace was killed by \S+; .*)$/.exec(line)?.[1];
}

export interface SupervisorOptions {
  /** Give the program a pseudo-terminal of this size. */
  terminal?: TerminalSize;
  /** Removed by the supervisor if we die before removing it ourselves. */
  captureDirectory?: string;
  /** The descriptor (of the supervisor) the program gets as its stdin, a terminal or not. */
  stdinFd?: number;
  /** Start the program through this exec trampoline (execTrampoline.ts: for strace -k). */
  execThrough?: string;
  /** The file to run, when it is a copy of the program: the program's argv[0] stays its own name. */
  execPath?: string;
  /** Variables for strace alone (straceEnvironment.ts); the program keeps the environment it was given. */
  straceEnv?: Readonly<Record<string, string>>;
}

/** The supervisor's descriptor for a stdin file the caller opened (after CONTROL_FD and STRACE_MESSAGES_FD). */
export const STDIN_FILE_FD = 5;

/**
 * The supervisor's command line. `strace` ends before `-p`, which the supervisor adds; commands are
 * passed as argv, never through a shell.
 */
export function supervisorArguments(strace: readonly string[], program: readonly string[], options: SupervisorOptions = {}): string[] {
  // -I: no PYTHON* variables, no user site or script folder on the path; -S: no site module. The
  // supervisor needs only the standard library, and python starts in 0.06 s of CPU instead of 0.1.
  const args = ['-I', '-S', SUPERVISOR_SCRIPT, '--parent', String(process.pid)];
  if (options.terminal) args.push('--pty', ...dimensions(options.terminal));
  if (options.captureDirectory) args.push('--remove', options.captureDirectory);
  if (options.stdinFd !== undefined) args.push('--stdin-fd', String(options.stdinFd));
  if (options.execThrough) args.push('--exec-through', options.execThrough);
  if (options.execPath) args.push('--exec-path', options.execPath);
  for (const assignment of assignments(options.straceEnv ?? {})) args.push('--strace-env', assignment);
  return [...args, ...strace, '--', ...program];
}
