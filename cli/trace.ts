// `syscall-lens trace`: build, trace and print each syscall beside the source line that made it.
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveBuildOptions } from '../toolchain/options';
import { ToolNotFoundError } from '../toolchain/tools';
import { answerUsage, type Subcommand } from './subcommand';
import { formatEvent, type TraceEvent } from '../trace/events';
import { toJsonLine } from '../trace/model/jsonl';
import { formatOrigins, formatSummaryTable, TraceModel } from '../trace/model/model';
import { errnoByName } from '../syscalls';
import { manPageErrorReasons } from '../syscalls/manpage';
import { TraceError } from '../trace/capture/runner';
import { TraceSession } from '../trace/session';
import { describeUnlisted } from '../trace/relisting';

/** strace's own default for `-s`: the text output cuts strings where plain strace would. */
const TEXT_STRING_LIMIT = 32;

export const TRACE_HELP = `Usage: syscall-lens trace [--json | --summary] [-I DIR]... [--build-dir DIR] [--stdin FILE] [--syscalls LIST] [--stacks | --no-stacks] [--] FILE [ARGS...]

Builds FILE when it is a source (.asm/.nasm with nasm and ld, .c with gcc, always with debug
info; a Cargo project's .rs with cargo build --offline), runs it under strace and prints every
syscall beside the source line that made it:

  hello.asm:9    write(1, "Hello, world!\\n", 14) = 14

The program's own output goes to stderr, so stdout carries only the trace. After it, each
failed call is explained: its errno and the reason the local man page (section 2) gives. Strings are cut to
${TEXT_STRING_LIMIT} bytes as strace's -s does; --json keeps what strace printed (up to 256 bytes).

Options:
  --json       one JSON object per line: type, seq, pid, time, duration, name, args, argPaths,
               result, resultPath, errno, signal, ip, file, line, macroLine, macroFile,
               procedureLine, procedureFile (the syscall line of a small wrapper procedure that
               line called), origin, via, credit (address, stack, call-site or none),
               creditFunction, creditModule, creditReason (null or [] when unknown)
  --summary    print a strace -c style table (calls, errors, time per syscall) and the calls
               per origin (loading, libc start-up, language runtime, your code, exit) instead
  -I DIR       an extra %include directory for nasm (repeatable; FILE's own folder comes first)
  --build-dir DIR
               where to put the program, object and listing (default: a private cache folder);
               relative folders are relative to the current directory
  --stdin FILE the program reads FILE as its standard input (opened by syscall-lens, no shell);
               without it the program reads this command's stdin
  --syscalls LIST
               trace only these syscalls (comma-separated names, e.g. write,openat); the others
               run unseen, which makes crediting a C or Rust program's calls to your lines (strace
               -k stacks, costly for every call) cheap for the few you chose
  --stacks     unwind every call with strace -k: each call made inside libc is credited to your
               line, at about 16 times the cost of plain strace on a libc program. The default for
               a C or Rust program built with debug lines
  --no-stacks  never unwind, at about the cost of plain strace: a call made inside a libc function
               your code calls from one place only, and that libc itself never calls, or inside
               a NASM wrapper procedure called from one line only, is still credited to that
               call (shown as "line (call site)"); the others show [in FUNCTION] (or the
               wrapper's line) and the reason is summed up at the end
  -h, --help   show this help

Exit status: 0 when the trace worked (whatever the program's own exit status, which is reported
on stderr), 1 when tracing failed (build error, strace missing, ptrace not permitted), 2 for
wrong usage, 128+N when ended by signal N (SIGINT, SIGTERM, SIGHUP; SIGPIPE when the reader of
stdout went away). The traced program and everything it started end with the trace.`;

interface Options {
  json: boolean;
  summary: boolean;
  includePaths: string[];
  buildDirectory?: string;
  stdin?: string;
  syscalls?: string[];
  stacks?: boolean;
  file: string;
  args: string[];
}

