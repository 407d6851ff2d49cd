// The DAP session: one short method per request, translating between DAP and the engine.
import * as path from 'node:path';
import {
  Breakpoint, BreakpointEvent, DebugSession, ExitedEvent, Handles, InitializedEvent, OutputEvent, Scope, Source, StackFrame,
  StoppedEvent, TerminatedEvent, Thread, InvalidatedEvent, MemoryEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Engine, type StopEvent } from './engine';
import type { GdbFrame } from './mi/stack';
import { Inspector, type VariableNode } from './inspector';
import { Disassembler } from './disassembly';
import { BreakpointBook } from './breakpoints';
import { launchDirectory, prepareProgram } from './launch';
import { MacroInvocations } from './macroInvocations';
import { isCustomRequest, PANIC_FILTER, SYSCALL_FILTER, type CustomRequest, type LaunchArguments } from './protocol';
import { findExecutable, requireTool } from '../toolchain/tools';
import { PtyRelay, encodeTerminalInput, openUserTerminal, releaseReportedTty } from './terminal';
import * as data from './mi/data';
import { frameName, frameSourceKind } from './frames';
import { completionsFor } from './completions';
import { existsSync, readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { Prestarted } from './prestarted';
import { takeEarlyGdb } from './earlyGdb';
import { ProgramRun } from './programRun';
import type { Gdb } from './mi/gdb';
import { hardwareWatchpointsFire, SOFTWARE_WATCHPOINTS_NOTE } from './watchpoints';

/** A gdb started ahead of the session, by the path it was started from. */
export interface StartedGdb {
  gdbPath: string;
  gdb: Promise<Gdb>;
}

const THREAD_ID = 1;
/** Frame ids of threads other than the one that stopped: thread * FRAME_THREAD_FACTOR + level (see frameLevel). */
const FRAME_THREAD_FACTOR = 1 << 16;
const SYSCALL_FILTERS: DebugProtocol.ExceptionBreakpointsFilter[] = [
  {
    filter: SYSCALL_FILTER.entry, label: 'Syscall entry', default: false, supportsCondition: true,
    description: 'Stop when the program enters a system call, with the decoded call.',
    conditionDescription: 'System calls to stop at: names, numbers or groups (write, exit_group, %file). Empty: all.',
  },
  {
    filter: SYSCALL_FILTER.return, label: 'Syscall return', default: false, supportsCondition: true,
    description: 'Stop when a system call returns, with its decoded result.',
    conditionDescription: 'System calls to stop at: names, numbers or groups (read, 60, %network). Empty: all.',
  },
  {
    filter: PANIC_FILTER, label: 'Rust panic', default: true,
    description: 'Stop when a Rust program panics, before it unwinds, at the line that panicked (std\'s rust_panic). Other programs have no panics.',
  },
];

export class SyscallGdbSession extends DebugSession {
  private engine: Engine | undefined;
  private inspector: Inspector | undefined;
  private disassembler: Disassembler | undefined;
  private breakpoints: BreakpointBook | undefined;
  private relay: PtyRelay | undefined;
  private ttyReport: string | undefined;
  private clientSupportsTerminal = false;
  private toldSoftwareWatchpoints = false;
  private exceptionFiltersSet = false;
  private configurationDone!: () => void;
  private readonly configured = new Promise<void>((resolve) => { this.configurationDone = resolve; });
  private variables = new Handles<() => Promise<VariableNode[]>>();
  private nodesByReference = new Map<number, VariableNode[]>();
  private launchArgs: LaunchArguments | undefined;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientSupportsTerminal = !!args.supportsRunInTerminalRequest;
    this.prestart();
    response.body = {
      supportsConfigurationDoneRequest: true, supportsFunctionBreakpoints: true, supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true, supportsLogPoints: true, supportsEvaluateForHovers: true,
      supportsSetVariable: true, supportsCompletionsRequest: true, completionTriggerCharacters: ['$'],
      supportsReadMemoryRequest: true, supportsWriteMemoryRequest: true, supportsDisassembleRequest: true,
      supportsSteppingGranularity: true, supportsInstructionBreakpoints: true, supportsDataBreakpoints: true,
      supportsBreakpointLocationsRequest: true, supportsExceptionInfoRequest: true, supportsTerminateRequest: true,
      supportsExceptionFilterOptions: true, exceptionBreakpointFilters: SYSCALL_FILTERS, supportsStepBack: true,
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, request: DebugProtocol.LaunchRequestArguments): Promise<void> {
    const args = request as LaunchArguments & DebugProtocol.LaunchRequestArguments;
    await this.guard(response, async () => {
      this.launchArgs = args;
      if (args.noDebug) return this.runWithoutDebugging(args);
      const trace = args.trace ? (dir: string, line: string) => this.sendEvent(new OutputEvent(`${dir} ${line}\n`, 'console')) : undefined;
      const gdbPath = requireTool('gdb', { gdb: args.gdbPath || 'gdb' });
      const cwd = launchDirectory(args);
      // Building, starting gdb and opening the program's terminal do not depend on each other.
      const engine = this.prestartedEngine?.take(gdbPath) ?? Engine.create({ gdbPath, cwd });
      this.launchingEngine = engine; // a disconnect from here on ends it
      void engine.then((e) => e.gdb.setTrace(trace), () => undefined);
      const terminal = this.programTerminal(args, cwd, gdbPath);
      const cancelled = this.launchCancelled();
      const [prepared, tty] = await Promise.race([Promise.all([
        prepareProgram(args, (text) => this.sendEvent(new OutputEvent(text, 'console')), this.launchAbort.signal), terminal, engine,
      ]), cancelled]).catch(async (error) => {
        await engine.then((e) => e.terminate(), () => undefined);
        throw error;
      });
      const ready = await engine;
      this.attachEngine(ready); // from here on, ending the session ends this gdb
      await Promise.race([ready.load({ ...prepared, tty }), cancelled]);
      if (prepared.listing && prepared.source) this.breakpoints?.useListing(new MacroInvocations(prepared.program, prepared.listing, prepared.source));
      this.sendEvent(new InitializedEvent());
      await Promise.race([this.configured, cancelled]);
      // The Rust panic filter is on by default: for a client that never set the exception filters too.
      if (!this.exceptionFiltersSet) await this.book().setPanicBreak(true);
      if (args.stepBackLimit !== undefined) ready.stepBackLimit = args.stepBackLimit;
      // A C or Rust program runs to its breakpoints; an assembly program (nasm's listing came with it)
      // stops first: at its entry point, or at its `main` when it links with libc.
      ready.start(args.stopAtEntry ?? (!ready.hasMain || prepared.listing !== undefined), ready.hasMain);
    });
  }

  /** Ctrl+F5: builds, then runs the program to its end on its terminal; no gdb, no stops. */
  private async runWithoutDebugging(args: LaunchArguments): Promise<void> {
    this.prestartedEngine?.discard();
    const gdbPath = requireTool('gdb', { gdb: args.gdbPath || 'gdb' }); // its Python makes the terminal
    const cwd = launchDirectory(args);
    const cancelled = this.launchCancelled();
    const [prepared, tty] = await Promise.race([Promise.all([
      prepareProgram(args, (text) => this.sendEvent(new OutputEvent(text, 'console')), this.launchAbort.signal),
      this.programTerminal(args, cwd, gdbPath),
    ]), cancelled]);
    const run = new ProgramRun();
    this.programRun = run;
    run.on('error', (message) => this.sendEvent(new OutputEvent(`${message}\n`, 'important')));
    run.on('exited', (code, signal) => void this.reportExit(code, signal));
    run.start(prepared, tty);
  }
  private programRun: ProgramRun | undefined;

  /**
   * gdb (and, for clients without terminals, the pty relay) start while the client is still sending
   * launch.json, so launching waits only for the build. Unused if launch.json names another gdb.
   */
  private prestart(): void {
    const started = this.startedGdb();
    const gdbPath = started?.gdbPath ?? findExecutable('gdb');
    if (!gdbPath) return;
    this.prestartedEngine = new Prestarted(gdbPath, Engine.create({ gdbPath }, started?.gdb), (engine) => engine.terminate());
    if (!this.clientSupportsTerminal) this.prestartedRelay = new Prestarted(gdbPath, PtyRelay.start(gdbPath), (relay) => relay.close());
  }
  private prestartedEngine: Prestarted<Engine> | undefined;

  /** A gdb started before this session, to take over: in its own process, the one its entry started (earlyGdb.ts). */
  protected startedGdb(): StartedGdb | undefined {
    const gdbPath = findExecutable('gdb');
    const gdb = gdbPath ? takeEarlyGdb(gdbPath) : undefined;
    return gdbPath && gdb ? { gdbPath, gdb } : undefined;
  }
  private launchingEngine: Promise<Engine> | undefined;
  private readonly launchAbort = new AbortController();

  /** Rejects when the client disconnects or terminates while the launch is still under way. */
  private launchCancelled(): Promise<never> {
    return new Promise((_, reject) => {
      const cancel = () => reject(new Error('The launch was cancelled.'));
      if (this.launchAbort.signal.aborted) cancel();
      this.launchAbort.signal.addEventListener('abort', cancel, { once: true });
    });
  }
  private prestartedRelay: Prestarted<PtyRelay> | undefined;

  /** The program's terminal: the user's (runInTerminal) by default, else a relay to the Debug Console. */
  private async programTerminal(args: LaunchArguments, cwd: string, gdbPath: string): Promise<string> {
    const wanted = args.terminal ?? 'integrated';
    if (wanted !== 'none' && this.clientSupportsTerminal && !args.stdin) {
      this.prestartedRelay?.discard(); // not needed: the program gets a real terminal
      const terminal = await openUserTerminal(gdbPath, (command, env) => new Promise<void>((resolve, reject) => this.runInTerminalRequest({
        kind: wanted === 'external' ? 'external' : 'integrated', title: `${path.basename(args.program)} (Syscall Lens)`, cwd, args: command, env,
      }, 10_000, (reply) => (reply.success ? resolve() : reject(new Error(`Could not open a terminal: ${reply.message}`))))));
      this.ttyReport = terminal.reportFile;
      if (this.ending) releaseReportedTty(terminal.reportFile); // the session ended while the terminal opened
      return terminal.tty;
    }
    const relay = await (this.prestartedRelay?.take(gdbPath) ?? PtyRelay.start(gdbPath));
    if (this.ending) {
      relay.close();
      throw new Error('The launch was cancelled.');
    }
    this.relay = relay;
    const decoder = new StringDecoder('utf8'); // a character may be split between reads
    this.relay.on('output', (chunk) => this.sendEvent(new OutputEvent(decoder.write(chunk), 'stdout')));
    // Without a terminal, stdin is the given file or empty: the program reads its data, then end-of-file.
    this.relay.write(encodeTerminalInput(args.stdin ? readStdinFile(args.stdin, cwd) : Buffer.alloc(0)));
    return this.relay.tty;
  }

  private attachEngine(engine: Engine): void {
    this.engine = engine;
    const inspector = new Inspector(engine.gdb, () => engine.abi);
    this.inspector = inspector;
    this.disassembler = new Disassembler(engine.gdb);
    this.breakpoints = new BreakpointBook(engine, (change) => {
      const bp = this.toBreakpoint(change, undefined);
      this.sendEvent(new BreakpointEvent('changed', { ...bp, id: change.id }));
    }, {
      defines: () => inspector.defines(), resolve: (expression) => inspector.stopExpression(expression),
      scoped: (expression, file, line) => inspector.withLocalLabels(expression, undefined, { file, line }),
    });
    engine.on('stopped', (event) => this.onStopped(event));
    engine.on('output', (text, category) => this.sendEvent(new OutputEvent(text, category)));
    engine.on('exited', (code, signal) => void this.reportExit(code, signal));
    engine.on('gdbExited', (message) => {
      this.sendEvent(new OutputEvent(`${message}\n`, 'important'));
      void this.endSession().then(() => this.sendEvent(new TerminatedEvent()));
    });
  }

  private async reportExit(code: number, signal: string | undefined): Promise<void> {
    await this.relay?.drain();
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    this.sendEvent(new OutputEvent(`Program ${how}.\n`, 'console'));
    this.sendEvent(new ExitedEvent(code));
    await this.endSession();
    this.sendEvent(new TerminatedEvent());
  }

  private onStopped(event: StopEvent): void {
    this.variables.reset();
    this.nodesByReference.clear();
    this.inspector?.invalidate();
    const stopped = new StoppedEvent(event.reason, this.stoppedThreadId(), event.description) as DebugProtocol.StoppedEvent;
    stopped.body.description = event.description;
    stopped.body.allThreadsStopped = true;
    const ids = [...new Set(event.breakpoints.map((n) => this.breakpoints?.userBreakpointId(n) ?? Number(n)))].filter((n) => Number.isInteger(n) && n > 0);
    if (ids.length) stopped.body.hitBreakpointIds = ids;
    this.sendEvent(stopped);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configurationDone();
    this.sendResponse(response);
  }

  protected override async setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): Promise<void> {
    await this.guard(response, async () => {
      const file = args.source.path ?? '';
      const results = await this.book().setSourceBreakpoints(file, args.breakpoints ?? []);
      response.body = { breakpoints: results.map((r) => this.toBreakpoint(r, file)) };
    });
  }

  protected override async setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): Promise<void> {
    await this.guard(response, async () => {
      const results = await this.book().setFunctionBreakpoints(args.breakpoints);
      response.body = { breakpoints: results.map((r) => this.toBreakpoint(r)) };
    });
  }

  protected override async setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): Promise<void> {
    await this.guard(response, async () => {
      const results = await this.book().setInstructionBreakpoints(args.breakpoints.map((bp) => ({
        ...bp, address: BigInt(bp.instructionReference) + BigInt(bp.offset ?? 0),
      })));
      response.body = { breakpoints: results.map((r) => this.toBreakpoint(r)) };
    });
  }

  protected override async setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): Promise<void> {
    await this.guard(response, async () => {
      const options = [
        ...(args.filters ?? []).map((filterId) => ({ filterId, condition: undefined as string | undefined })),
        ...(args.filterOptions ?? []).map((o) => ({ filterId: o.filterId, condition: o.condition })),
      ];
      const phase = (id: string) => options.find((o) => o.filterId === id);
      await this.book().setSyscallCatch({ entry: phase(SYSCALL_FILTER.entry), return: phase(SYSCALL_FILTER.return) });
      await this.book().setPanicBreak(phase(PANIC_FILTER) !== undefined);
      this.exceptionFiltersSet = true;
      response.body = { breakpoints: options.map(() => ({ verified: true })) };
    });
  }

  protected override async dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): Promise<void> {
    const node = this.nodesByReference.get(args.variablesReference ?? -1)?.find((n) => n.name === args.name);
    const label = node?.watch ?? (await this.labelWatch(args.name));
    const hardware = label && this.engine ? await hardwareWatchpointsFire(this.engine.gdb.path) : true;
    response.body = label
      ? { dataId: `${label.size}|${label.expression}`, description: label.description, accessTypes: hardware ? ['write', 'read', 'readWrite'] : ['write'], canPersist: false }
      : { dataId: null, description: 'Only labels of the Data scope can be watched.' };
    this.sendResponse(response);
  }

  private async labelWatch(name: string): Promise<VariableNode['watch']> {
    const label = await this.inspector?.findLabel(name);
    return label ? (await this.inspector!.labelNode(label))?.watch : undefined;
  }

  protected override async setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): Promise<void> {
    await this.guard(response, async () => {
      // dataId is `size|expression`, made by dataBreakpointInfoRequest from a Data-scope label.
      const hardware = args.breakpoints.length === 0 || !this.engine || await hardwareWatchpointsFire(this.engine.gdb.path);
      if (!hardware && !this.toldSoftwareWatchpoints) {
        this.toldSoftwareWatchpoints = true;
        this.sendEvent(new OutputEvent(`${SOFTWARE_WATCHPOINTS_NOTE}\n`, 'console'));
      }
      const results = await this.book().setDataBreakpoints(args.breakpoints.map((bp) => ({
        expression: bp.dataId.slice(bp.dataId.indexOf('|') + 1), access: bp.accessType ?? 'write',
      })), hardware);
      response.body = { breakpoints: results.map((r) => this.toBreakpoint(r)) };
    });
  }

  protected override async breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): Promise<void> {
    await this.guard(response, async () => {
      // Asked whenever the editor shows a file, also before the program is loaded or when it runs
      // without debugging (Ctrl+F5): no program, no positions, and nothing to tell the user.
      if (!this.breakpoints) return void (response.body = { breakpoints: [] });
      const lines = await this.book().codeLines(args.source.path ?? '');
      const last = args.endLine ?? args.line;
      response.body = { breakpoints: lines.filter((l) => l >= args.line && l <= last).map((line) => ({ line })) };
    });
  }

  private toBreakpoint(result: import('./breakpoints').BreakpointResult, file?: string): DebugProtocol.Breakpoint {
    const bp = new Breakpoint(result.verified, result.line, undefined, result.line && file ? this.source(file) : undefined) as DebugProtocol.Breakpoint;
    if (result.id !== undefined) bp.id = result.id;
    if (result.message) bp.message = result.message;
    if (result.address !== undefined) bp.instructionReference = `0x${result.address.toString(16)}`;
    return bp;
  }

  protected override async threadsRequest(response: DebugProtocol.ThreadsResponse): Promise<void> {
    const name = this.launchArgs ? path.basename(this.launchArgs.program) : 'program';
    const threads = this.engine?.isStopped ? await this.engine.threads() : [];
    // Listed only while stopped; a program of one thread (or one running) shows as the program.
    if (threads.length > 1) this.threadNames = threads.map((t) => new Thread(Number(t.id), `${t.name ?? name} (${/LWP \d+/.exec(t.targetId)?.[0] ?? t.targetId})`));
    else if (threads.length === 1) this.threadNames = undefined;
    response.body = { threads: this.threadNames ?? [new Thread(this.stoppedThreadId(), name)] };
    this.sendResponse(response);
  }
  private threadNames: Thread[] | undefined;

  /** The DAP id of the thread that stopped (gdb's number for it). */
  private stoppedThreadId(): number {
    return Number(this.engine?.stoppedThread) || THREAD_ID;
  }

  /**
   * A frame id is its level in the stopped thread's stack, and thread * FRAME_THREAD_FACTOR + level in
   * another thread's: gdb is switched to that frame's thread before it is read, and back.
   */
  private async frameLevel(engine: Engine, frameId: number | undefined): Promise<number | undefined> {
    const thread = frameId === undefined ? 0 : Math.floor(frameId / FRAME_THREAD_FACTOR);
    const wanted = thread > 0 ? String(thread) : engine.stoppedThread;
    if (wanted !== undefined) await this.showThread(engine, wanted);
    return frameId === undefined ? undefined : frameId % FRAME_THREAD_FACTOR;
  }

  /** Selects gdb's thread `id`; false when there is no such thread. */
  private async showThread(engine: Engine, id: string): Promise<boolean> {
    if (id === engine.gdb.selectedThread) return true;
    if (!await engine.showThread(id).then(() => true, () => false)) return false;
    this.inspector?.invalidate(); // registers are the thread's
    return true;
  }

  protected override async stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): Promise<void> {
    await this.guard(response, async () => {
      const start = args.startFrame ?? 0;
      const depth = args.levels ? start + args.levels : undefined;
      const engine = this.running();
      // Another thread's stack (the Call Stack lists every thread), or the stopped one's.
      const stopped = engine.stoppedThread;
      const other = stopped !== undefined && String(args.threadId) !== stopped && await this.showThread(engine, String(args.threadId));
      if (!other) await this.frameLevel(engine, undefined);
      // VS Code asks for the top frame alone first: gdb then unwinds no further.
      const frames = await engine.frames(depth);
      const shown = frames.slice(start);
      const base = other ? args.threadId * FRAME_THREAD_FACTOR : 0;
      response.body = { stackFrames: shown.map((frame) => this.toStackFrame(frame, base)) };
      // Fewer than asked: that is the whole stack. Otherwise the client asks on for more.
      if (depth === undefined || frames.length < depth) response.body.totalFrames = frames.length;
    });
  }

  /**
   * Frames without a readable source show as disassembly, library frames are de-emphasized: the editor
   * then focuses the nearest frame of the user's own code (main, not libc's write) on a stop.
   */
  private toStackFrame(frame: GdbFrame, idBase = 0): DebugProtocol.StackFrame {
    const kind = frameSourceKind(frame.fullname, (file) => this.fileExists(file));
    const source = kind === 'none' ? undefined : this.source(frame.fullname!);
    if (source && kind === 'library') (source as DebugProtocol.Source).presentationHint = 'deemphasize';
    const sf = new StackFrame(idBase + frame.level, frameName(frame), source, source ? frame.line ?? 0 : 0) as DebugProtocol.StackFrame;
    sf.instructionPointerReference = `0x${frame.address.toString(16)}`;
    if (kind !== 'user') sf.presentationHint = 'subtle';
    return sf;
  }

  private fileExists(file: string): boolean {
    let known = this.existingFiles.get(file);
    if (known === undefined) this.existingFiles.set(file, known = existsSync(file));
    return known;
  }
  private readonly existingFiles = new Map<string, boolean>();

  protected override async scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): Promise<void> {
    await this.guard(response, async () => {
      const inspector = this.inspector!;
      const engine = this.running();
      const scopes: DebugProtocol.Scope[] = [];
      const level = (await this.frameLevel(engine, args.frameId))!;
      const [syscall, locals] = await Promise.all([engine.pendingSyscall(), inspector.localsScope(level)]);
      // Registers and the stack are read when opened: in the frame's thread, whichever thread was shown since.
      const inThread = <T>(read: () => Promise<T>) => async () => { await this.frameLevel(engine, args.frameId); return read(); };
      if (syscall) scopes.push(new Scope('Syscall', this.variables.create(async () => inspector.syscallScope(syscall)), false));
      if (locals.length) scopes.push(new Scope('Locals', this.variables.create(async () => locals), false));
      const registers = new Scope('Registers', this.variables.create(inThread(() => inspector.registersScope())), false) as DebugProtocol.Scope;
      registers.presentationHint = 'registers';
      scopes.push(registers);
      scopes.push(new Scope('Data', this.variables.create(() => inspector.dataScope()), false));
      scopes.push(new Scope('Stack', this.variables.create(inThread(() => inspector.stackScope())), true));
      response.body = { scopes };
    });
  }

  protected override async variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): Promise<void> {
    await this.guard(response, async () => {
      const fetch = this.variables.get(args.variablesReference);
      const nodes = fetch ? await fetch() : [];
      this.nodesByReference.set(args.variablesReference, nodes);
      response.body = { variables: nodes.map((node) => this.toVariable(node)) };
    });
  }

  private toVariable(node: VariableNode): DebugProtocol.Variable {
    const variable: DebugProtocol.Variable = {
      name: node.name, value: node.value, type: node.type, evaluateName: node.evaluateName,
      memoryReference: node.memoryReference, variablesReference: node.children ? this.variables.create(node.children) : 0,
    };
    const attributes: string[] = [];
    if (node.changed) attributes.push('changed');
    if (!node.set && !node.children) attributes.push('readOnly');
    if (attributes.length) variable.presentationHint = { attributes };
    return variable;
  }

  protected override async setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): Promise<void> {
    await this.guard(response, async () => {
      const node = this.nodesByReference.get(args.variablesReference)?.find((n) => n.name === args.name);
      if (!node?.set) throw new Error(`${args.name} cannot be changed here.`);
      this.refuseInThePast();
      response.body = { value: await node.set(args.value) };
      this.inspector?.edited(); // registers are read again: the edit, or a C local's register
      this.sendEvent(new InvalidatedEvent(['variables']));
    });
  }

  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    await this.guard(response, async () => {
      const engine = this.running();
      const expression = args.expression.trim();
      if (expression.startsWith('-exec ')) {
        const output = await engine.whileStopped(() => engine.gdb.cli(expression.slice(6)));
        response.body = { result: output.trimEnd(), variablesReference: 0 };
        this.inspector?.edited(); // `set var $rax = 1`, `call f()`: registers are read again
        this.sendEvent(new InvalidatedEvent(['variables']));
        return;
      }
      if (engine.isRunning) throw new Error('The program is running: pause it to evaluate expressions (gdb commands with -exec work now).');
      const level = await this.frameLevel(engine, args.frameId);
      const place = args.source?.path && args.line !== undefined ? { file: args.source.path, line: this.convertClientLineToDebugger(args.line) } : undefined;
      const value = await this.inspector!.evaluate(expression, level, () => this.frameAt(engine, level ?? 0), place);
      response.body = {
        result: value.value, type: value.type, memoryReference: value.memoryReference,
        variablesReference: value.children ? this.variables.create(value.children) : 0,
      };
    }, false); // the console, hover and watch show a failed evaluation inline, not as a notification
  }

  /** Frame `level` of the stopped program (a frame id is its level). */
  private async frameAt(engine: Engine, level: number): Promise<GdbFrame | undefined> {
    return (await engine.frames(level + 1)).find((f) => f.level === level);
  }

  protected override async completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): Promise<void> {
    await this.guard(response, async () => {
      const before = args.text.slice(0, (args.column ?? args.text.length + 1) - 1);
      const engine = this.running();
      const inspector = this.inspector!;
      // Where the program stopped, the local labels of its procedure (`.loop`) and the sources' %defines.
      const frame = engine.isRunning ? undefined : await this.frameAt(engine, (await this.frameLevel(engine, args.frameId)) ?? 0);
      const labels = [...await inspector.labelNames(), ...await inspector.localLabelNames(frame), ...(await inspector.defines()).keys()];
      response.body = { targets: await completionsFor(before, labels, engine.gdb) };
    });
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.running().continue();
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.stepThread(response, args.threadId, (engine) => engine.next(args.granularity === 'instruction'));
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.stepThread(response, args.threadId, (engine) => engine.stepIn(args.granularity === 'instruction'));
  }

  /**
   * A step of thread `threadId`: gdb steps its selected thread, which the Call Stack may have switched
   * (another thread's frames shown). The usual case, that thread already selected, goes to gdb at once.
   */
  private stepThread(response: DebugProtocol.Response, threadId: number, step: (engine: Engine) => void): void {
    const engine = this.running();
    if (String(threadId) === engine.gdb.selectedThread || !engine.isStopped) {
      step(engine);
      this.sendResponse(response);
      return;
    }
    void this.guard(response, async () => {
      // A thread gdb does not have (a client that always says thread 1) steps the selected one.
      await this.showThread(engine, String(threadId));
      step(engine);
    });
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    this.backwards(response, (engine) => engine.stepBack(args.granularity === 'instruction'));
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.backwards(response, (engine) => engine.reverseContinue());
  }

  private backwards(response: DebugProtocol.Response, go: (engine: Engine) => void): void {
    const engine = this.engine;
    if (!engine?.canStepBack) return this.sendErrorResponse(response, { id: 1, format: engine?.stepBackOff ?? 'The program has not been started.', showUser: true });
    go(engine);
    this.sendResponse(response);
  }

  /** The past shown by Step Back cannot be changed: gdb would throw away the rest of the recording. */
  private refuseInThePast(): void {
    if (this.engine?.history?.replaying) {
      throw new Error('Registers and memory are read-only while Step Back shows the past; step forward or Continue to the present to change them.');
    }
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.stepThread(response, args.threadId, (engine) => engine.stepOut());
  }

  protected override async pauseRequest(response: DebugProtocol.PauseResponse): Promise<void> {
    await this.guard(response, () => this.running().pause());
  }

  /** Custom requests: the "Step Instruction", "Next Instruction" and "Run to Next Syscall" commands. */
  protected override customRequest(command: string, response: DebugProtocol.Response): void {
    if (!isCustomRequest(command)) return this.sendErrorResponse(response, 1, `Unknown request "${command}".`);
    const engine = this.engine;
    if (!engine?.isStopped) return this.sendErrorResponse(response, 1, 'The program is not stopped.');
    const actions: Record<CustomRequest, () => void> = {
      stepInstruction: () => engine.stepIn(true),
      nextInstruction: () => engine.next(true),
      runToNextSyscall: () => engine.runToNextSyscall(),
    };
    actions[command]();
    this.sendResponse(response);
  }

  protected override async readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): Promise<void> {
    await this.guard(response, async () => {
      const address = BigInt(args.memoryReference) + BigInt(args.offset ?? 0);
      const block = await this.running().readMemory(address, args.count);
      // Clients take the bytes after the data as unreadable (VS Code shows them so).
      response.body = block.bytes.length > 0
        ? { address: `0x${block.address.toString(16)}`, data: block.bytes.toString('base64'), unreadableBytes: args.count - block.bytes.length }
        : { address: `0x${address.toString(16)}`, unreadableBytes: args.count };
    });
  }

  protected override async writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): Promise<void> {
    await this.guard(response, async () => {
      const address = BigInt(args.memoryReference) + BigInt(args.offset ?? 0);
      const bytes = Buffer.from(args.data, 'base64');
      this.refuseInThePast();
      await data.writeMemory(this.running().gdb, address, bytes);
      response.body = { bytesWritten: bytes.length };
      this.sendEvent(new MemoryEvent(`0x${address.toString(16)}`, 0, bytes.length));
      this.sendEvent(new InvalidatedEvent(['variables']));
    });
  }

  protected override async disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): Promise<void> {
    await this.guard(response, async () => {
      const address = BigInt(args.memoryReference) + BigInt(args.offset ?? 0);
      const window = await this.disassembler!.window(address, args.instructionOffset ?? 0, args.instructionCount);
      let lastLocation = '';
      response.body = {
        instructions: window.map((insn) => {
          const out: DebugProtocol.DisassembledInstruction = {
            address: `0x${insn.address.toString(16)}`, instruction: insn.text, instructionBytes: insn.bytes || undefined, symbol: insn.symbol,
          };
          if (insn.invalid) out.presentationHint = 'invalid';
          const location = insn.file ? `${insn.file}:${insn.line}` : '';
          if (insn.file && location !== lastLocation) { out.location = this.source(insn.file); out.line = insn.line; }
          lastLocation = location;
          return out;
        }),
      };
    });
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const stop = this.engine?.currentStop;
    const id = stop?.signal?.name ?? (stop?.panic ? 'panic' : stop?.syscall ? `syscall-${stop.syscall.phase}` : 'stop');
    response.body = { exceptionId: id, description: stop?.description ?? '', breakMode: stop?.signal ? 'always' : 'userUnhandled' };
    this.sendResponse(response);
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.endSession();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.endSession();
    this.sendResponse(response);
  }

  /**
   * The client is done with the session (an adapter inside the client's own process, see inline.ts): its
   * whole tree ends, as after a disconnect.
   */
  override dispose(): void {
    void this.endSession();
  }

  /** Ends the build, gdb, the program and its terminal; once, whoever asks first (disconnect, terminate, dispose). */
  protected endSession(): Promise<void> {
    this.ending ??= this.endEverything();
    return this.ending;
  }
  private ending: Promise<void> | undefined;

  private async endEverything(): Promise<void> {
    this.launchAbort.abort(); // a build still running ends with its whole tree
    this.prestartedEngine?.discard();
    this.prestartedRelay?.discard();
    this.programRun?.stop();
    const engine = this.engine ?? (await this.launchingEngine?.catch(() => undefined));
    await engine?.terminate().catch(() => undefined);
    this.relay?.close();
    this.relay = undefined;
    if (this.ttyReport) releaseReportedTty(this.ttyReport);
  }

  private running(): Engine {
    if (!this.engine) throw new Error('The program has not been started.');
    return this.engine;
  }

  private book(): BreakpointBook {
    if (!this.breakpoints) throw new Error('The program has not been loaded yet.');
    return this.breakpoints;
  }

  private source(file: string): Source {
    return new Source(path.basename(file), this.convertDebuggerPathToClient(file));
  }

  /** Runs a request handler; any error becomes an error response with its message, never a stack trace. */
  private async guard(response: DebugProtocol.Response, handler: () => Promise<unknown>, showUser = true): Promise<void> {
    try {
      await handler();
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, { id: 1, format: (error as Error).message, showUser });
    }
  }
}

/** The launch configuration's `stdin` file, relative to the program's working directory; a clear error when it cannot be read. */
function readStdinFile(stdin: string, cwd: string): Buffer {
  const file = path.resolve(cwd, stdin);
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new Error(`Cannot read the stdin file ${file}: ${why}. "stdin" in the launch configuration is relative to the program's working directory (${cwd}).`);
  }
}
