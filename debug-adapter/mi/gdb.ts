// Owns one gdb process speaking MI: starts it, sends token-keyed commands, routes every record.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { parseRecord, quoteMI, str, type MIRecord, type MITuple } from './parser';
import { holdEventLoop, spawnGdbProcess, type GdbProcessOptions } from './gdbProcess';

export { gdbEnvironment } from './gdbProcess';

/** gdb answered `^error`; `message` is gdb's own text, fit to show a user. */
export class MIError extends Error {
  constructor(readonly command: string, message: string, readonly code?: string) {
    super(message);
    this.name = 'MIError';
  }
}

/** gdb could not be used at all (missing, too old, died). */
export class GdbUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GdbUnavailableError';
  }
}

export type AsyncRecord = Extract<MIRecord, { kind: 'exec' | 'status' | 'notify' }>;

export interface GdbEvents {
  exec: [AsyncRecord];
  notify: [AsyncRecord];
  /** Console (`~`), target (`@`) and log (`&`) stream text. */
  stream: [kind: 'console' | 'target' | 'log', text: string];
  /** Lines that are not MI: output of a program that shares gdb's stdout. */
  unknown: [string];
  exit: [code: number | null, signal: NodeJS.Signals | null];
}

interface Pending {
  command: string;
  resolve(results: MITuple): void;
  reject(error: Error): void;
  /** performance.now() by which gdb must have answered; Infinity: no limit. */
  deadline: number;
  timeoutMs: number;
  /** gdb's log stream while it runs (its error message, before `^error`) is the adapter's, not the user's. */
  quiet?: boolean;
}

export interface GdbOptions extends GdbProcessOptions {
  /** Called with every line sent (`>`) and received (`<`), for `trace: true`. */
  trace?: (direction: '>' | '<', line: string) => void;
  commandTimeoutMs?: number;
  /** false: gdb does not keep this process alive until keepAlive(true) (a gdb started ahead of use). */
  keepAlive?: boolean;
  /** gdb already started with these options (gdbProcess.ts), to take over rather than start another. */
  process?: ChildProcessWithoutNullStreams;
}

/** The oldest gdb with `--interpreter=mi3`. */
const MIN_GDB_MAJOR = 9;

/** Reads `-gdb-version` output; returns why this gdb cannot be used, or undefined when it can. */
export function checkGdbVersion(banner: string): string | undefined {
  const match = /^GNU gdb .*?(\d+)\.(\d+)/m.exec(banner);
  if (!match) return undefined; // a vendor build with another banner: let it try
  if (Number(match[1]) >= MIN_GDB_MAJOR) return undefined;
  return `gdb ${match[1]}.${match[2]} is too old: Syscall Lens needs gdb ${MIN_GDB_MAJOR} or newer (sudo apt-get install gdb).`;
}

export class Gdb extends EventEmitter<GdbEvents> {
  private readonly process: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private nextToken = 1;
  private buffered = '';
  private exited = false;
  private readonly timeoutMs: number;
  private thread = '1';

  private constructor(private readonly options: GdbOptions) {
    super();
    this.timeoutMs = options.commandTimeoutMs ?? 15_000;
    this.process = options.process ?? spawnGdbProcess(options);
    this.process.stdout.setEncoding('utf8');
    this.process.stdout.on('data', (chunk: string) => this.receive(chunk));
    this.process.stderr.setEncoding('utf8');
    this.process.stderr.on('data', (chunk: string) => this.emit('stream', 'log', chunk));
    this.process.stdin.on('error', () => { /* gdb died; 'exit' reports it */ });
    this.process.on('error', (error) => this.finish(null, null, error));
    this.process.on('exit', (code, signal) => this.finish(code, signal));
    // A process started ahead (gdbAhead.ts) may have ended before it was taken over.
    if (this.process.exitCode !== null || this.process.signalCode !== null) {
      queueMicrotask(() => this.finish(this.process.exitCode, this.process.signalCode));
    }
  }

  /**
   * gdb's selected thread: the one that stopped (a breakpoint in a pthread is not thread 1), or one the
   * user chose in the Debug Console. `--frame` needs a `--thread`, and frames count in that thread.
   */
  get selectedThread(): string {
    return this.thread;
  }

  /** Makes `id` gdb's selected thread (the one registers, frames and steps are of). */
  async selectThread(id: string): Promise<void> {
    if (id === this.thread) return;
    await this.send(`-thread-select ${id}`);
    this.thread = id;
  }

  /** The gdb executable this process runs. */
  get path(): string {
    return this.options.path;
  }

  /** Starts gdb, checks its version and applies the settings every session needs. */
  static async start(options: GdbOptions): Promise<Gdb> {
    const gdb = new Gdb(options);
    if (options.keepAlive === false) gdb.keepAlive(false);
    try {
      // gdb answers in order, so the version check and the settings go out together, written before
      // gdb has even started reading, rather than one round trip each.
      const version = gdb.consoleOutput('-gdb-version');
      const settings = Promise.all([
        'mi-async on', 'pagination off', 'confirm off', 'width 0', 'height 0', 'disassembly-flavor intel',
        'print pretty off', 'startup-with-shell off', 'disable-randomization on',
      ].map((setting) => gdb.send(`-gdb-set ${setting}`)));
      // Downloading debug info from the network would stall every launch; not every gdb knows the setting.
      const debuginfod = gdb.send('-gdb-set debuginfod enabled off').catch(() => undefined);
      settings.catch(() => undefined); // a gdb too old for them is reported as too old
      const tooOld = checkGdbVersion(await version);
      if (tooOld) throw new GdbUnavailableError(tooOld);
      await Promise.all([settings, debuginfod]);
    } catch (error) {
      gdb.kill();
      if (error instanceof GdbUnavailableError) throw error;
      throw new GdbUnavailableError(`gdb at "${options.path}" could not be started: ${(error as Error).message}`);
    }
    return gdb;
  }

