// Resource limits on a child program. Node cannot set rlimits on what it spawns, so the program is
// started through util-linux's `prlimit`, which sets the limits on itself and then execs the program
// (same process, same process group: a timeout still ends the whole tree).
import { findExecutable } from './tools';

export interface ResourceLimits {
  /** RLIMIT_AS: allocations beyond it fail (nasm then reports "out of memory" and stops). */
  addressSpaceBytes?: number;
  /** RLIMIT_FSIZE: writing a file beyond it kills the program with SIGXFSZ (a listing that never ends). */
  fileSizeBytes?: number;
}

export interface LimitedCommand {
  file: string;
  args: string[];
  /** The limits are in force (false: prlimit is not installed, the program runs unlimited). */
  limited: boolean;
}

let prlimitPath: string | null | undefined;

/** prlimit on the PATH, looked up once per process. */
function prlimit(): string | undefined {
  if (prlimitPath === undefined) prlimitPath = findExecutable('prlimit') ?? null;
  return prlimitPath ?? undefined;
}

/** The command that runs `file args` under `limits`: through prlimit when it is installed, else as it is. */
export function limitedCommand(file: string, args: readonly string[], limits: ResourceLimits, prlimitProgram: string | null = prlimit() ?? null): LimitedCommand {
  const flags: string[] = [];
  // soft:hard both set, so the program cannot raise its own limit back.
  const flag = (name: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value) && value > 0) flags.push(`--${name}=${Math.floor(value)}:${Math.floor(value)}`);
  };
  flag('as', limits.addressSpaceBytes);
  flag('fsize', limits.fileSizeBytes);
  if (flags.length === 0 || !prlimitProgram) return { file, args: [...args], limited: false };
  return { file: prlimitProgram, args: [...flags, '--', file, ...args], limited: true };
}

/** Signals that end a program whose allocation failed without it noticing (a stack or heap it could not grow). */
const ALLOCATION_FAILURE_SIGNALS: ReadonlySet<string> = new Set(['SIGSEGV', 'SIGBUS', 'SIGABRT']);

/**
 * Which limit, if any, stopped a limited program that ended with `signal` and `stderr`: the file size
 * limit kills with SIGXFSZ; an allocation refused under the address-space limit shows as the program's
 * own out-of-memory message (nasm: "out of memory!") or as a crash.
 */
export function limitThatStopped(run: { signal: string | null; stderr: string }, command: LimitedCommand): 'memory' | 'file-size' | undefined {
  if (!command.limited) return undefined;
  if (run.signal === 'SIGXFSZ') return 'file-size';
  if (/out of memory|cannot allocate memory/i.test(run.stderr) || (run.signal && ALLOCATION_FAILURE_SIGNALS.has(run.signal))) return 'memory';
  return undefined;
}
