// Typed events produced by the strace parser and enriched by the source mapper.

/** One frame of a `-k` stack trace: ` > /path/module(symbol+0x1b) [0x101b]`. */
export interface StackFrame {
  module: string;
  symbol?: string;
  /** Offset from `symbol` when strace printed one. */
  symbolOffset?: number;
  /** The bracketed number: a file offset (libunwind strace) or a module address (libdw strace). */
  address: number;
  /** `file:line` that a libdw strace printed after the frame (`-kk`). */
  sourceHint?: string;
}

/** Where in the user's source an event came from. */
export interface SourceLocation {
  file: string;
  /** 1-based line of the statement that made the call (the macro invocation for macro-expanded code). */
  line: number;
  /** 1-based line inside the `%macro` body, when the instruction came from a macro. */
  macroLine?: number;
  macroFile?: string;
  /**
   * When `line` is a `call` of a small wrapper procedure that made the syscall: the line of that
   * `syscall` inside the procedure, and its file.
   */
  procedureLine?: number;
  procedureFile?: string;
}

export interface SyscallArgument {
  /** The argument as a reader wants it: strace's symbolic form (`O_RDONLY|O_CLOEXEC`, `"hi\n"`, `3`). */
  text: string;
  /** The raw number when `-X verbose` printed one beside the symbolic form (`0x80000`). */
  raw?: string;
  /** The path strace's `-y` printed for a file descriptor (`3</etc/passwd>`). */
  fdPath?: string;
  /** The argument name printed by `strace -N` / `--argument-names`. */
  name?: string;
}

/**
 * Where a call comes from, read off its stack: `loader` (execve and the dynamic loader), `startup`
 * (libc's start-up code, before main), `runtime` (a language runtime's own code, e.g. Rust's std),
 * `user` (the program's own source), `exit` (libc's exit(3): atexit handlers, flushing stdio).
 */
export type CallOrigin = 'loader' | 'startup' | 'runtime' | 'user' | 'exit';

/**
 * How a call was joined to its line, or why it was not:
 * `address` — the syscall instruction is in the program's own code, whose debug info names the line;
 * `stack` — a -k stack led from the call to the user's frame;
 * `call-site` — made inside a library function (libc's getppid) that the program calls from exactly
 *   one place and nothing else reaches: credited to that call without a stack;
 * `previous-call` — libc's clone3, whose unwind records end before its syscall (a one-frame stack):
 *   credited as the same thread's call just before it when that one was made inside a library
 *   function the user's line called (pthread_create's rt_sigprocmask, system()'s rt_sigaction);
 * `none` — no line: the reason says why (libc itself also calls write, …); only -k stacks tell those apart.
 */
export interface CallCredit {
  method: 'address' | 'stack' | 'call-site' | 'previous-call' | 'none';
  /** The library function whose syscall instruction made the call, and its binary (`getppid`, `libc.so.6`). */
  function?: string;
  module?: string;
  reason?: string;
}

/** How a call got its line, or why it has none, as one sentence (the panel's detail line). */
export function describeCredit(credit: CallCredit | undefined, origin?: CallOrigin): string | undefined {
  switch (credit?.method) {
    case undefined: return undefined;
    case 'address': return 'credited by address: its syscall instruction is on this line';
    case 'stack': return 'credited by its -k stack';
    case 'call-site': return `credited without a stack: ${credit.function} (${credit.module}) is called from this line only, and nothing else calls it`;
    case 'previous-call': return `credited as this thread's call just before it, made inside a library function this line called: ${credit.function ?? 'clone3'} (${credit.module ?? 'libc'}) cannot be unwound past its syscall`;
    case 'none': {
      const made = credit.function ? `made inside ${credit.function} (${credit.module}); ` : '';
      // The loader's calls never have a line of the user's, however they are traced.
      const hint = origin === 'loader' || !credit.function ? '' : '; a trace with stacks (-k) credits such calls exactly';
      return `no line: ${made}${credit.reason ?? 'no frame is in your code'}${hint}`;
    }
  }
}