  get pid(): number | undefined { return this.process.pid; }

  /** Whether gdb keeps this process alive (on by default); off for a gdb started ahead of any use. */
  keepAlive(on: boolean): void {
    holdEventLoop(this.process, on);
  }

  /** Starts or stops logging the MI conversation (`trace: true` in launch.json). */
  setTrace(trace: GdbOptions['trace']): void {
    this.options.trace = trace;
  }
  get running(): boolean { return !this.exited; }

  /** Sends one MI command; resolves with the results of `^done`/`^running`, rejects on `^error`. */
  send(command: string, timeoutMs = this.timeoutMs, quiet = false): Promise<MITuple> {
    if (this.exited) return Promise.reject(new GdbUnavailableError('gdb is no longer running.'));
    const token = this.nextToken++;
    return new Promise<MITuple>((resolve, reject) => {
      const deadline = timeoutMs > 0 ? performance.now() + timeoutMs : Infinity;
      this.pending.set(token, { command, resolve, reject, deadline, quiet, timeoutMs });
      if (deadline < this.watchdogAt) this.armWatchdog(deadline);
      this.options.trace?.('>', `${token}${command}`);
      this.process.stdin.write(`${token}${command}\n`);
    });
  }

  /**
   * One timer watches every command's deadline, instead of a timer set and cleared per command: a
   * step sends a command, and the timer's bookkeeping was on the way to gdb each time. The watchdog
   * stays armed when answers come; when it fires it fails the commands past their deadline and waits
   * for the earliest one left. It does not hold node's event loop: gdb's pipes do while gdb is in use.
   */
  private armWatchdog(at: number): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdogAt = at;
    this.watchdog = setTimeout(() => this.checkDeadlines(), Math.max(0, at - performance.now()));
    this.watchdog.unref();
  }
  private watchdog: NodeJS.Timeout | undefined;
  private watchdogAt = Infinity;

  private checkDeadlines(): void {
    this.watchdog = undefined;
    this.watchdogAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [token, pending] of this.pending) {
      if (pending.deadline <= now) {
        this.pending.delete(token);
        pending.reject(new MIError(pending.command, `gdb did not answer "${pending.command}" within ${pending.timeoutMs / 1000} s.`));
      } else {
        next = Math.min(next, pending.deadline);
      }
    }
    if (next < Infinity) this.armWatchdog(next);
  }

  /** Runs a command and collects the console text it printed (CLI commands through MI). */
  async consoleOutput(command: string, quiet = false): Promise<string> {
    let text = '';
    const collect = (kind: string, chunk: string) => { if (kind === 'console') text += chunk; };
    this.on('stream', collect);
    try {
      await this.send(command, this.timeoutMs, quiet);
    } finally {
      this.off('stream', collect);
    }
    return text;
  }

  /**
   * Runs a CLI command (`catch syscall write`, `info line`) and returns what it printed. `quiet`: a probe
   * of the adapter's, whose failure is an answer, not a message for the Debug Console.
   */
  cli(command: string, { quiet = false } = {}): Promise<string> {
    return this.consoleOutput(`-interpreter-exec console ${quoteMI(command)}`, quiet);
  }

  /** Asks gdb to quit (it kills the program it started); force-kills it if it does not. */
  async exit(graceMs = 2_000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.send('-gdb-exit', graceMs).catch(() => undefined);
    const timer = setTimeout(() => this.kill(), graceMs);
    await gone;
    clearTimeout(timer);
  }

  /** Ends gdb and, under a keeper, its whole tree (SIGTERM); SIGKILL if that does not end it soon. */
  kill(graceMs = 2_000): void {
    if (this.exited) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    this.process.once('exit', () => clearTimeout(timer));
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      if (line.length > 0) this.handle(line);
    }
  }

  private handle(line: string): void {
    this.options.trace?.('<', line);
    const record = parseRecord(line);
    switch (record.kind) {
      case 'result': return this.settle(record);
      case 'exec':
        if (record.asyncClass === 'stopped') this.thread = str(record.results['thread-id']) ?? this.thread;
        this.emit('exec', record);
        return;
      case 'status':
      case 'notify':
        if (record.asyncClass === 'thread-selected') this.thread = str(record.results.id) ?? this.thread;
        this.emit('notify', record);
        return;
      case 'log':
        // gdb answers in order: the oldest command waiting is the one whose messages these are.
        if (this.pending.values().next().value?.quiet) return;
        this.emit('stream', record.kind, record.text);
        return;
      case 'console':
      case 'target': this.emit('stream', record.kind, record.text); return;
      case 'unknown': this.emit('unknown', record.line); return;
      case 'prompt': return;
    }
  }

  private settle(record: Extract<MIRecord, { kind: 'result' }>): void {
    if (record.token === undefined) return;
    const pending = this.pending.get(record.token);
    if (!pending) return;
    this.pending.delete(record.token);
    if (record.resultClass === 'error') {
      pending.reject(new MIError(pending.command, str(record.results.msg) ?? 'gdb reported an error.', str(record.results.code)));
    } else {
      pending.resolve(record.results);
    }
  }

  private finish(code: number | null, signal: NodeJS.Signals | null, error?: Error): void {
    if (this.exited) return;
    this.exited = true;
    const reason = error
      ? new GdbUnavailableError(`gdb could not be started: ${error.message}`)
      : new GdbUnavailableError(`gdb exited${signal ? ` (killed by ${signal})` : code !== null ? ` with code ${code}` : ''}.`);
    for (const pending of this.pending.values()) pending.reject(reason);
    this.pending.clear();
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
    this.emit('exit', code, signal);
  }
}
