// One trace from start to finish: build (for sources), probe strace, run it, and stream
// strace output → parser → mapper → model, reporting each event as it completes.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OutputFormat } from '../toolchain/build';
import { prepareTarget as prepareProgram, TargetError, type PreparedTarget } from '../toolchain/target';
import { requireTool, type ToolPaths } from '../toolchain/tools';
import { relistProgram } from './relisting';
import { lookupSyscallByName } from '../syscalls';
import { programUsesLibc } from './map/elf';
import type { ExitEvent, SyscallEvent, TraceEvent } from './events';
import { TraceModel } from './model/model';
import { FdTracker } from './model/fds';
import { EventArchive } from './model/eventArchive';
import { StraceParser } from './parse/parser';
import { diagnoseStraceFailure, startStrace, TraceError, type RunningTrace } from './capture/runner';
import { findSupervisorInterpreter, type TerminalSize } from './capture/supervisor';
import { execTrampolineFor } from './capture/execTrampoline';
import { unwindCacheFor } from './capture/unwindCache';
import { loadProgramImage, SourceMapper } from './map/sourceMapper';
import { buildRelistedUnwindCopy, buildUnwindCopy, type UnwindCopy } from './unwindCopy';
import { writeAlignedCopy } from './alignedCopy';
import { DEFAULT_STRING_LIMIT, probeStrace, traceOptions, type StraceCapabilities, type TraceFlags } from './capture/straceProbe';

export interface TraceTarget extends PreparedTarget {
  /** Goes through libc: its syscalls are made inside libc, so -k stacks are needed to find the caller. */
  usesLibc: boolean;
}

export interface TraceRequest {
  /** A .asm/.nasm/.c source (built first) or a program. */
  file: string;
  args: string[];
  cwd?: string;
  /** A file the program reads as its stdin (see RunnerRequest.stdinFile); relative to cwd. */
  stdin?: string;
  /** Variables added to (or replacing) the environment the program gets. */
  env?: Readonly<Record<string, string>>;
  tools?: Partial<ToolPaths>;
  /** Absolute paths, from resolveBuildOptions. */
  includePaths?: string[];
  buildDirectory?: string;
  defaultFormat?: OutputFormat;
  stringLimit?: number;
  inject?: TraceFlags['inject'];
  /** See RunnerRequest.stdio; `terminal` falls back to `pipe` where python3 is missing. */
  stdio: 'inherit' | 'pipe' | 'output' | 'terminal';
  terminalSize?: TerminalSize;
  /** How strace's output reaches us (see RunnerRequest.capture). */
  capture?: 'fifo' | 'file';
  /**
   * Collect `-k` stacks, which credit every call made inside libc to the user's line but cost about
   * 16× plain strace on a libc program (strace 6.1 unwinds each call with libunwind). Default
   * (`stacksByDefault`): with stacks for a libc program that has debug lines. Without stacks, a call
   * made inside a library function is credited when the program calls that function from one place
   * only and nothing else reaches it (trace/map/callSites.ts); the others keep no line and say why.
   */
  stackTraces?: boolean;
  /**
   * Trace only these syscalls (names of the x86-64 table); calls credited through -k stacks then
   * cost their unwinding only for these. Descriptors made by other calls have no known origin.
   */
  syscalls?: string[];
  ownProcessGroup?: boolean;
  /** Directories whose binaries count as the user's own for -k frame mapping. */
  workspaceRoots?: string[];
  /** Collect into this model (e.g. one a view already shows); a new one by default. */
  model?: TraceModel;
  onEvent?: (event: TraceEvent) => void;
  /** The call strace is blocked in right now (refreshed while the trace is quiet). */
  onInProgress?: (event: SyscallEvent) => void;
  /** The program's own stderr output (strace's messages become notice events instead). */
  onProgramStderr?: (text: string) => void;
  /** With stdio `terminal`: what the program's terminal shows, strace's messages taken out. */
  onTerminalOutput?: (text: string) => void;
}

