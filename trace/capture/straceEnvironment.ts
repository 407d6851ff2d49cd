// The variables strace itself runs with beyond the environment the program is given: what makes
// strace cheaper without changing a character of what it writes. The program never sees them (the
// supervisor starts the program with its own environment; strace started alone is told to unset them).
import { existsSync } from 'node:fs';
import { preloadWith } from './unwindCache';

/** The system time zone file, read when TZ is unset (tzset(3)). */
const SYSTEM_TIME_ZONE = '/etc/localtime';

export interface StraceEnvironment {
  /** Set for strace (and for strace alone). */
  set: Record<string, string>;
  /** Of those, the variables the program must not inherit when strace starts it (strace's `-E NAME`). */
  unsetForProgram: string[];
}

/**
 * With TZ unset, glibc checks /etc/localtime (two newfstatat) at every local-time conversion, and
 * strace converts a time for every line it writes: on a loop of getppid, 400 000 of its 2.4 million
 * system calls, 5–8 % of its CPU time in the bench. TZ naming the same file (`:` and a path, tzset(3))
 * gives the same local times and is read once. A user's own TZ is left as it is; without the file
 * (some containers) TZ stays unset, since `:` with a missing file names no zone at all.
 *
 * `preload`, the unwind cache (unwindCache.ts), goes first in LD_PRELOAD; the library takes itself
 * out of LD_PRELOAD as it loads, so a program strace starts inherits the user's LD_PRELOAD as it was.
 */
export function straceEnvironment(env: NodeJS.ProcessEnv, preload?: string, timeZoneFile = SYSTEM_TIME_ZONE): StraceEnvironment {
  const set: Record<string, string> = {};
  const unsetForProgram: string[] = [];
  if (preload) set.LD_PRELOAD = preloadWith(preload, env.LD_PRELOAD);
  if (env.TZ === undefined && existsSync(timeZoneFile)) {
    set.TZ = `:${timeZoneFile}`;
    unsetForProgram.push('TZ');
  }
  return { set, unsetForProgram };
}
