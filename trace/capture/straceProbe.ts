// Asks the installed strace what it can do (`strace -V`, `strace --help`), once per binary.
import { statSync } from 'node:fs';
import { runProgram } from '../../toolchain/tools';

export interface StraceCapabilities {
  path: string;
  version: string;
  /** How `-k` frames are produced: libunwind prints file offsets, libdw module addresses. */
  stackTrace?: 'libunwind' | 'libdw';
  /** Options this strace accepts. */
  supports: { stackTraces: boolean; constPrintStyle: boolean; decodeFds: boolean; instructionPointer: boolean; inject: boolean; killOnExit: boolean; seccompBpf: boolean };
}

const cache = new Map<string, { key: string; probed: Promise<StraceCapabilities> }>();

export function probeStrace(stracePath: string): Promise<StraceCapabilities> {
  let key = '';
  try { key = String(statSync(stracePath).mtimeMs); } catch { /* probing reports the problem */ }
  const cached = cache.get(stracePath);
  if (cached && cached.key === key) return cached.probed;
  const probed = (async () => {
    const [version, help] = await Promise.all([
      runProgram(stracePath, ['-V'], { timeoutMs: 10_000 }),
      runProgram(stracePath, ['--help'], { timeoutMs: 10_000 }),
    ]);
    return readCapabilities(stracePath, version.stdout, help.stdout + help.stderr);
  })();
  cache.set(stracePath, { key, probed });
  return probed;
}

export function readCapabilities(stracePath: string, versionText: string, helpText: string): StraceCapabilities {
  const version = /version (\d+(?:\.\d+)*)/.exec(versionText)?.[1] ?? 'unknown';
  const stack = /stack-trace=(libunwind|libdw)/.exec(versionText)?.[1] as StraceCapabilities['stackTrace'];
  const capabilities: StraceCapabilities = {
    path: stracePath,
    version,
    supports: {
      stackTraces: Boolean(stack) && /^\s*-k\b/m.test(helpText),
      constPrintStyle: /-X FORMAT/.test(helpText),
      decodeFds: /^\s*-y\b/m.test(helpText),
      instructionPointer: /^\s*-i\b/m.test(helpText),
      inject: /inject=/.test(helpText),
      killOnExit: /--kill-on-exit/.test(helpText),
      seccompBpf: /--seccomp-bpf/.test(helpText),
    },
  };
  if (stack) capabilities.stackTrace = stack;
  return capabilities;
}

/** Longest string strace prints in full (`-s`) unless the user chose otherwise. */
export const DEFAULT_STRING_LIMIT = 256;

export interface TraceFlags {
  /** Collect `-k` stacks: needed to map calls made inside libc back to the program. */
  stack: boolean;
  stringLimit: number;
  /** `-e inject=NAME:error=ERRNO:when=N`. */
  inject?: { syscall: string; errno: string; when: number };
  /**
   * Trace only these syscalls (`-e trace=`): the others run unseen, and -k unwinds only the chosen
   * ones, which is where its cost lies. execve is always traced: the program's start is read from it.
   */
  syscalls?: string[];
  /**
   * strace starts the program itself (no supervisor): with a filter, --seccomp-bpf lets the other
   * syscalls run without stopping at all. (strace ignores it for a process attached with -p.)
   */
  startsProgram?: boolean;
}

/** strace's options for a trace, limited to what this strace supports. */
export function traceOptions(capabilities: StraceCapabilities, flags: TraceFlags): string[] {
  const options = ['-f', '-ttt', '-T'];
  if (capabilities.supports.instructionPointer) options.push('-i');
  if (capabilities.supports.decodeFds) options.push('-y');
  if (capabilities.supports.constPrintStyle) options.push('-X', 'verbose');
  options.push('-s', String(Math.max(8, Math.floor(flags.stringLimit))));
  if (flags.stack && capabilities.supports.stackTraces) options.push('-k');
  if (capabilities.supports.killOnExit) options.push('--kill-on-exit');
  if (flags.inject) options.push('-e', `inject=${flags.inject.syscall}:error=${flags.inject.errno}:when=${flags.inject.when}`);
  if (flags.syscalls && flags.syscalls.length > 0) {
    options.push('-e', `trace=${[...new Set(['execve', ...flags.syscalls])].join(',')}`);
    if (flags.startsProgram && capabilities.supports.seccompBpf) options.push('--seccomp-bpf');
  }
  return options;
}