export interface TraceResult {
  target: TraceTarget;
  model: TraceModel;
  capabilities: StraceCapabilities;
  unparsed: string[];
  unparsedCount: number;
  /** The first process's exit, i.e. the program's exit status. */
  programExit?: ExitEvent;
  stopped: boolean;
  straceStderr: string;
  /** Whether calls were unwound with -k stacks (see TraceRequest.stackTraces). */
  stackTraces: boolean;
  /** strace died under the program, which was then ended: how (see RunnerOutcome.straceDeath). */
  straceDeath?: string;
}

/** How long a quiet trace waits for the -k frames of its last call before handing it out without them. */
const STACK_WAIT_MS = 3_000;

/** Builds a source or checks a program (toolchain/target); throws TraceError with a message a user can act on. */
export async function prepareTarget(request: Pick<TraceRequest, 'file' | 'tools' | 'includePaths' | 'buildDirectory' | 'defaultFormat'>): Promise<TraceTarget> {
  try {
    const prepared = await prepareProgram(request.file, request);
    return { ...prepared, usesLibc: prepared.build?.format === 'c' || programUsesLibc(prepared.program) };
  } catch (error) {
    if (error instanceof TargetError) throw new TraceError(error.reason, error.message);
    throw error;
  }
}

/**
 * Whether a libc program is traced with -k stacks when the caller does not say: yes when it has
 * debug lines. Only a stack credits the calls libc makes for the program (write, read, open, close:
 * stdio, malloc, start-up and exit call them too) and tells start-up, the user's code and exit apart;
 * crediting by call site (trace/map/callSites.ts) places only wrappers that libc never calls itself.
 * Without debug lines (/bin/ls) no stack could name a line, so only the cost would remain.
 * Tracing without stacks stays a choice (setting `never`, `--no-stacks`); a syscall filter makes
 * stacks cheap.
 */
export function stacksByDefault(target: TraceTarget, syscalls: readonly string[] | undefined): boolean {
  if (!target.usesLibc) return false;
  if (syscalls !== undefined && syscalls.length > 0) return true;
  return (loadProgramImage(target.program)?.lines.size ?? 0) > 0;
}

export class TraceSession {
  private constructor(
    readonly target: TraceTarget,
    private readonly running: RunningTrace,
    private readonly model: TraceModel,
    readonly done: Promise<TraceResult>,
    /** The program's stdio as it ran: `terminal` may have fallen back to `pipe`. */
    readonly stdio: TraceRequest['stdio'],
    /** NASM sources of a program built elsewhere that could not be listed again (relisting.ts): their macro calls keep the body's lines. */
    readonly unlistedSources: ReadonlyArray<{ source: string; reason: string }> = [],
  ) {}

  /**
   * The strace process; with stdio 'pipe' its stdin/stdout are the program's. With 'terminal' it is
   * the supervisor: its stdin is typed into the program's terminal.
   */
  get child(): ChildProcess {
    return this.running.child;
  }

  /** Resizes the program's terminal (stdio 'terminal'; nothing otherwise). */
  resize(size: TerminalSize): void {
    this.running.resize(size);
  }

  /** Kills strace and every process it traces. */
  stop(): void {
    // Traced processes first, while strace still holds them: one that left our process group
    // (setsid, a daemon) would otherwise run on once strace is gone.
    for (const [pid, info] of this.model.processes) {
      if (pid > 0 && info.exit === undefined) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    }
    this.running.stop();
  }