function parseOptions(argv: string[]): Options | string {
  const options: Omit<Options, 'file' | 'args'> = { json: false, summary: false, includePaths: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') { i++; break; }
    const attached = /^(-I|--build-dir=|--stdin=|--syscalls=)(.+)$/.exec(arg);
    const valued = arg === '-I' || arg === '--build-dir' || arg === '--stdin' || arg === '--syscalls';
    const value = attached ? attached[2]! : valued ? argv[++i] : undefined;
    if (attached || valued) {
      if (value === undefined) return `${arg} needs a ${arg === '--stdin' ? 'file' : arg === '--syscalls' ? 'list of syscall names' : 'folder'}`;
      if (arg.startsWith('-I')) options.includePaths.push(value);
      else if (arg.startsWith('--stdin')) options.stdin = value;
      else if (arg.startsWith('--syscalls')) options.syscalls = [...(options.syscalls ?? []), ...value.split(',').map((n) => n.trim()).filter(Boolean)];
      else options.buildDirectory = value;
    } else if (arg === '--json') options.json = true;
    else if (arg === '--summary') options.summary = true;
    else if (arg === '--stacks' || arg === '--no-stacks') {
      if (options.stacks !== undefined && options.stacks !== (arg === '--stacks')) return '--stacks and --no-stacks do not combine';
      options.stacks = arg === '--stacks';
    }
    else if (arg === '-h' || arg === '--help') return 'help';
    else if (arg.startsWith('-')) return `unknown option "${arg}"`;
    else break;
  }
  if (options.json && options.summary) return '--json and --summary do not combine (--json prints every call, --summary only totals)';
  const [file, ...args] = argv.slice(i);
  if (!file) return 'missing FILE';
  return { ...options, file, args };
}

/** A path relative to `cwd` when it is inside it. */
function shownPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') ? relative : file;
}

function locationColumn(event: TraceEvent, cwd: string): string {
  const where = event.location;
  // No line of the user's: say where the call comes from instead (`[loader]`, `[exit]`).
  if (!where) {
    if (event.origin) return `[${event.origin}]`;
    return event.credit?.function ? `[in ${event.credit.function}]` : '-';
  }
  const macro = where.macroLine === undefined ? ''
    : ` (macro ${where.macroFile && where.macroFile !== where.file ? `${shownPath(where.macroFile, cwd)}:` : 'line '}${where.macroLine})`;
  // A call made through a small wrapper procedure: its syscall line as detail.
  const wrapper = where.procedureLine === undefined ? ''
    : ` (wrapper ${where.procedureFile && where.procedureFile !== where.file ? `${shownPath(where.procedureFile, cwd)}:` : 'line '}${where.procedureLine})`;
  const bySite = event.credit?.method === 'call-site' ? ' (call site)' : event.credit?.method === 'previous-call' ? ' (as the call before)' : '';
  return `${shownPath(where.file, cwd)}:${where.line}${macro}${wrapper}${bySite}`;
}

/**
 * One event as a line of the text output: where it comes from, the pid when it is not the program's
 * first process, and the call. strace's own messages belong to no process (pid 0): no pid is shown.
 */
export function textLine(event: TraceEvent, rootPid: number | undefined, cwd: string): string {
  const pid = event.pid !== rootPid && event.pid !== 0 ? `[pid ${event.pid}] ` : '';
  const text = formatEvent(event, { stringLimit: TEXT_STRING_LIMIT });
  // A notice is strace's text (or a program's name in it): never raw control characters on a terminal.
  return `${locationColumn(event, cwd).padEnd(14)} ${pid}${event.kind === 'notice' ? escapeControlCharacters(text) : text}\n`;
}

/** How many calls each method credited, and why the others have no line (for the closing note). */
class CreditTally {
  private readonly byMethod = new Map<string, number>();
  private readonly reasons = new Map<string, number>();
  /** The syscalls made inside a library that have no line: the ones worth unwinding. */
  private readonly unlinedSyscalls = new Set<string>();
  /** Calls of the program's own code that has no debug lines: no stack would give them one. */
  private ownWithoutLines = 0;
  private ownReason = '';

  count(event: TraceEvent): void {
    if (event.kind !== 'syscall' || !event.credit) return;
    const { method, reason } = event.credit;
    this.byMethod.set(method, (this.byMethod.get(method) ?? 0) + 1);
    if (method !== 'none' || !reason) return;
    if (event.origin === 'user') {
      this.ownWithoutLines++;
      this.ownReason = reason;
      return;
    }
    // The loader's calls never had a line of the user's: no stack would change that.
    if (event.origin === 'loader') return;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    if (event.credit.function) this.unlinedSyscalls.add(event.name);
  }