interface EventBase {
  /** 1-based order of appearance in the trace; stable across in-progress → complete updates. */
  seq: number;
  /** 0 when strace printed no pid (a single-process trace without -f). */
  pid: number;
  /** Seconds since the epoch (-ttt) or since midnight (-t/-tt); undefined without timestamps. */
  time?: number;
  /** The instruction pointer strace printed with -i; undefined for `[????????????????]` or without -i. */
  ip?: number;
  stack: StackFrame[];
  location?: SourceLocation;
  origin?: CallOrigin;
  /**
   * The library frames between the user's line and the call, outermost first
   * (`std::io::stdio::_print`, …, `__write`), when the user's line is not the innermost frame.
   */
  via?: string[];
  credit?: CallCredit;
}

export interface SyscallEvent extends EventBase {
  kind: 'syscall';
  name: string;
  /** The parser's calls split these from their text when first read (a getter: copy with `args: event.args`). */
  args: SyscallArgument[];
  /** The result as printed (`-1`, `0x7f…`, `?`); undefined while the call is in progress. */
  result?: string;
  /** The numeric result, when it is a number. */
  returnValue?: number;
  /** The path `-y` printed beside a returned descriptor. */
  resultPath?: string;
  errno?: string;
  errnoMessage?: string;
  /** Extra text after the result: `(INJECTED)`, `(Timeout)`, `(flags FD_CLOEXEC)`. */
  annotations: string[];
  /** Seconds spent in the call (-T). */
  duration?: number;
  /** The call has not returned yet (an `<unfinished ...>` or a partial line at the end of the stream). */
  inProgress: boolean;
  /** The ABI strace reported for this call (the personality notice switches it). */
  abi: 'x86_64' | 'i386';
  /**
   * Beside each argument that is a descriptor, the seq of the call that created it (0: inherited
   * 0/1/2; undefined: not a descriptor or not known). Set by FdTracker.
   */
  fdOrigins?: (number | undefined)[];
}

export interface SignalEvent extends EventBase {
  kind: 'signal';
  signal: string;
  /** The siginfo text inside the braces, or the whole description (`stopped by SIGSTOP`). */
  details: string;
}

export interface ExitEvent extends EventBase {
  kind: 'exit';
  exitCode?: number;
  killedBy?: string;
  coreDumped: boolean;
}

/** strace's own messages and notices (`strace: Process 5274 attached`, personality changes). */
export interface NoticeEvent extends EventBase {
  kind: 'notice';
  text: string;
}

export type TraceEvent = SyscallEvent | SignalEvent | ExitEvent | NoticeEvent;

export interface FormatOptions {
  /** Cut quoted strings to this many bytes, as strace's `-s` does (`"abc"...`). */
  stringLimit?: number;
}

/**
 * Cuts a quoted strace string to `limit` bytes. strace prints every byte that is not printable ASCII
 * as an escape (`\n`, `\x7f`, `\177`), so each character or escape is one byte.
 */
export function cutQuotedString(text: string, limit: number): string {
  if (text.charCodeAt(0) !== 34 /* " */) return text;
  let bytes = 0;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return text;
    if (bytes === limit) return `${text.slice(0, i)}"...`;
    if (c === '\\') {
      const escape = /^\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/.exec(text.slice(i, i + 4));
      i += (escape?.[0].length ?? 1) - 1;
    }
    bytes++;
  }
  return text;
}

/** Display form of a call: `write(1, "hi\n", 3) = 3`. */
export function formatSyscallLine(event: SyscallEvent, options: FormatOptions = {}): string {
  const limit = options.stringLimit;
  const shown = (a: SyscallArgument) => (limit === undefined ? a.text : cutQuotedString(a.text, limit));
  const args = event.args.map((a) => (a.name ? `${a.name}=${shown(a)}` : shown(a))).join(', ');
  if (event.inProgress) return `${event.name}(${args} …`;
  let result = ` = ${event.result ?? '?'}`;
  if (event.errno) result += ` ${event.errno}${event.errnoMessage ? ` (${event.errnoMessage})` : ''}`;
  for (const note of event.annotations) result += ` ${note}`;
  return `${event.name}(${args})${result}`;
}

/** Display form of any event, without pid/time/location. */
export function formatEvent(event: TraceEvent, options: FormatOptions = {}): string {
  switch (event.kind) {
    case 'syscall': return formatSyscallLine(event, options);
    case 'signal': return `--- ${event.signal} ${event.details} ---`;
    case 'exit': return event.killedBy
      ? `+++ killed by ${event.killedBy}${event.coreDumped ? ' (core dumped)' : ''} +++`
      : `+++ exited with ${event.exitCode} +++`;
    case 'notice': return event.text;
  }
}
