// The debugging engine: one gdb, one program. It runs, steps and stops the program and reports typed
// stop events. It knows nothing of DAP; the session translates.
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { Gdb, type AsyncRecord } from './mi/gdb';
import * as exec from './mi/exec';
import * as data from './mi/data';
import { readMappedMemory, spansOf, type MemoryBlock } from './mappedMemory';
import { catchSyscalls, deleteBreakpoints, insertBreakpoint } from './mi/breakpoint';
import { hasFunction, listFrames, listThreads, selectFrame, symbolAt, type GdbFrame, type GdbThread } from './mi/stack';
import { frameSourceKind, isAssemblySource } from './frames';
import { isNasmSource } from './expressions';
import { libcProgram } from '../trace/map/elf';
import { rustPrettyPrinters } from './rustPrinters';
import { str } from './mi/parser';
import { decodeStopRecord, type StopRecord } from './mi/stop';
import { describeSyscallState, isInterruptedCall, readSyscallState, type SyscallPhase, type SyscallState } from './syscallStop';
import { CALLING_CONVENTIONS, lookupSyscallByName, signalNumber, type Abi } from '../syscalls';
import { KERNEL_ENTRY_LENGTH, kernelEntryAt } from '../x86';
import { LOGPOINT_MARKER } from './logpoints';
import { planStepOut, type StepOutPlan } from './stepOut';
import { keptCommand, pythonHelper } from './keeper';
import { needsLauncher, startThroughLauncher, type ArgvLauncher } from './argvLauncher';
import { leaveSyscallStop, stepOnUnlessAtNextLine, type Outcome, type ResumeKind, type SyscallResumeHost } from './syscallResume';
import { DEFAULT_STEP_BACK_LIMIT, History, type BackKind } from './history';
import { loadPythonFile } from './mi/record';
import { kernelRunsI386, NO_I386_EXPLANATION } from '../toolchain/kernel';

export interface GdbLaunchOptions {
  gdbPath: string;
  cwd?: string;
  trace?: (direction: '>' | '<', line: string) => void;
}

export interface ProgramOptions {
  program: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string | null>;
  /** The terminal device the program uses for stdin, stdout and stderr. */
  tty: string;
}

export type StopReason =
  | 'entry' | 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint'
  | 'step' | 'pause' | 'exception' | 'syscall' | 'goto';

export interface StopEvent {
  reason: StopReason;
  /** One line for the UI: `write(fd=1 (stdout), …)`, `SIGSEGV at 0x0`. */
  description?: string;
  address: bigint;
  /** gdb numbers of the breakpoints that caused the stop. */
  breakpoints: string[];
  syscall?: SyscallState;
  signal?: { name: string; meaning: string; faultAddress?: bigint };
  /** A Rust panic (the panic filter's breakpoint on std's rust_panic). */
  panic?: boolean;
  /** gdb's frame for the stop; for syscall stops the line is that of the syscall instruction. */
  frame: GdbFrame;
}

export interface EngineEvents {
  stopped: [StopEvent];
  exited: [code: number, signal?: string];
  /** gdb went away on its own (killed, crashed). */
  gdbExited: [message: string];
  output: [text: string, category: 'console' | 'stdout' | 'stderr' | 'important'];
}

/** restart_syscall: how the kernel resumes a call cut short whose arguments it kept (nanosleep, poll). */
function isRestartSyscall(abi: Abi, number: number): boolean {
  const restart = lookupSyscallByName(abi, 'restart_syscall');
  return restart.known && restart.syscall.number === number;
}

/** Which syscalls stop the program, per phase; undefined: that phase does not stop. */
export interface SyscallFilter {
  entry: Set<number> | 'all' | undefined;
  return: Set<number> | 'all' | undefined;
}


const KERNEL_ENTRY_BYTES = BigInt(KERNEL_ENTRY_LENGTH);
/** Calls into functions without readable source one Step Into steps over on the same line (printf, then puts). */
const MAX_UNREADABLE_CALLS = 16;
const SYSCALL_STOPS_END_RECORDING = 'Step Back is off: gdb cannot stop at syscalls while it records, and Syscall entry/return stops or Run to Next Syscall are on.';

/** gdb printing a stop's source line from a file that is not there. */
const MISSING_SOURCE_LINE = /^\d+\t[^\n]*: No such file or directory\.\n?$/;

/** How gdb's console says it let a forked process go (followed by ` from child process N]`). */
const DETACHED_CHILD_START = '[Detaching after ';

export class Engine extends EventEmitter<EngineEvents> {
  private state: 'starting' | 'stopped' | 'running' | 'exited' = 'starting';
  private waiter: ((outcome: Outcome) => void) | undefined;
  private pauseRequested = false;
  private inferiorPid: number | undefined;
  private syscallFilter: SyscallFilter = { entry: undefined, return: undefined };
  private lastStop: StopEvent | undefined;
  abi: Abi = 'x86_64';

  private constructor(readonly gdb: Gdb) {
    super();
    gdb.on('exec', (record) => this.onExec(record));
    gdb.on('notify', (record) => this.onNotify(record));
    gdb.on('stream', (kind, text) => this.onStream(kind, text));
    gdb.on('unknown', (line) => this.emit('output', line + '\n', 'stdout'));
    gdb.on('exit', (code, signal) => this.onGdbExit(code, signal));
  }

  /** Starts gdb, ready for a program; or takes over one already `started` (earlyGdb.ts). */
  static async create(options: GdbLaunchOptions, started?: Promise<Gdb>): Promise<Engine> {
    // gdb, the program and whatever it forks live under one keeper: ending gdb ends them all.
    return new Engine(await (started ?? Gdb.start({ path: options.gdbPath, cwd: options.cwd, trace: options.trace, wrap: keptCommand })));
  }