  /**
   * `syscall-lens: 2 calls of your code have no line: …` (a program built without debug lines), then
   * `syscall-lens: 50,000 calls credited by their call site (no stacks), …` ('' with stacks).
   */
  describe(stackTraces: boolean): string {
    const own = this.ownWithoutLines > 0
      ? `syscall-lens: ${this.ownWithoutLines.toLocaleString('en-US')} call${this.ownWithoutLines === 1 ? '' : 's'} of your code ha${this.ownWithoutLines === 1 ? 's' : 've'} no line: ${this.ownReason}\n`
      : '';
    return own + this.describeUnlined(stackTraces);
  }

  private describeUnlined(stackTraces: boolean): string {
    const bySite = this.byMethod.get('call-site') ?? 0;
    if (stackTraces || (bySite === 0 && this.reasons.size === 0)) return '';
    const unlined = [...this.reasons.values()].reduce((a, b) => a + b, 0);
    const top = [...this.reasons].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([reason, n]) => `${reason} (${n.toLocaleString('en-US')})`);
    let text = `syscall-lens: traced without stacks; ${bySite.toLocaleString('en-US')} call${bySite === 1 ? '' : 's'} credited by their one call site`;
    if (unlined > 0) {
      const names = [...this.unlinedSyscalls].sort();
      text += `; ${unlined.toLocaleString('en-US')} made inside a library have no line: ${top.join('; ')}${this.reasons.size > 3 ? '; and others' : ''}. --stacks credits every call exactly (strace -k, slower)`;
      // A filter unwinds only the chosen calls: cheap when those are few.
      if (names.length > 0) text += `, --syscalls ${names.join(',')} only those`;
    }
    return text + '\n';
  }
}

/** Why the trace ended early: a signal to us, or the reader of our stdout going away. */
type Interruption = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGPIPE';

