/** Linux signal numbers on x86 (asm/signal.h); 32..64 are the real-time signals. */
const SIGNALS: ReadonlyArray<string | undefined> = [
  undefined, 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];
const SIGRTMIN = 32;
const SIGRTMAX = 64;
const ALIASES: Record<string, number> = { SIGIOT: 6, SIGPOLL: 29, SIGLOST: 29, SIGUNUSED: 31, SIGCLD: 17 };

/** 9 → 'SIGKILL', 34 → 'SIGRT_2' (as strace names real-time signals, counting from the kernel's 32). */
export function signalName(n: number): string | undefined {
  if (!Number.isInteger(n)) return undefined;
  if (n >= SIGRTMIN && n <= SIGRTMAX) return n === SIGRTMIN ? 'SIGRTMIN' : `SIGRT_${n - SIGRTMIN}`;
  return SIGNALS[n];
}

/** 'SIGKILL', 'KILL', 'sigkill', 'SIGRT_2', 'SIGRTMIN+2' or 'SIGRTMAX' → the number. */
export function signalNumber(name: string): number | undefined {
  let upper = name.trim().toUpperCase();
  if (!upper.startsWith('SIG')) upper = `SIG${upper}`;
  const numbered = upper.match(/^SIGRT_(\d+)$/);
  if (numbered) upper = `SIGRTMIN+${numbered[1]}`;
  const realtime = upper.match(/^SIGRT(MIN|MAX)(?:([+-])(\d+))?$/);
  if (realtime) {
    const base = realtime[1] === 'MIN' ? SIGRTMIN : SIGRTMAX;
    const offset = realtime[3] ? Number(realtime[3]) * (realtime[2] === '-' ? -1 : 1) : 0;
    const n = base + offset;
    return n >= SIGRTMIN && n <= SIGRTMAX ? n : undefined;
  }
  const index = SIGNALS.indexOf(upper);
  return index > 0 ? index : ALIASES[upper];
}

/** Every named signal 1..31 with its number, for completions. */
export function standardSignals(): Array<{ name: string; value: number }> {
  return SIGNALS.flatMap((name, value) => (name ? [{ name, value }] : []));
}