  /** Loads the program and its arguments, directory, environment and terminal; it does not run yet. */
  async load(options: ProgramOptions): Promise<void> {
    const gdb = this.gdb;
    const exact = needsLauncher(options.args);
    // A Rust program's pretty-printers (Vec, String… as values), from its toolchain, as rust-gdb loads
    // them; gdb reads them when it loads the program, and otherwise warns of a missing script.
    const printers = rustPrettyPrinters(options.program);
    if (printers) await Promise.all([gdb.cli(`directory ${printers}`), gdb.cli(`add-auto-load-safe-path ${printers}`)]);
    await Promise.all([
      exec.loadProgram(gdb, options.program),
      exact ? startThroughLauncher(gdb, options.program, options.args).then((launcher) => { this.launcher = launcher; }) : exec.setArguments(gdb, options.args),
      options.cwd ? exec.setWorkingDirectory(gdb, options.cwd) : undefined,
      // gdb answers in order: launch.json's env comes after the adapter's own values are restored.
      exec.restoreProgramEnvironment(gdb),
      ...Object.entries(options.env ?? {}).map(([name, value]) => exec.setEnvironment(gdb, name, value)),
      exec.setInferiorTty(gdb, options.tty),
      hasFunction(gdb, 'main').then((found) => { this.hasMain = found || (libcProgram(options.program)?.hasMain ?? false); }),
    ]);
  }

  /** Starts the program with arguments gdb would split; needed until the program runs. */
  private launcher: ArgvLauncher | undefined;

  /** The program has a `main` (C runtime): stopping "at entry" means at main. */
  hasMain = false;

  get isStopped(): boolean { return this.state === 'stopped'; }
  get isRunning(): boolean { return this.state === 'running'; }
  get currentStop(): StopEvent | undefined { return this.state === 'stopped' ? this.lastStop : undefined; }

  /** Starts the program: stopped at its entry (or main), or running to the first breakpoint. */
  start(stopAtEntry: boolean, hasMain: boolean): void {
    const at = stopAtEntry ? (hasMain ? 'main' : 'entry') : 'none';
    const started = () => this.runCommand(() => exec.run(this.gdb, at)).finally(() => this.launcher?.dispose());
    this.resume(started, async (outcome) => {
      const event = await this.classifyStart(outcome, stopAtEntry);
      if (event) this.planHistory();
      return event;
    });
  }

  /** Instructions kept for Step Back; 0 turns recording off. */
  stepBackLimit = DEFAULT_STEP_BACK_LIMIT;
  /** The recording behind Step Back, from the first stop; undefined with the reason in stepBackOff. */
  history: History | undefined;
  stepBackOff: string | undefined = 'The program has not stopped yet.';
  /**
   * The recording starts with the first resume from the first stop, not at that stop: the program has
   * not moved in between, and starting it (loading record.py, scanning the code) would delay the first
   * stop and the stack and variables shown with it.
   */
  private historyPending = false;

  /** Step Back can be asked for: a recording runs, or starts with the next resume. */
  get canStepBack(): boolean { return this.history !== undefined || this.historyPending; }

  private planHistory(): void {
    // gdb records neither glibc's vector instructions nor 32-bit programs exactly; syscall
    // catchpoints never fire while it records.
    this.stepBackOff = this.stepBackLimit <= 0 ? 'Step Back is off (launch attribute stepBackLimit is 0).'
      : this.hasMain ? 'Step Back works for assembly programs without a C runtime: gdb cannot record the C library.'
        : this.abi !== 'x86_64' ? 'Step Back works for 64-bit programs only.'
          : this.syscallFilter.entry || this.syscallFilter.return ? SYSCALL_STOPS_END_RECORDING
            : undefined;
    this.historyPending = !this.stepBackOff;
  }

  private async startPendingHistory(): Promise<void> {
    if (!this.historyPending) return;
    this.historyPending = false;
    try {
      this.history = await History.start(this.gdb, this.stepBackLimit);
    } catch (error) {
      this.stepBackOff = `Step Back is not available: ${(error as Error).message}`;
      this.emit('output', `${this.stepBackOff}\n`, 'console');
    }
  }

  /** Ends the recording (or the one about to start), with the reason shown in the Debug Console and on Step Back. */
  private async endHistory(reason: string): Promise<void> {
    if (this.historyPending) {
      this.historyPending = false;
      this.stepBackOff = reason;
      this.emit('output', `${reason}\n`, 'console');
      return;
    }
    const history = this.history;
    if (!history) return;
    this.history = undefined;
    this.stepBackOff = reason;
    this.emit('output', `${reason}\n`, 'console');
    await history.stop().catch(() => undefined);
  }

  stepBack(instruction: boolean): void { this.goBack(instruction ? 'instruction' : 'line'); }
  reverseContinue(): void { this.goBack('continue'); }

  private goBack(kind: BackKind): void {
    if (!this.canStepBack) return;
    this.resume(() => {
      const history = this.history; // started by resume() when it was pending
      if (!history) throw new Error(this.stepBackOff ?? 'Step Back is off.');
      return history.back((command) => this.runCommand(command), kind);
    }, (outcome) => this.classifyReplay(outcome));
  }

  private async classifyReplay(outcome: Outcome): Promise<StopEvent | undefined> {
    const event = await this.classify(outcome);
    const note = outcome.kind === 'stopped' ? this.history?.describe() : undefined;
    if (event && note) event.description = note;
    return event;
  }