  static async start(request: TraceRequest, preparedTarget?: TraceTarget): Promise<TraceSession> {
    // Checked before anything runs: strace would refuse the whole command for one bad name.
    const unknown = (request.syscalls ?? []).filter((name) => !/^[a-z_][a-z0-9_]*$/.test(name) || !lookupSyscallByName('x86_64', name).known);
    if (unknown.length > 0) {
      throw new TraceError('unknown-syscall', `Not a syscall of x86-64: ${unknown.map((name) => JSON.stringify(name)).join(', ')} (the filter takes names such as write,openat).`);
    }
    const strace = requireTool('strace', request.tools);
    const target = preparedTarget ?? await prepareTarget(request);
    const capabilities = await probeStrace(strace);
    // A NASM program built elsewhere: its sources assembled again with listings put macro calls at their lines.
    const relisting = !target.build && !target.listing ? await relistProgram(target.program, { tools: request.tools }).catch(() => undefined) : undefined;
    // A static NASM program whose wrapper procedures make syscalls runs as a copy strace -k can unwind:
    // ours from its build, one built elsewhere from its sources assembled again (in a folder of its own,
    // which strace -k reads from while the program runs).
    let unwind: UnwindCopy | undefined;
    let copyFolder: string | undefined;
    if (!target.usesLibc && capabilities.supports.stackTraces) {
      if (target.build) unwind = await buildUnwindCopy(target.build, request.tools);
      else if (relisting?.units.length) {
        copyFolder = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-unwind-'));
        unwind = await buildRelistedUnwindCopy(target.program, relisting.units, copyFolder, request.tools);
      }
    }
    const removeCopy = () => { if (copyFolder) rmSync(copyFolder, { recursive: true, force: true }); };
    if (!unwind) removeCopy();
    const stack = request.stackTraces ?? (unwind !== undefined || stacksByDefault(target, request.syscalls));
    // libunwind loses frames of a program whose code starts mid-page (LLD's layout) or that has no unwind
    // search table (gcc -static): trace a copy that has neither fault (alignedCopy.ts, frameIndex.ts).
    const aligned = !unwind && stack && capabilities.stackTrace === 'libunwind' ? writeAlignedCopy(target.program) : undefined;
    const traced = unwind?.program ?? aligned ?? target.program;
    const model = request.model ?? new TraceModel();
    const roots = (request.workspaceRoots ?? []).map((r) => path.resolve(r) + path.sep);
    const userRoots = [...roots, ...[target.source, ...target.build?.companions ?? []].filter((file): file is string => !!file).map((file) => path.dirname(file))];
    const mapper = new SourceMapper({
      program: traced, listing: target.listing, mainSource: target.source, otherListings: target.build?.companionListings ?? relisting?.listings, wrapperSites: unwind?.wrapperSites,
      frameAddresses: capabilities.stackTrace === 'libdw' ? 'module-address' : 'file-offset',
      isWorkspaceBinary: (module) => roots.some((root) => module.startsWith(root)),
      userSourceRoots: userRoots,
    });
    if (relisting) {
      // The image reads the listings now; their folder need not outlive this.
      void mapper.image;
      relisting.dispose();
    }
    const supervisor = findSupervisorInterpreter();
    const options = traceOptions(capabilities, { stack, stringLimit: request.stringLimit ?? DEFAULT_STRING_LIMIT, inject: request.inject, syscalls: request.syscalls, startsProgram: !supervisor });
    // Under -k, the supervisor starts the program through the exec trampoline (see execTrampoline.ts).
    const execTrampoline = supervisor ? execTrampolineFor(options) : undefined;
    // Under -k through libunwind, strace runs with the unwind cache preloaded (see unwindCache.ts).
    const stracePreload = await unwindCacheFor(capabilities, options, request.tools?.gcc);
    const fds = new FdTracker();
    let programExit: ExitEvent | undefined;
    let rootPid: number | undefined;
    // Enough to tell, at the end, whether anything was traced (the model may keep no events).
    const seen = { events: 0, execs: 0, failedExecs: 0, firstFailedExec: undefined as SyscallEvent | undefined };
    // A model that keeps a window of events reads the others back from strace's file (through a
    // FIFO, from the archive's own copy).
    let archive = model.windowed && request.capture === 'fifo' ? EventArchive.copying() : undefined;
    if (archive) model.attachArchive(archive);
    const parser = new StraceParser({
      // Started by the supervisor, the program stops itself before its execve and strace attaches there.
      attachedBeforeExec: supervisor !== undefined,
      supervisorExecs: execTrampoline ? 1 : 0,
      onSpan: model.windowed ? (seq, start, end) => archive?.span(seq, start, end) : undefined,
      onEvent: (event) => {
        rootPid ??= event.pid;
        if (event.kind !== 'notice') seen.events++;
        if (event.kind === 'syscall' && event.name === 'execve' && !event.inProgress) {
          seen.execs++;
          if (event.errno !== undefined) {
            seen.failedExecs++;
            seen.firstFailedExec ??= event;
          }
        }
        mapper.map(event);
        if (event.kind === 'syscall') fds.observe(event);
        model.upsert(event);
        if (event.kind === 'exit' && event.pid === rootPid) programExit = event;
        request.onEvent?.(event);
      },
    });
    const stdio = request.stdio === 'terminal' && !supervisor ? 'pipe' : request.stdio;
    const toProgram = stdio === 'terminal' ? request.onTerminalOutput : request.onProgramStderr;
    const cwd = request.cwd ?? path.dirname(target.source ?? target.program);
    let quietSince = Date.now();
    let reported: SyscallEvent | undefined;
    const running = await startStrace({
      strace,
      options,
      program: traced, argv0: traced !== target.program ? target.program : undefined, args: request.args, cwd,
      stdinFile: request.stdin !== undefined ? path.resolve(cwd, request.stdin) : undefined,
      env: request.env ? { ...process.env, ...request.env } : undefined,
      stdio, supervisor, execTrampoline, stracePreload, terminalSize: request.terminalSize, ownProcessGroup: request.ownProcessGroup ?? false, capture: request.capture,
      onCaptureFile: model.windowed ? (file) => {
        archive = EventArchive.open(file);
        model.attachArchive(archive);
      } : undefined,
      onTrace: (chunk) => {
        quietSince = Date.now();
        archive?.feed(chunk);
        parser.push(chunk);
      },
      onStraceMessage: (line) => parser.addNotice(line),
      onProgramOutput: (text) => toProgram?.(text),
    }).catch((error: unknown) => {
      removeCopy();
      throw error;
    });
    // strace writes a call's entry half as soon as it starts: while the trace is quiet, that partial
    // line is the call the program is blocked in.
    // Either way, a quiet trace hands out the calls held back for stack frames that may follow.
    const ticker = request.onInProgress || request.onEvent ? setInterval(() => {
      const quiet = Date.now() - quietSince;
      if (quiet < 150) return;
      // With -k, the last call waits for its frames (strace may still be unwinding it), for a while.
      const awaitingStack = stack && quiet < STACK_WAIT_MS;
      if (!request.onInProgress) return parser.releaseHeld(awaitingStack);
      const blocked = parser.inProgress(awaitingStack);
      if (blocked && blocked.seq !== reported?.seq) {
        mapper.map(blocked);
        reported = blocked;
        // It is a row like any other, in progress until its line completes under the same seq.
        model.upsert(blocked);
        request.onEvent?.(blocked);
        request.onInProgress!(blocked);
      }
    }, 200) : undefined;

    const done = (async (): Promise<TraceResult> => {
      const outcome = await running.done.finally(removeCopy);
      if (ticker) clearInterval(ticker);
      parser.end();
      // The program never started: its execve failed (not an executable format, no permission).
      const failed = seen.firstFailedExec;
      if (!outcome.stopped && failed && seen.execs === seen.failedExecs) {
        throw new TraceError('not-a-program', `Could not run ${target.program}: ${failed.errnoMessage ?? failed.errno}`);
      }
      // strace's own messages alone (`strace: exec: …`) mean nothing was traced.
      if (!outcome.stopped && seen.events === 0) {
        const failure = diagnoseStraceFailure(outcome.stderr, target.program);
        if (failure) throw failure;
        throw new TraceError('strace-failed', `strace produced no trace${outcome.stderr.trim() ? `: ${outcome.stderr.trim().split('\n')[0]}` : '.'}`);
      }
      const result: TraceResult = {
        target, model, capabilities, unparsed: parser.unparsed, unparsedCount: parser.unparsedCount,
        stopped: outcome.stopped, straceStderr: outcome.stderr, stackTraces: stack && capabilities.supports.stackTraces,
      };
      if (programExit) result.programExit = programExit;
      if (outcome.straceDeath) result.straceDeath = outcome.straceDeath;
      return result;
    })();
    return new TraceSession(target, running, model, done, stdio, relisting?.skipped);
  }
}
