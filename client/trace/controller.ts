import { accessSync, closeSync, constants, openSync, statSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { likelyErrnos, lookupSyscallByName, errnoByName } from '../../syscalls';
import type { SyscallEvent, TraceEvent } from '../../trace/events';
import { toJsonLine } from '../../trace/model/jsonl';
import { loadStraceLogFile, summarizeStraceLogFile } from '../../trace/logFile';
import { manPageErrorReasons } from '../../syscalls/manpage';
import { compareSummaries, TraceModel, VIEW_WINDOW, type SyscallStats } from '../../trace/model/model';
import { TraceError } from '../../trace/capture/runner';
import { TraceSession, type TraceRequest } from '../../trace/session';
import { describeUnlisted } from '../../trace/relisting';
import { ToolNotFoundError } from '../../toolchain/tools';
import { buildOptionsFor, ensureTrusted, readConfig } from '../config';
import { COMMANDS, SETTINGS, SETTINGS_SECTION, TRACE_CATEGORIES, TRACING_CONTEXT } from '../contributions';
import type { TraceAnnotations } from './annotations';
import { ProgramTerminal } from './programTerminal';
import type { CompareView, HostMessage, PanelMessage, TraceRow } from './protocol';
import type { TraceViewProvider } from './traceView';
import { callSteps, diffCalls, type CallStep } from '../../trace/model/sequence';
import { NO_FILTER, toRow, TraceViewModel, waitsForInput } from './viewModel';
import { describeRunOptions, joinArguments, splitArguments } from './arguments';
import type { LastTraces } from './lastTraces';
import { configurationFor, readTraceConfigurations, type TraceRunOptions } from '../../trace/configuration';

const ARGUMENTS_KEY = 'syscallLens.traceArguments';
/** The stdin file given for a file ('' when the user chose none: the terminal). */
const STDIN_KEY = 'syscallLens.traceStdin';

interface RunRecord {
  title: string;
  summary: SyscallStats[];
  /** The calls in order (bounded), for the aligned comparison; `complete` false when cut. */
  steps: CallStep[];
  complete: boolean;
}

/** At most this many sequence changes go to the panel. */
const SHOWN_CHANGES = 2_000;
/**
 * After a trace with stacks this long, offer one without: at the roughly 0.4 ms of CPU strace -k spends
 * unwinding each call of a libc program (strace 6.1; measured with scripts/bench/trace.ts), 20,000 calls are about 8 s.
 */
const OFFER_FASTER_AFTER_CALLS = 20_000;

/** One trace at a time: runs it, feeds the panel and the editor, answers the panel's requests. */
export class TraceController implements vscode.Disposable {
  private model = new TraceModel();
  private readonly viewModel = new TraceViewModel(this.model);
  private session: TraceSession | undefined;
  private terminal: ProgramTerminal | undefined;
  private title = 'No trace yet.';
  private source: vscode.Uri | undefined;
  private unparsedCount = 0;
  private readonly history: RunRecord[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private lastStatus: Extract<HostMessage, { type: 'status' }> | undefined;
  private lastInProgress: TraceRow | undefined;
  private lastCompare: Extract<HostMessage, { type: 'compare' }> | undefined;
  private lastHeavyFlush = 0;
  /** Syscalls whose man page's ERRORS reasons were asked for (read once per session). */
  private readonly reasonsAsked = new Set<string>();

  /** Fires when what a file's Trace will be given changes (the CodeLens says it). */
  private readonly runOptionsChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeRunOptions = this.runOptionsChanged.event;

  constructor(
    private readonly view: TraceViewProvider, private readonly annotations: TraceAnnotations, private readonly memory?: vscode.Memento,
    private readonly lastTraces?: LastTraces,
  ) {}

  /**
   * How a file's program runs: its entry in syscallLens.trace.configurations, then what Trace with
   * Arguments… was last told for it (remembered per file in the workspace), which wins.
   */
  runOptionsOf(target: vscode.Uri): TraceRunOptions & { problems: string[] } {
    const folder = vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath ?? path.dirname(target.fsPath);
    const { configurations, problems } = readTraceConfigurations(readConfig(target).traceConfigurations);
    const options = configurationFor(configurations, target.fsPath, folder) ?? { args: [] };
    const args = this.memory?.get<string[]>(`${ARGUMENTS_KEY}:${target.fsPath}`);
    if (args) options.args = args;
    const stdin = this.memory?.get<string>(`${STDIN_KEY}:${target.fsPath}`);
    if (stdin) options.stdin = stdin;
    else if (stdin === '') delete options.stdin;
    return { ...options, problems };
  }

  /** `notes.txt < input.txt`: what Trace gives this file's program, or '' for nothing. */
  describeRun(target: vscode.Uri): string {
    return describeRunOptions(this.runOptionsOf(target), vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath);
  }

  /** Asks for the program's arguments and stdin file (the last ones offered), remembers them, then traces. */
  async traceWithArguments(uri: vscode.Uri | undefined): Promise<void> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!target || target.scheme !== 'file') return this.trace(target);
    const current = this.runOptionsOf(target);
    const name = path.basename(target.fsPath);
    const line = await vscode.window.showInputBox({
      title: `Arguments for ${name} (1/2)`, value: joinArguments(current.args),
      prompt: 'Separated by blanks; quote with \' or " (no shell runs them: no $VARIABLES, globs or redirections)',
      validateInput: (text) => { const words = splitArguments(text); return Array.isArray(words) ? undefined : `Not closed: ${words.error}`; },
    });
    if (line === undefined) return;
    const words = splitArguments(line);
    if (!Array.isArray(words)) return;
    const stdin = await this.askStdin(target, current.stdin);
    if (stdin === undefined) return;
    await this.memory?.update(`${ARGUMENTS_KEY}:${target.fsPath}`, words);
    await this.memory?.update(`${STDIN_KEY}:${target.fsPath}`, stdin);
    this.runOptionsChanged.fire();
    await this.trace(target);
  }

  /** The program's stdin: a file (its absolute path) or '' for its terminal; undefined when cancelled. */
  private async askStdin(target: vscode.Uri, current: string | undefined): Promise<string | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath;
    const shown = (file: string) => (folder && !path.relative(folder, file).startsWith('..') ? path.relative(folder, file) : file);
    // The current choice comes first, so Enter keeps it.
    const items: (vscode.QuickPickItem & { file?: string })[] = [
      ...(current ? [{ label: `$(file) ${shown(current)}`, description: 'the program reads this file', file: current }] : []),
      { label: '$(terminal) No stdin file', description: 'type the input in the program\'s terminal', file: '' },
      { label: '$(folder-opened) Choose a file…', description: 'the program reads it as its standard input (program < file)' },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: `Standard input for ${path.basename(target.fsPath)} (2/2)`, placeHolder: 'Where the program reads its input from',
    });
    if (!picked) return undefined;
    if (picked.file !== undefined) return picked.file;
    const chosen = await vscode.window.showOpenDialog({
      canSelectMany: false, openLabel: 'Use as stdin', defaultUri: current ? vscode.Uri.file(current) : vscode.Uri.file(folder ?? path.dirname(target.fsPath)),
    });
    return chosen?.[0]?.fsPath;
  }

  handle(message: PanelMessage): void {
    switch (message.type) {
      case 'ready':
        // A new (or reloaded) webview: give it the whole current state.
        this.view.post({ type: 'categories', categories: [...TRACE_CATEGORIES] });
        this.view.post({ type: 'reset', title: this.title, running: this.session !== undefined });
        if (this.lastStatus) this.view.post(this.lastStatus);
        this.view.post({ type: 'inProgress', row: this.lastInProgress });
        if (this.lastCompare) this.view.post(this.lastCompare);
        this.flush(true);
        break;
      case 'range':
        this.view.post({ type: 'rows', start: message.start, rows: this.viewModel.rows(message.start, message.count), generation: this.viewModel.generation });
        break;
      case 'filter':
        this.viewModel.setFilter(message.filter);
        this.flush(false);
        break;
      case 'reveal':
        void this.reveal(message.seq);
        break;
      case 'jump':
        this.jump(message.seq);
        break;
      case 'failCall':
        void this.failCall(message.seq);
        break;
      case 'command':
        void vscode.commands.executeCommand(COMMANDS[message.command]);
        break;
    }
  }

  /** Shows an event's row in the panel (an fd's origin), clearing a filter that hides it. */
  private jump(seq: number): void {
    const cleared = this.viewModel.indexOf(seq) < 0;
    if (cleared) {
      this.viewModel.setFilter(NO_FILTER);
      this.flush(false);
    }
    const index = this.viewModel.indexOf(seq);
    if (index >= 0) this.view.post({ type: 'focus', index, seq, cleared });
  }

  /** Builds and traces a source file (or traces a program) with the user's settings. */
  async trace(uri: vscode.Uri | undefined, inject?: TraceRequest['inject'], stackTraces?: boolean): Promise<void> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!target || target.scheme !== 'file') {
      void vscode.window.showInformationMessage('Open a NASM (.asm) or C file to trace, or choose a program.');
      return;
    }
    if (!ensureTrusted('build, run or trace programs')) return;
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
    if (document?.isDirty) await document.save();
    this.stop();
    const config = readConfig(target);
    const folder = vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath;
    let build: ReturnType<typeof buildOptionsFor>;
    try {
      build = buildOptionsFor(target);
    } catch (error) {
      void vscode.window.showErrorMessage(`Cannot trace ${path.basename(target.fsPath)}: ${(error as Error).message}`);
      return;
    }
    const name = path.basename(target.fsPath);
    const run = this.runOptionsOf(target);
    if (run.problems.length) void vscode.window.showWarningMessage(`Ignored in your settings: ${run.problems.join('. ')}.`);
    const given = run.stdin ? ` < ${path.basename(run.stdin)}` : '';
    this.startRun(`${name}${given}${inject ? ` with ${inject.syscall} #${inject.when} failing (${inject.errno})` : ''}`, target);
    const model = this.model;
    // A later trace or log replaces this run: from then on this one reports nothing.
    const superseded = () => this.model !== model;
    await this.view.reveal();
    this.terminal?.dispose();
    const terminal = new ProgramTerminal(`Syscall Lens: ${name}`);
    this.terminal = terminal;
    let askedForInput = false;
    let calls = 0;
    try {
      const session = await TraceSession.start({
        file: target.fsPath, args: run.args, cwd: run.cwd ?? folder ?? path.dirname(target.fsPath),
        ...(run.stdin ? { stdin: run.stdin } : {}), ...(run.env ? { env: run.env } : {}),
        ...build, tools: { ...config.tools, ...build.tools }, stringLimit: config.traceStringLimit, inject,
        ...((stackTraces ?? config.traceStackTraces) !== undefined ? { stackTraces: stackTraces ?? config.traceStackTraces } : {}),
        // Its own pty, so the program behaves as in a shell (isatty, line buffering, Ctrl-C).
        stdio: 'terminal', terminalSize: terminal.size, ownProcessGroup: true, model,
        workspaceRoots: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
        onEvent: (event) => {
          if (superseded()) return;
          if (event.kind === 'syscall' && !event.inProgress) calls++;
          this.onEvent(event);
        },
        onInProgress: (event) => {
          if (superseded()) return;
          this.showInProgress(toRow(event, model.firstTime));
          if (!waitsForInput(event)) return;
          this.showStatus(`${name} is waiting for input: type it in its terminal`, true);
          // The first time only: later reads should not keep taking the focus away.
          if (!askedForInput) terminal.show(false);
          askedForInput = true;
        },
        onProgramStderr: (text) => terminal.output(text),
        onTerminalOutput: (text) => terminal.output(text),
      });
      if (superseded()) {
        session.stop();
        return;
      }
      this.session = session;
      for (const { source, reason } of session.unlistedSources) terminal.note(`[${describeUnlisted(path.basename(source), reason)}]`);
      terminal.attach(session.child.stdin, session.stdio === 'terminal', (size) => session.resize(size));
      if (session.stdio !== 'terminal') session.child.stdout?.on('data', (chunk: Buffer) => terminal.output(chunk));
      void this.view.keepInFront(() => terminal.show());
      this.showStatus(`Tracing ${this.title}…`, true);
      const result = await session.done;
      if (superseded()) return;
      this.unparsedCount = result.unparsedCount;
      const exit = result.programExit;
      const outcome = result.stopped ? 'stopped' : exit?.killedBy ? `killed by ${exit.killedBy}` : exit ? `exited with ${exit.exitCode}` : 'ended';
      terminal.note(`[${path.basename(result.target.program)} ${outcome}]`);
      // The size view's syscall count: the program's own behaviour, so a run stopped early or with an injected failure is not it.
      if (!result.stopped && !inject) this.lastTraces?.record(result.target.program, result.target.source, model.summary().reduce((n, s) => n + s.calls, 0));
      this.finishRun(`${this.title} — ${outcome}`);
      // Offered once per file, and only while the setting leaves the choice to the trace.
      if (result.stackTraces && calls >= OFFER_FASTER_AFTER_CALLS && stackTraces === undefined && config.traceStackTraces === undefined && !this.offeredFaster.has(target.fsPath)) {
        this.offeredFaster.add(target.fsPath);
        void this.offerWithoutStacks(target, inject, calls);
      }
    } catch (error) {
      if (superseded()) return;
      const message = error instanceof TraceError || error instanceof ToolNotFoundError ? error.message : `Tracing failed: ${error instanceof Error ? error.message : String(error)}`;
      this.finishRun(message, true);
      void vscode.window.showErrorMessage(message);
    }
  }

  private readonly offeredFaster = new Set<string>();

  /** A long trace with stacks: offer to run again without them (and to keep them off). */
  private async offerWithoutStacks(target: vscode.Uri, inject: TraceRequest['inject'] | undefined, calls: number): Promise<void> {
    const again = 'Trace Without Stacks';
    const never = 'Never Use Stacks';
    const picked = await vscode.window.showInformationMessage(
      `${path.basename(target.fsPath)} made ${calls.toLocaleString('en-US')} calls, each unwound with strace -k to find your line: about 16 times the cost of plain strace. ` +
      'Without stacks it costs about as much as plain strace; calls made inside libc are then credited only where one call of yours is the only way in.',
      again, never);
    if (picked === never) await vscode.workspace.getConfiguration(SETTINGS_SECTION, target).update(SETTINGS.traceStackTraces.key, 'never', vscode.ConfigurationTarget.Workspace);
    if (picked) await this.trace(target, inject, false);
  }

  stop(): void {
    this.session?.stop();
  }

  async openLog(uri?: vscode.Uri): Promise<void> {
    // The active tab's file, even when VS Code shows no text editor for it (a log too large to display).
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const active = input instanceof vscode.TabInputText && input.uri.scheme === 'file' && /\.strace$/i.test(input.uri.fsPath) ? input.uri : undefined;
    const target = uri ?? active
      ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'strace logs': ['strace', 'txt', 'log'], 'All files': ['*'] }, openLabel: 'Open in trace panel' }))?.[0];
    if (!target) return;
    const cannot = (error: unknown) => `Could not open ${path.basename(target.fsPath)}: ${error instanceof Error ? error.message : String(error)}`;
    try {
      // Read as it is parsed, never whole (a log of millions of calls is hundreds of megabytes).
      accessSync(target.fsPath, constants.R_OK);
      if (statSync(target.fsPath).isDirectory()) throw new Error('it is a folder');
    } catch (error) {
      void vscode.window.showErrorMessage(cannot(error));
      return;
    }
    this.stop();
    const model = new TraceModel({ window: VIEW_WINDOW });
    this.startRun(path.basename(target.fsPath), undefined, model);
    this.showStatus(`Reading ${this.title}…`, false);
    void this.view.reveal();
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const policy = { workspaceRoots: roots, trusted: vscode.workspace.isTrusted };
    let loaded;
    try {
      loaded = await loadStraceLogFile(target.fsPath, policy, (event) => this.onEvent(event), model);
    } catch (error) {
      if (this.model === model) this.finishRun(cannot(error), true);
      return;
    }
    if (this.model !== model) return; // another trace started meanwhile
    this.unparsedCount = loaded.unparsedCount;
    this.finishRun(`${this.title} — ${model.size.toLocaleString()} events${loaded.mapped ? '' : ' (no program to map to source lines)'}`);
    await this.view.reveal();
  }

  async exportJsonl(): Promise<void> {
    if (this.model.size === 0) {
      void vscode.window.showInformationMessage('There is no trace to export yet.');
      return;
    }
    const base = this.source ? path.join(path.dirname(this.source.fsPath), `${path.basename(this.source.fsPath)}.trace.jsonl`) : 'trace.jsonl';
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(base), filters: { 'JSON Lines': ['jsonl'] } });
    if (!target) return;
    // Written in batches: a million-event trace would not fit in one string comfortably.
    const fd = openSync(target.fsPath, 'w');
    let count = 0;
    try {
      let batch: string[] = [];
      for (const event of this.model.all()) {
        batch.push(toJsonLine(event));
        count++;
        if (batch.length === 10_000) {
          writeSync(fd, batch.join('\n') + '\n');
          batch = [];
        }
      }
      if (batch.length) writeSync(fd, batch.join('\n') + '\n');
    } finally {
      closeSync(fd);
    }
    void vscode.window.showInformationMessage(`Exported ${count.toLocaleString()} events to ${path.basename(target.fsPath)}.`);
  }

  /** Puts the current run beside an earlier run (or a log): calls per syscall and the difference. */
  async compare(): Promise<void> {
    const items: (vscode.QuickPickItem & { run?: RunRecord })[] = this.history.slice(0, -1).reverse()
      .map((run) => ({ label: run.title, description: `${run.summary.reduce((n, s) => n + s.calls, 0)} calls`, run }));
    items.push({ label: '$(folder-opened) Open a strace log…' });
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `Compare the current trace (${this.title}) with…` });
    if (!picked) return;
    let other = picked.run;
    if (!other) {
      const file = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'strace logs': ['strace', 'txt', 'log'], 'All files': ['*'] } }))?.[0];
      if (!file) return;
      try {
        other = { title: path.basename(file.fsPath), ...await summarizeStraceLogFile(file.fsPath) };
      } catch (error) {
        void vscode.window.showErrorMessage(`Could not read ${path.basename(file.fsPath)}: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    }
    const { rows, totalA, totalB } = compareSummaries(other.summary, this.model.summary());
    const view: CompareView = { titleA: other.title, titleB: this.title, totalA, totalB, rows };
    const current = this.currentSteps();
    const changes = other.complete && current.complete ? diffCalls(other.steps, current.steps) : undefined;
    if (changes) {
      view.changes = changes.slice(0, SHOWN_CHANGES);
      view.changeCount = changes.length;
    }
    this.lastCompare = { type: 'compare', view };
    this.view.post({ ...this.lastCompare, reveal: true });
    await this.view.reveal();
  }

  /** Re-runs the program with this call failing: `-e inject=NAME:error=ERRNO:when=N`. */
  async failCall(seq: number): Promise<void> {
    const event = this.model.get(seq);
    if (!event || event.kind !== 'syscall' || !this.source) {
      void vscode.window.showInformationMessage('Fail this call works on calls of a program traced from a source file.');
      return;
    }
    const lookup = lookupSyscallByName(event.abi, event.name);
    const errnos = lookup.known ? likelyErrnos(lookup.syscall) : ['EIO', 'ENOMEM', 'EINVAL'];
    const picked = await vscode.window.showQuickPick(
      errnos.map((name) => ({ label: name, description: errnoByName(name)?.message ?? '' })),
      { placeHolder: `Make ${event.name} call #${this.occurrence(event)} of pid ${event.pid} fail with…` });
    if (!picked) return;
    await this.trace(this.source, { syscall: event.name, errno: picked.label, when: this.occurrence(event) });
  }

  /** strace counts `when=N` per syscall and per traced process: this call is the Nth of its name in its pid. */
  private occurrence(event: SyscallEvent): number {
    let count = 0;
    for (const other of this.model.all()) {
      if (other.kind === 'syscall' && other.name === event.name && other.pid === event.pid) count++;
      if (other.seq === event.seq) break;
    }
    return count;
  }

  private async reveal(seq: number): Promise<void> {
    const where = this.model.get(seq)?.location;
    if (!where) return;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(where.file));
    const editor = await vscode.window.showTextDocument(document, { preserveFocus: false, preview: true, viewColumn: vscode.ViewColumn.One });
    const line = Math.min(where.line, document.lineCount) - 1;
    const range = document.lineAt(line).range;
    editor.selection = new vscode.Selection(range.start, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** This run's calls in order, for Compare. */
  private currentSteps(): { steps: CallStep[]; complete: boolean } {
    return callSteps(this.model.all(), (event) => (event.location ? `${path.basename(event.location.file)}:${event.location.line}` : undefined));
  }

  private startRun(title: string, source: vscode.Uri | undefined, model = new TraceModel({ window: VIEW_WINDOW })): void {
    // The run this one replaces: its log is no longer read (Compare keeps its summary and steps).
    if (this.model !== model) this.model.dispose();
    this.model = model;
    // A comparison was of the run this one replaces.
    if (this.lastCompare?.view) {
      this.lastCompare = { type: 'compare', view: undefined };
      this.view.post(this.lastCompare);
    }
    this.viewModel.reset(model);
    this.title = title;
    this.source = source;
    this.unparsedCount = 0;
    this.annotations.show(model);
    this.lastStatus = undefined;
    this.view.post({ type: 'reset', title, running: source !== undefined });
    this.showInProgress(undefined);
    this.flush(true);
  }

  private showStatus(text: string, running: boolean, error = false): void {
    if (running !== this.lastStatus?.running) void vscode.commands.executeCommand('setContext', TRACING_CONTEXT, running);
    this.lastStatus = { type: 'status', text, running, error };
    this.view.post(this.lastStatus);
  }

  private showInProgress(row: TraceRow | undefined): void {
    this.lastInProgress = row;
    this.view.post({ type: 'inProgress', row });
  }

  private finishRun(text: string, error = false): void {
    this.session = undefined;
    if (this.model.size > 0) {
      this.history.push({ title: this.title, summary: this.model.summary(), ...this.currentSteps() });
      if (this.history.length > 20) this.history.shift();
    }
    this.showInProgress(undefined);
    this.flush(true);
    this.showStatus(text, false, error);
  }

  private onEvent(event: TraceEvent): void {
    this.viewModel.add(event);
    if (this.lastInProgress?.seq === event.seq && !(event.kind === 'syscall' && event.inProgress)) this.showInProgress(undefined);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(false), 50);
  }

  /** Rows count often; summary, process tree and editor annotations at most 4 times a second. */
  private flush(everything: boolean): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.view.post({ type: 'count', total: this.model.size, matching: this.viewModel.matchingCount, unparsed: this.unparsedCount, generation: this.viewModel.generation });
    const now = Date.now();
    if (!everything && now - this.lastHeavyFlush < 250) {
      this.flushTimer = setTimeout(() => this.flush(false), 250);
      return;
    }
    this.lastHeavyFlush = now;
    this.view.post({ type: 'summary', ...this.viewModel.summaryRows() });
    this.readFailureReasons();
    this.view.post({ type: 'processes', rows: this.viewModel.processRows() });
    this.annotations.refresh();
  }

  /** The failed-only headers give each failing syscall's reason from its local man page (read in the background). */
  private readFailureReasons(): void {
    for (const name of this.viewModel.failedSyscalls()) {
      if (this.reasonsAsked.has(name)) continue;
      this.reasonsAsked.add(name);
      void manPageErrorReasons(name).then((reasons) => {
        if (!reasons) return;
        this.viewModel.setReasons(name, reasons);
        if (this.viewModel.filter.failedOnly) this.flush(false);
      });
    }
  }

  dispose(): void {
    this.runOptionsChanged.dispose();
    this.stop();
    clearTimeout(this.flushTimer);
    this.terminal?.dispose();
    this.model.dispose();
  }
}