  continue(): void { this.resumeWith('continue', () => exec.execContinue(this.gdb)); }
  next(instruction: boolean): void {
    if (instruction) return this.resumeWith('instruction', () => exec.execNext(this.gdb, true), true);
    const from = this.lastStop;
    this.resumeWith('line', () => exec.execNext(this.gdb, false), true, (outcome) => this.leaveUnreadable(outcome, from));
  }
  stepIn(instruction: boolean): void {
    if (instruction) return this.resumeWith('instruction', () => exec.execStep(this.gdb, true));
    const from = this.lastStop;
    this.resumeWith('line', () => exec.execStep(this.gdb, false), false, (outcome) => this.stepOverUnreadable(outcome, from));
  }

  /**
   * Step Into that entered a function whose source is not on disk (printf, with libc6-dbg's line
   * tables, which valgrind installs): the editor would stay on the calling line, with the function a
   * frame of disassembly, and each further Step Into walk its lines unseen. Steps over it instead, as
   * gdb does a function without line information: back to the caller, and the step goes on from there.
   */
  private async stepOverUnreadable(outcome: Outcome, from: StopEvent | undefined): Promise<Outcome> {
    for (let calls = 0; calls < MAX_UNREADABLE_CALLS; calls++) {
      if (outcome.kind !== 'stopped' || outcome.stop.reason !== 'end-stepping-range') return outcome;
      if (this.sourceKind(outcome.stop.frame.fullname) !== 'none') return outcome;
      const caller = (await listFrames(this.gdb, 2).catch(() => []))[1];
      if (this.sourceKind(caller?.fullname) !== 'user') return this.leaveUnreadable(outcome, from);
      const back = await this.runCommand(() => exec.execFinish(this.gdb));
      if (back.kind !== 'stopped' || back.stop.reason !== 'function-finished') return back;
      outcome = (await stepOnUnlessAtNextLine(this, back.stop, caller!)) ?? await this.runCommand(() => exec.execStep(this.gdb, false));
    }
    return outcome;
  }

  /**
   * A line step from the user's code that returned into code without readable source (the end of C's
   * main, into libc's __libc_start_call_main when libc's line tables are installed; a callback into
   * qsort): the editor would show disassembly for a line step. It goes on to the user's code instead:
   * back out to the nearest frame of the user's, or, with none left (main has returned), on to a
   * breakpoint or the program's end, as gdb does where there are no line tables.
   */
  private async leaveUnreadable(outcome: Outcome, from: StopEvent | undefined): Promise<Outcome> {
    if (outcome.kind !== 'stopped' || outcome.stop.reason !== 'end-stepping-range') return outcome;
    if (this.sourceKind(outcome.stop.frame.fullname) !== 'none' || this.sourceKind(from?.frame.fullname) !== 'user') return outcome;
    const frames = await listFrames(this.gdb).catch(() => []);
    const user = frames.findIndex((frame) => this.sourceKind(frame.fullname) === 'user');
    if (user < 0) return this.runCommand(() => exec.execContinue(this.gdb));
    await selectFrame(this.gdb, user - 1);
    const back = await this.runCommand(() => exec.execFinish(this.gdb));
    if (back.kind !== 'stopped' || back.stop.reason !== 'function-finished') return back;
    return (await stepOnUnlessAtNextLine(this, back.stop, frames[user]!)) ?? this.runCommand(() => exec.execNext(this.gdb, false));
  }

  /** Where a frame's source is (frames.ts), each file looked for once. */
  private sourceKind(fullname: string | undefined): ReturnType<typeof frameSourceKind> {
    return frameSourceKind(fullname, (file) => {
      let exists = this.existingSources.get(file);
      if (exists === undefined) this.existingSources.set(file, exists = existsSync(file));
      return exists;
    });
  }
  private readonly existingSources = new Map<string, boolean>();

  /**
   * Resumes with one gdb command, first leaving a syscall stop the way the user sees it (syscallResume.ts);
   * `after` goes on from where the command stopped, when it was live.
   */
  private resumeWith(kind: ResumeKind, command: () => Promise<unknown>, over = false, after?: (outcome: Outcome) => Promise<Outcome>): void {
    const history = this.history;
    if (history?.replaying) {
      this.resume(() => history.forward((c) => this.runCommand(c), kind, command, over), (outcome) => this.classifyReplay(outcome));
      return;
    }
    const then = after ?? ((outcome: Outcome) => Promise.resolve(outcome));
    // Outside a syscall stop the command goes to gdb at once, before the DAP response is written: it is
    // on the critical path of every step.
    if (!this.lastStop?.syscall) return this.resume(() => this.runCommand(command).then(then));
    this.resume(async () => (await this.leaveStop(kind)) ?? then(await this.runCommand(command)));
  }

  private async leaveStop(kind: ResumeKind): Promise<Outcome | undefined> {
    const from = this.lastStop;
    if (!from?.syscall) return undefined;
    const thread = this.lastStopThread;
    const place = { address: from.address, fullname: from.frame.fullname, line: from.frame.line, syscall: from.syscall, thread };
    const outcome = await leaveSyscallStop(this.syscallHost, place, kind);
    const other = outcome?.kind === 'stopped' ? outcome.stop.thread : undefined;
    if (thread !== undefined && other !== undefined && other !== thread && from.syscall.phase === 'entry') {
      // Another thread stopped before this one's call completed: gdb stopped this one too, cutting
      // its call short if it was still inside (the kernel restarts it), and the restart's entry is
      // not news.
      await this.gdb.selectThread(thread);
      if (await this.callCutShort()) this.restartingCalls.set(thread, from.syscall.number);
      await this.gdb.selectThread(other);
    }
    return outcome;
  }