export const traceCommand: Subcommand = {
  async run(argv) {
    const options = parseOptions(argv);
    const usage = answerUsage('trace', TRACE_HELP, options);
    if (usage !== undefined || typeof options === 'string') return usage ?? 2;
    const cwd = process.cwd();
    const out = new TraceOutput();
    const diagnostics = new StderrOutput();
    let rootPid: number | undefined;
    const credits = new CreditTally();
    const print = (event: TraceEvent) => {
      if (event.kind === 'syscall' && event.inProgress) return;
      credits.count(event);
      if (options.summary) return;
      rootPid ??= event.pid;
      if (options.json) return out.write(toJsonLine(event) + '\n');
      out.write(textLine(event, rootPid, cwd));
    };
    let session: TraceSession | undefined;
    let interruption: Interruption | undefined;
    const interrupt = (why: Interruption) => {
      interruption ??= why;
      session?.stop();
    };
    out.onClosed = () => interrupt('SIGPIPE');
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const handlers = signals.map((signal) => [signal, () => interrupt(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    try {
      // Relative folders are relative to where the command runs, as for any command-line tool.
      const build = resolveBuildOptions({ includePaths: options.includePaths, buildDirectory: options.buildDirectory }, cwd, options.file);
      session = await TraceSession.start({
        file: options.file, args: options.args, cwd, stdio: 'output', workspaceRoots: [cwd], ...build,
        ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
        ...(options.syscalls !== undefined ? { syscalls: options.syscalls } : {}),
        // Aggregates only: memory stays bounded however many calls the program makes.
        model: new TraceModel({ keepEvents: false }),
        ...(options.stacks !== undefined ? { stackTraces: options.stacks } : {}),
        onEvent: print,
        onProgramStderr: (text) => diagnostics.write(text),
      });
      if (interruption) session.stop();
      // The build's warnings (ld: cannot find entry symbol _start) explain what the trace then shows.
      for (const message of session.target.build?.messages ?? []) {
        if (message.severity !== 'warning') continue;
        const where = message.file ? `${path.relative(cwd, message.file) || message.file}${message.line ? `:${message.line}` : ''}: ` : '';
        diagnostics.write(`syscall-lens: ${where}warning: ${message.message.replace(/^warning:\s*/i, '')}\n`);
      }
      for (const { source, reason } of session.unlistedSources) {
        diagnostics.write(`syscall-lens: ${describeUnlisted(path.relative(cwd, source) || source, reason)}\n`);
      }
      // The program's output goes to stderr, so that stdout is the trace alone.
      session.child.stdout?.on('data', (chunk: Buffer) => diagnostics.write(chunk));
      const result = await session.done;
      out.flush();
      // Interrupted, --summary still prints what was traced, as strace -c does.
      if (options.summary && (interruption === undefined || interruption === 'SIGINT' || interruption === 'SIGTERM')) {
        const stats = result.model.summary();
        const origins = formatOrigins(result.model.origins, stats.reduce((n, s) => n + s.calls, 0));
        out.write(formatSummaryTable(stats) + '\n' + (origins ? origins + '\n' : ''));
      }
      if (interruption) {
        out.flush();
        return 128 + os.constants.signals[interruption];
      }
      if (!options.json) out.write(await explainFailures(result.model.failures));
      out.flush();
      if (!options.json) diagnostics.write(credits.describe(result.stackTraces));
      const exit = result.programExit;
      const status = result.stopped ? 'stopped'
        : exit?.killedBy ? `killed by ${exit.killedBy}${exit.coreDumped ? ' (core dumped)' : ''}`
        : exit ? `exited with ${exit.exitCode}` : result.straceDeath ? `ended: ${result.straceDeath}` : 'ended without an exit status';
      diagnostics.write(`syscall-lens: ${path.basename(result.target.program)} ${status}` +
        (result.unparsedCount ? ` (${result.unparsedCount} strace lines not understood)` : '') + '\n');
      // strace dying under the program is a trace that failed, whatever was printed until then.
      return result.straceDeath ? 1 : 0;
    } catch (error) {
      if (error instanceof TraceError || error instanceof ToolNotFoundError) {
        if (interruption) return 128 + os.constants.signals[interruption];
        diagnostics.write(`syscall-lens trace: ${error.message}\n`);
        // A name that is no syscall is wrong usage, like any other bad option.
        return error instanceof TraceError && error.reason === 'unknown-syscall' ? 2 : 1;
      }
      throw error;
    } finally {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    }
  },
};

/**
 * `open → ENOENT ×2 (No such file or directory): <the reason open(2)'s ERRORS section gives>`, one
 * line per syscall and errno, reasons read from the local man pages (nothing when none failed).
 */
async function explainFailures(failures: ReadonlyMap<string, ReadonlyMap<string, number>>): Promise<string> {
  const lines: string[] = [];
  for (const [name, byErrno] of failures) {
    const reasons = await manPageErrorReasons(name);
    for (const [errno, count] of byErrno) {
      const message = errnoByName(errno)?.message;
      const reason = reasons?.get(errno);
      const more = reason && reason.length > 1 ? ` (or ${reason.length - 1} other reason${reason.length > 2 ? 's' : ''} in man 2 ${name})` : '';
      lines.push(`  ${name} → ${errno}${count > 1 ? ` ×${count}` : ''}${message ? ` (${message})` : ''}${reason ? `: ${reason[0]}${more}` : ''}`);
    }
  }
  return lines.length ? `failed calls:\n${lines.join('\n')}\n` : '';
}

/** `\x1b` instead of the byte itself, for every C0 control character but tab, and DEL. */
export function escapeControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * The trace on stdout, written in blocks (one write per call would cost more than the tracing). When
 * the reader goes away (`| head -1`: EPIPE), `onClosed` runs once and the rest is dropped quietly.
 */
class TraceOutput {
  onClosed: (() => void) | undefined;
  private pending = '';
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    process.stdout.on('error', () => this.close());
  }

  write(text: string): void {
    if (this.closed) return;
    this.pending += text;
    if (this.pending.length >= 1 << 16) this.flush();
    // A quiet trace still shows its last lines at once.
    else this.timer ??= setTimeout(() => this.flush(), 50);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || !this.pending) return;
    const text = this.pending;
    this.pending = '';
    try {
      process.stdout.write(text);
    } catch {
      this.close();
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = '';
    this.onClosed?.();
  }
}

/** Our stderr (the program's output and our messages); a closed terminal (SIGHUP) is no error. */
class StderrOutput {
  private closed = false;

  constructor() {
    process.stderr.on('error', () => { this.closed = true; });
  }

  write(text: string | Buffer): void {
    if (!this.closed) process.stderr.write(text);
  }
}