  private get syscallHost(): SyscallResumeHost {
    return {
      gdb: this.gdb,
      run: (command) => this.runCommand(command),
      returnWanted: (number) => this.syscallFilter.return === 'all' || !!this.syscallFilter.return?.has(number),
      cutShort: () => this.callCutShort(),
    };
  }

  /** Runs until the program makes its next system call, stopping at the call's entry. */
  runToNextSyscall(): void {
    if (this.historyPending) void this.endHistory(SYSCALL_STOPS_END_RECORDING); // not started: nothing to undo in gdb
    this.resume(async () => {
      await this.endHistory(SYSCALL_STOPS_END_RECORDING);
      const left = await this.leaveStop('other');
      if (left) return left;
      const { number } = await catchSyscalls(this.gdb, []);
      const ours = (outcome: Outcome) => outcome.kind === 'stopped' && outcome.stop.breakpoint === number;
      try {
        let outcome = await this.runCommand(() => exec.execContinue(this.gdb));
        // The catchpoint also fires when the current call returns; the next call is the one after.
        while (ours(outcome) && outcome.kind === 'stopped' && outcome.stop.syscall?.phase === 'return') {
          outcome = await this.runCommand(() => exec.execContinue(this.gdb));
        }
        if (ours(outcome)) this.syscallRequested = true;
        return outcome;
      } finally {
        await deleteBreakpoints(this.gdb, [number]).catch(() => undefined);
      }
    });
  }
  private syscallRequested = false;

  /** Step Out without frame information: see stepOut.ts for where it stops. */
  stepOut(): void {
    // In the past the program replays up to the end of the recording, and goes on live from there:
    // the call being left may return after the present.
    const history = this.history?.replaying ? this.history : undefined;
    const run = (kind: ResumeKind, command: () => Promise<unknown>) => history
      ? history.forward((c) => this.runCommand(c), kind, command)
      : this.runCommand(command);
    this.resume(async () => {
      const left = await this.leaveStop('other');
      if (left) return left;
      // Code with frame information (C, Rust): gdb's finish, from the frame the editor shows (the
      // user's nearest, above a syscall stop or breakpoint inside libc or std).
      const frames = await listFrames(this.gdb);
      const shown = frames[Math.max(0, frames.findIndex((frame) => this.sourceKind(frame.fullname) === 'user'))];
      if (shown?.line !== undefined && !isAssemblySource(shown.fullname)) {
        if (shown.level === frames.length - 1) {
          // C's main is the outermost frame gdb shows (gdb's finish refuses it): nothing of the
          // user's calls it, so the program runs on, to a breakpoint or its end.
          this.emit('output', `${shown.func ?? 'This function'} is the outermost frame: Step Out runs the program on, to a breakpoint or its end.\n`, 'console');
          return this.runCommand(() => exec.execContinue(this.gdb));
        }
        await selectFrame(this.gdb, shown.level);
        return this.runCommand(() => exec.execFinish(this.gdb));
      }
      let plan: StepOutPlan;
      try {
        plan = await planStepOut(this.gdb);
      } catch (error) {
        // Hand-written code often jumps between labels without a dot, so the routine's `ret` lies past
        // a label the plan stops at. gdb knows the caller through nasm_unwind.py, which follows those
        // jumps: its finish runs to the caller's return (recursion told apart by the caller's frame).
        if (!(await this.frames(2))[1]) throw error;
        return run('continue', () => exec.execFinish(this.gdb));
      }
      if (plan.targets.length === 0) return run('instruction', () => exec.execStep(this.gdb, true)); // over the `ret` at pc
      const numbers: string[] = [];
      for (const target of plan.targets) {
        numbers.push((await insertBreakpoint(this.gdb, `*0x${target.toString(16)}`, { temporary: true, condition: plan.condition })).number);
      }
      let outcome: Outcome;
      try {
        outcome = await run('continue', () => exec.execContinue(this.gdb));
      } finally {
        await deleteBreakpoints(this.gdb, numbers).catch(() => undefined);
      }
      if (outcome.kind !== 'stopped' || !numbers.includes(outcome.stop.breakpoint ?? '')) return outcome;
      if (!plan.thenStepOverRet) return { kind: 'stopped', stop: { ...outcome.stop, reason: 'end-stepping-range', breakpoint: undefined } };
      return run('instruction', () => exec.execStep(this.gdb, true)); // over the `ret`
    }, history ? (outcome) => this.classifyReplay(outcome) : undefined);
  }

  pause(): Promise<void> {
    if (this.state !== 'running') return Promise.resolve();
    this.pauseRequested = true;
    return exec.execInterrupt(this.gdb).then(() => undefined);
  }

  /** Memory for the memory view: the whole range, or its part up to the end of the mapping it starts in. */
  readMemory(address: bigint, count: number): Promise<MemoryBlock> {
    return readMappedMemory(this.gdb, () => this.mappedSpans(), address, count);
  }

  /** The program's mappings, read once per stop (only running changes them; a memory view reads many blocks). */
  private mappedSpans(): Array<[bigint, bigint]> | undefined {
    let known = this.spansAtStop;
    if (known?.stop !== this.lastStop) {
      known = { stop: this.lastStop, spans: this.inferiorPid === undefined ? undefined : spansOf(this.inferiorPid) };
      this.spansAtStop = known;
    }
    return known!.spans;
  }
  private spansAtStop: { stop: StopEvent | undefined; spans: Array<[bigint, bigint]> | undefined } | undefined;

  /** Kills the program and gdb; leaves no process behind. */
  async terminate(): Promise<void> {
    const pid = this.inferiorPid;
    this.launcher?.dispose();
    this.state = 'exited'; // gdb's exit is expected from here on
    await this.gdb.exit();
    if (pid !== undefined) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }

  /**
   * Whether the program has a SIGINT queued (gdb's -exec-interrupt) that its next resume delivers, from
   * /proc/PID/status. A blocked SIGINT is never delivered: stepping to take it would step on and on.
   */
  private interruptPending(): boolean {
    if (this.inferiorPid === undefined) return false;
    try {
      const status = readFileSync(`/proc/${this.inferiorPid}/status`, 'utf8');
      const sigint = 1n << BigInt(signalNumber('SIGINT')! - 1);
      const has = (field: string) => [...status.matchAll(new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'gm'))].some((m) => (BigInt(`0x${m[1]}`) & sigint) !== 0n);
      return (has('SigPnd') || has('ShdPnd')) && !has('SigBlk');
    } catch {
      return false;
    }
  }

  /** The gdb breakpoint on std's rust_panic (the Rust panic filter), when set. */
  setPanicBreakpoint(number: string | undefined): void {
    this.panicBreakpoint = number;
  }
  private panicBreakpoint: string | undefined;

  setSyscallFilter(filter: SyscallFilter): void {
    this.syscallFilter = filter;
    if (filter.entry || filter.return) void this.whileStopped(() => this.endHistory(SYSCALL_STOPS_END_RECORDING));
  }

  /** Runs `action` with the program stopped, interrupting and resuming it when it is running. */
  async whileStopped<T>(action: () => Promise<T>): Promise<T> {
    if (this.state !== 'running') return action();
    const paused = new Promise<void>((resolve) => { this.internalPause = { paused: resolve, done: new Promise((r) => { this.internalPauseDone = r; }) }; });
    await exec.execInterrupt(this.gdb);
    await paused;
    try {
      return await action();
    } finally {
      this.internalPauseDone?.();
    }
  }
  private internalPause: { paused: () => void; done: Promise<void> } | undefined;
  private internalPauseDone: (() => void) | undefined;

  /** Runs a plan of resume commands, then reports where the program stopped (or that it exited). */
  private resume(plan: () => Promise<Outcome>, classify?: (outcome: Outcome) => Promise<StopEvent | undefined>): void {
    if (this.state === 'running' || this.state === 'exited') return;
    this.state = 'running';
    this.pauseRequested = false;
    void (async () => {
      try {
        if (this.historyPending) await this.startPendingHistory();
        let outcome = await plan();
        for (;;) {
          if (outcome.kind === 'exited') return this.reportExit(outcome);
          const event = await (classify ?? ((o) => this.classify(o)))(outcome);
          if (event) return this.reportStop(event);
          outcome = await this.passUnreported(outcome);
        }
      } catch (error) {
        if (!this.gdb.running) return;
        this.emit('output', `${(error as Error).message}\n`, 'important');
        const frame = (await listFrames(this.gdb, 1).catch(() => []))[0];
        // Still where it was: in the past, the stop still says so.
        const description = this.history?.describe();
        this.reportStop({ reason: 'step', description, address: frame?.address ?? 0n, breakpoints: [], frame: frame ?? { level: 0, address: 0n } });
      }
    })();
  }

  /**
   * Goes on from a stop the user did not ask for (a syscall the filter leaves out). From a syscall
   * entry the call completes first, as from a reported one: a plain continue over a breakpoint right
   * after the `syscall` would cancel the call (gdb 13's -ENOSYS), and the breakpoint must still stop.
   */
  private async passUnreported(outcome: Outcome): Promise<Outcome> {
    const call = outcome.kind === 'stopped' ? outcome.stop.syscall : undefined;
    if (outcome.kind === 'stopped' && call?.phase === 'entry') {
      const place = { address: outcome.stop.frame.address, syscall: { phase: call.phase, number: call.number }, thread: outcome.stop.thread };
      const left = await leaveSyscallStop(this.syscallHost, place, 'continue');
      if (left) return left;
    }
    return this.runCommand(() => exec.execContinue(this.gdb));
  }

  /** Sends one resume command and waits for the stop; pauses made to send commands are resumed here. */
  private async runCommand(command: () => Promise<unknown>): Promise<Outcome> {
    for (;;) {
      const outcome = new Promise<Outcome>((resolve) => { this.waiter = resolve; });
      this.state = 'running';
      try {
        await command();
      } catch (error) {
        this.waiter = undefined;
        this.state = 'stopped';
        throw error;
      }
      const result = await outcome;
      const pause = this.internalPause;
      if (!pause || result.kind !== 'stopped' || result.stop.signal?.name !== 'SIGINT') return result;
      this.internalPause = undefined;
      pause.paused();
      await pause.done;
      command = () => exec.execContinue(this.gdb);
    }
  }

  private onExec(record: AsyncRecord): void {
    if (record.asyncClass === 'running') return;
    if (record.asyncClass !== 'stopped') return;
    const stop = decodeStopRecord(record.results);
    // A shell would report a program killed by signal N as exit status 128 + N; so do we.
    const outcome: Outcome = stop.exit
      ? { kind: 'exited', code: stop.exit.signal ? 128 + (signalNumber(stop.exit.signal) ?? 0) : stop.exit.code, signal: stop.exit.signal }
      : { kind: 'stopped', stop };
    this.state = outcome.kind === 'exited' ? 'exited' : 'stopped';
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter(outcome);
    else if (outcome.kind === 'exited') this.reportExit(outcome);
    else void this.classify(outcome).then((event) => event && this.reportStop(event));
  }

  /**
   * gdb's log stream goes to the Debug Console, but for its note that a stop's source line cannot be
   * shown (libc's `26\t../sysdeps/unix/sysv/linux/write.c: No such file or directory.`: the frame
   * shows as disassembly instead); of its console chatter only logpoint output does.
   */
  private onStream(kind: 'console' | 'target' | 'log', text: string): void {
    if (kind === 'log') {
      if (MISSING_SOURCE_LINE.test(text)) return;
      if (this.history && text.startsWith('Process record')) this.onRecordFailure(text);
      if (text.startsWith('Step Back: the recording ended')) this.recordEnding = text.trim();
      return void this.emit('output', text, 'console');
    }
    if (kind !== 'console') return;
    if (text.startsWith(DETACHED_CHILD_START)) return this.onDetachedChild(text);
    if (this.logpointText === undefined) {
      const at = text.indexOf(LOGPOINT_MARKER);
      if (at < 0) return;
      this.logpointText = '';
      text = text.slice(at + LOGPOINT_MARKER.length);
    }
    this.logpointText += text;
    const newline = this.logpointText.indexOf('\n');
    if (newline < 0) return;
    this.emit('output', this.logpointText.slice(0, newline + 1), 'console');
    const rest = this.logpointText.slice(newline + 1);
    this.logpointText = undefined;
    if (rest) this.onStream(kind, rest);
  }
  private logpointText: string | undefined;

  /**
   * gdb let a new process go (`[Detaching after fork from child process N]`). When N is a thread of
   * the program, the program made it with clone() and SIGCHLD as its exit signal, which ptrace(2)
   * reports as a fork: gdb no longer controls it, and letting it go took gdb's breakpoints out of the
   * memory it shares with the program (gdb 13 does the same on its own). The user is told once.
   */
  private onDetachedChild(text: string): void {
    const child = /^\[Detaching after v?fork from child process (\d+)\]/.exec(text)?.[1];
    if (child === undefined || this.detachedThreadTold || this.inferiorPid === undefined) return;
    if (!existsSync(`/proc/${this.inferiorPid}/task/${child}`)) return; // a process of its own: gdb's usual fork
    this.detachedThreadTold = true;
    this.emit('output', `Thread ${child} runs without the debugger: the program made it with clone() and SIGCHLD as its exit signal, which the kernel reports to gdb as a new process (ptrace(2)), so gdb let it go, and took the breakpoints out of the memory the two share: breakpoints may not stop the program until it stops for another reason. The thread itself never stops, and a breakpoint trap it meets ends the program. Give clone() an exit signal of 0, as pthread_create does, to debug it.\n`, 'console');
  }
  private detachedThreadTold = false;

  /**
   * gdb could not record an instruction or syscall: it stops the program (as "signal 0", or with no
   * `*stopped` at all). The stop reads as such, the recording ends and the session goes on live.
   */
  private onRecordFailure(text: string): void {
    this.recordFailure = (this.recordFailure ?? '') + text;
    if (!text.includes('failed to record execution log')) return;
    const why = this.recordFailure.split('\n')[0]!.replace(/^Process record /, 'gdb ').replace(/\.$/, '');
    this.recordFailure = undefined;
    this.recordFailedNote = `Step Back is off from here: ${why}. Debugging goes on without recording.`;
    void (async () => {
      await this.endHistory(this.recordFailedNote!);
      if (!this.waiter) return; // gdb reported the stop
      const frame = (await listFrames(this.gdb, 1).catch(() => []))[0] ?? { level: 0, address: 0n };
      const waiter = this.waiter;
      this.waiter = undefined;
      this.state = 'stopped';
      waiter?.({ kind: 'stopped', stop: { reason: 'record-failed', frame } });
    })();
  }
  private recordFailure: string | undefined;
  private recordEnding: string | undefined;
  private recordFailedNote: string | undefined;

  private onNotify(record: AsyncRecord): void {
    // record.py ends the recording itself before an exit or an instruction gdb cannot record.
    if (record.asyncClass === 'record-stopped' && this.history) {
      this.history.forget();
      this.history = undefined;
      this.stepBackOff = this.recordEnding ?? 'Step Back: the recording ended.';
    }
    if (record.asyncClass === 'thread-group-started') this.inferiorPid = Number(str(record.results.pid));
    if (record.asyncClass === 'thread-group-exited') this.inferiorPid = undefined;
    // The thread list is asked of gdb again only when a thread came or went (or a name may have changed).
    if (record.asyncClass === 'thread-created' || record.asyncClass === 'thread-exited') this.threadList = undefined;
  }

  private onGdbExit(code: number | null, signal: NodeJS.Signals | null): void {
    const pid = this.inferiorPid;
    // gdb does not take its program with it when it dies; do it here so nothing is left behind.
    if (pid !== undefined) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    if (this.state === 'exited') return;
    this.state = 'exited';
    this.emit('gdbExited', `gdb ended unexpectedly${signal ? ` (${signal})` : code !== null ? ` (exit code ${code})` : ''}; the debug session is over.`);
  }

  private reportExit(outcome: Extract<Outcome, { kind: 'exited' }>): void {
    this.state = 'exited';
    this.emit('exited', outcome.code, outcome.signal);
  }

  private reportStop(event: StopEvent): void {
    this.lastStop = event;
    this.lastStopThread = this.gdb.selectedThread;
    this.state = 'stopped';
    this.emit('stopped', event);
  }

  private async classifyStart(outcome: Outcome, stopAtEntry: boolean): Promise<StopEvent | undefined> {
    const event = await this.classify(outcome);
    if (event && stopAtEntry && outcome.kind === 'stopped' && (outcome.stop.signal?.name === '0' || event.reason === 'step')) {
      event.reason = 'entry';
      event.description = 'Stopped at the program entry';
    }
    return event;
  }

  /** Turns gdb's `*stopped` into a StopEvent; undefined means "not for the user, continue". */
  private async classify(outcome: Outcome): Promise<StopEvent | undefined> {
    if (outcome.kind !== 'stopped') return undefined;
    const stop = outcome.stop;
    if (stop.arch === 'i386') this.abi = 'i386';
    const event: StopEvent = { reason: 'step', address: stop.frame.address, breakpoints: stop.breakpoint ? [stop.breakpoint] : [], frame: stop.frame };
    const recordFailed = this.recordFailedNote;
    this.recordFailedNote = undefined;
    if (recordFailed) return { ...event, description: recordFailed };
    if (stop.syscall) return this.syscallStop(event, stop.syscall, stop.breakpoint);
    if (this.pauseRequested && !stop.signal && this.interruptPending()) {
      // Under Step Back's recording gdb single-steps: a Pause while a call blocks (read, nanosleep) ends
      // that step with the call cut short (-ERESTART…), reported as the step's end or a breakpoint after
      // the `syscall`, and the SIGINT stays queued to stop the next resume. Taken now (a queued signal
      // arrives before any instruction runs), the stop is the pause it was, blocked in its call.
      return this.classify(await this.runCommand(() => exec.execStep(this.gdb, true)));
    }
    if (stop.signal) return this.signalStop(event, stop.signal);
    switch (stop.reason) {
      case 'breakpoint-hit':
        if (stop.breakpoint !== undefined && stop.breakpoint === this.panicBreakpoint) {
          // The panic hook has printed its message; the editor shows the user's frame that panicked.
          event.reason = 'exception';
          event.breakpoints = [];
          event.panic = true;
          event.description = 'Panicked: the message is in the program\'s output (Rust panic filter)';
          return event;
        }
        event.reason = 'breakpoint';
        return event;
      case 'watchpoint-trigger':
      case 'read-watchpoint-trigger':
      case 'access-watchpoint-trigger':
        event.reason = 'data breakpoint';
        event.breakpoints = [stop.watchpoint ?? ''];
        return event;
      default:
        return event; // end-stepping-range, function-finished, no-history, or a stop without a reason
    }
  }

  private async syscallStop(event: StopEvent, call: NonNullable<StopRecord['syscall']>, bkptno: string | undefined): Promise<StopEvent | undefined> {
    const phase: SyscallPhase = call.phase;
    const requested = this.syscallRequested;
    this.syscallRequested = false;
    const filter = phase === 'entry' ? this.syscallFilter.entry : this.syscallFilter.return;
    const number = call.number;
    // In a program of several threads gdb stops every thread when one stops, and a thread inside a call
    // (write to a terminal, futex) has it cut short, to be restarted by the kernel when it runs again.
    // gdb reports that as the call's return (rax -ERESTARTSYS) and the restart as another entry: the
    // same call, which returns later. Neither is news.
    const thread = this.gdb.selectedThread;
    const restarting = this.restartingCalls.get(thread);
    this.restartingCalls.delete(thread);
    if (phase === 'return' && (await this.callCutShort())) {
      this.restartingCalls.set(thread, number);
      return undefined;
    }
    if (phase === 'entry' && restarting !== undefined && (number === restarting || isRestartSyscall(this.abi, number))) return undefined;
    const wanted = requested || filter === 'all' || (filter !== undefined && filter.has(number));
    if (!wanted) return undefined;
    event.reason = 'syscall';
    event.breakpoints = requested || !bkptno ? [] : [bkptno];
    event.syscall = await readSyscallState(this.programReader(), this.abi, phase);
    event.description = describeSyscallState(event.syscall);
    // gdb reports the address after the 2-byte syscall instruction; show the line that holds it.
    await this.moveToKernelEntry(event);
    return event;
  }

  /** Threads whose call was cut short at a stop of gdb's own, by the call's number: its entry comes again. */
  private readonly restartingCalls = new Map<string, number>();

  /** Whether the stopped thread's call was cut short, to be restarted (its result register holds -ERESTART…). */
  private async callCutShort(): Promise<boolean> {
    const result = await data.evaluateInteger(this.gdb, `$${CALLING_CONVENTIONS[this.abi].resultRegister}`).catch(() => 0n);
    return isInterruptedCall(result);
  }

  private async signalStop(event: StopEvent, { name, meaning }: { name: string; meaning: string }): Promise<StopEvent> {
    if (name === '0') {
      event.reason = 'entry'; // `starti` stops with "signal 0"
      return event;
    }
    if (name === 'SIGINT') {
      // Our own -exec-interrupt, or Ctrl+C in the program's terminal: a pause either way (gdb does not pass it on).
      event.reason = 'pause';
      if (!this.pauseRequested) event.description = 'Interrupted by Ctrl+C (SIGINT)';
      const result = await data.evaluateInteger(this.gdb, `$${CALLING_CONVENTIONS[this.abi].resultRegister}`).catch(() => 0n);
      if (isInterruptedCall(result) && (await this.kernelEntryBefore(event.address))) {
        event.syscall = await readSyscallState(this.programReader(), this.abi, 'blocked');
        event.description = describeSyscallState(event.syscall);
        await this.moveToKernelEntry(event);
      }
      return event;
    }
    event.reason = 'exception';
    event.signal = { name, meaning };
    if (/^SIG(SEGV|BUS|ILL|FPE|TRAP)$/.test(name)) {
      const fault = await data.evaluateInteger(this.gdb, '$_siginfo._sifields._sigfault.si_addr').catch(() => undefined);
      event.signal.faultAddress = fault;
    }
    const where = event.frame.file ? ` (${event.frame.file}:${event.frame.line ?? '?'})` : '';
    const fault = event.signal.faultAddress !== undefined ? `, fault address 0x${event.signal.faultAddress.toString(16)}` : '';
    event.description = `${name} (${meaning}) at 0x${event.address.toString(16)}${fault}${where}`;
    // A kernel without IA32 emulation ends `int 0x80` with SIGSEGV at the instruction itself.
    if (name === 'SIGSEGV') {
      const bytes = await data.readMemory(this.gdb, event.address, 2).catch(() => undefined);
      const int80 = bytes?.bytes[0] === 0xcd && bytes.bytes[1] === 0x80;
      if (int80 && !kernelRunsI386()) event.description += `. int 0x80: ${NO_I386_EXPLANATION}`;
    }
    return event;
  }

  private async kernelEntryBefore(address: bigint): Promise<boolean> {
    const bytes = await data.readMemory(this.gdb, address - KERNEL_ENTRY_BYTES, KERNEL_ENTRY_LENGTH).catch(() => undefined);
    return kernelEntryAt(bytes?.bytes) !== undefined;
  }

  /** Points the stop's frame at the syscall instruction (pc − 2) and its source line. */
  private async moveToKernelEntry(event: StopEvent): Promise<void> {
    if (!(await this.kernelEntryBefore(event.address))) return;
    const address = event.address - KERNEL_ENTRY_BYTES;
    // gdb names and places the frame by pc, after the instruction: past the line table and every symbol
    // when the `syscall` ends its section, at the next label when one follows it. Both come from pc − 2.
    const [source, func] = await Promise.all([data.sourceAt(this.gdb, address).catch(() => undefined), symbolAt(this.gdb, address)]);
    event.frame = { ...event.frame, address, func, ...source };
  }

  /** Reads registers and memory of the stopped program, for the syscall decoder. */
  programReader() {
    return {
      registers: async (names: string[]) => {
        const values = new Map<string, bigint>();
        for (const name of names) values.set(name, await data.evaluateInteger(this.gdb, `$${name}`).catch(() => 0n));
        return values;
      },
      memory: async (address: bigint, count: number) => (await data.readMemory(this.gdb, address, count)).bytes,
    };
  }

  /** The syscall the program is about to make, when stopped on a kernel-entry instruction. */
  async pendingSyscall(): Promise<SyscallState | undefined> {
    const stop = this.currentStop;
    if (!stop) return undefined;
    if (stop.syscall) return stop.syscall;
    // The two bytes at pc in one round trip (every kernel-entry instruction is two bytes long).
    const word = await data.evaluateInteger(this.gdb, '*(unsigned short *)$pc').catch(() => undefined);
    if (word === undefined) return undefined;
    const bytes = Buffer.alloc(KERNEL_ENTRY_LENGTH);
    bytes.writeUInt16LE(Number(word & 0xffffn));
    if (kernelEntryAt(bytes) === undefined) return undefined;
    return readSyscallState(this.programReader(), this.abi, 'instruction');
  }

  /** Installs a breakpoint even while the program runs. */
  insert<T>(action: () => Promise<T>): Promise<T> {
    return this.whileStopped(action);
  }

  /** The innermost `depth` frames (all, up to 64, without it). */
  async frames(depth?: number): Promise<GdbFrame[]> {
    let frames = await listFrames(this.gdb, depth);
    if (!this.unwinderLoaded && frames[0]?.fullname !== undefined && isNasmSource(frames[0].fullname)) {
      // NASM code has no CFI: gdb unwinds it through nasm_unwind.py once the program stops in some.
      this.unwinderLoaded = true;
      await this.gdb.cli(`python ${loadPythonFile(pythonHelper('nasm_unwind.py'))}`).catch(() => undefined);
      frames = await listFrames(this.gdb, depth);
    }
    // Without CFI gdb's unwinder walks off the stack into `??` at 0; those frames are noise.
    const real = frames.filter((f, i) => i === 0 || (f.address !== 0n && f.func !== undefined));
    const stop = this.currentStop;
    // The stop's own frame (a syscall's line), unless the user switched threads (`-exec thread 1`) since.
    const stoppedThread = this.gdb.selectedThread === this.lastStopThread;
    if (stop && stoppedThread && real[0] && stop.frame.address !== real[0].address) real[0] = { ...real[0], ...stop.frame, level: 0 };
    return real;
  }
  private lastStopThread: string | undefined;
  private unwinderLoaded = false;

  /** gdb's number of the thread that stopped last. */
  get stoppedThread(): string | undefined {
    return this.lastStopThread;
  }

  /** The program's threads while it is stopped (gdb cannot list them while they run). */
  async threads(): Promise<GdbThread[]> {
    if (this.state !== 'stopped') return [];
    // Clients ask after every stop (VS Code does): gdb is asked once per change, not once per step.
    this.threadList ??= await listThreads(this.gdb).catch(() => undefined);
    return this.threadList ?? [];
  }
  private threadList: GdbThread[] | undefined;

  /** Shows thread `id`: its registers, frames and steps from now on (see Gdb.selectThread). */
  showThread(id: string): Promise<void> {
    return this.gdb.selectThread(id);
  }
}
