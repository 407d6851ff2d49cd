// Runs a program under strace, held by the supervisor (supervisor.py) when python3 is there. The
// trace goes to a private FIFO or file, never `-o /dev/fd/N` (the program would inherit that
// descriptor and its own descriptor numbers would shift), so the program keeps its stdio to itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, createReadStream, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { reportCommand } from '../../toolchain/commandLog';
import { runProgram } from '../../toolchain/tools';
import { LineSplitter, StderrSplitter } from './stderrSplitter';
import { straceEnvironment } from './straceEnvironment';
import {
  CONTROL_FD, resizeMessage, STDIN_FILE_FD, STOP_MESSAGE, STRACE_MESSAGES_FD, straceDeathOf, supervisorArguments, type TerminalSize,
} from './supervisor';

/** Tracing could not start or was refused; the message says what to do. */
export class TraceError extends Error {
  constructor(readonly reason: 'ptrace-denied' | 'program-not-found' | 'build-failed' | 'strace-failed' | 'not-a-program' | 'kernel-cannot-run' | 'stdin-file' | 'unknown-syscall', message: string) {
    super(message);
    this.name = 'TraceError';
  }
}

export const PTRACE_DENIED_HINT =
  'strace may not trace processes here (ptrace: Operation not permitted). In a container, run it with ' +
  '--cap-add=SYS_PTRACE; on a host, allow tracing children with `sudo sysctl kernel.yama.ptrace_scope=1` (or 0).';

export interface RunnerRequest {
  strace: string;
  options: string[];
  program: string;
  /**
   * The program's argv[0] when `program` is a copy of it (unwindCopy.ts): a program that finds its
   * files beside argv[0] still finds them. Needs the supervisor; strace alone runs `program` as named.
   */
  argv0?: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /**
   * The program's stdin, stdout and stderr: `inherit` the caller's terminal, `pipe` all three to us,
   * `output` (stdin inherited, stdout our stderr, stderr piped to us), or `terminal`: a pseudo-terminal of
   * the program's own (needs the supervisor): the child's stdin is typed into the terminal and what
   * the terminal shows arrives through onProgramOutput.
   */
  stdio: 'inherit' | 'pipe' | 'output' | 'terminal';
  /**
   * A file the program reads as its stdin instead (`program < FILE`, without a shell): we open it
   * and hand the descriptor over. The terminal, with stdio `terminal`, stays its stdout and stderr.
   */
  stdinFile?: string;
  /** The python3 that runs the supervisor. Without it strace runs directly (see StderrSplitter). */
  supervisor?: string;
  /**
   * With the supervisor: start the program through this exec trampoline (execTrampoline.ts), whose
   * execve then comes first in the trace (the parser's supervisorExecs).
   */
  execTrampoline?: string;
  /**
   * Preload this library into strace, and into strace only (unwindCache.ts: under -k). Without the
   * supervisor strace gets it through its environment, and the library takes itself out of
   * LD_PRELOAD before strace starts the program.
   */
  stracePreload?: string;
  terminalSize?: TerminalSize;
  /** Put strace and the program in their own process group (without the supervisor, Stop kills it). */
  ownProcessGroup: boolean;
  onTrace: (chunk: string) => void;
  /**
   * `fifo`: strace writes into a FIFO we read as it goes. `file`: strace writes a private file we
   * follow; strace writes each call in two halves, and a FIFO wakes the reader for every write,
   * which on a busy machine costs more than the tracing itself.
   */
  capture?: 'fifo' | 'file';
  /**
   * With capture `file`: the file strace is about to write, for a reader of its own to open now
   * (the capture folder is removed when the trace ends; an open descriptor keeps the file).
   */
  onCaptureFile?: (file: string) => void;
  /** One of strace's own messages (`strace: …`), without its line end. */
  onStraceMessage?: (line: string) => void;
  /** The program's stderr (stdio `pipe`/`output`), or with stdio `terminal` what its terminal shows. */
  onProgramOutput?: (chunk: string) => void;
}

export interface RunnerOutcome {
  straceExitCode: number | null;
  straceSignal: NodeJS.Signals | null;
  stopped: boolean;
  /** strace's own messages (the first 64 KiB). */
  stderr: string;
  /** The supervisor started the program stopped: its events before its execve are not the program's. */
  attached: boolean;
  /** strace died under the program (`strace was killed by SIGKILL; …`), as the supervisor saw it. */
  straceDeath?: string;
}

export interface RunningTrace {
  child: ChildProcess;
  done: Promise<RunnerOutcome>;
  stop(): void;
  /** Resizes the program's terminal (stdio `terminal` only). */
  resize(size: TerminalSize): void;
}

/** The private capture folders in the temporary directory start with this. */
export const CAPTURE_PREFIX = 'syscall-lens-trace-';

async function makeCapture(kind: 'fifo' | 'file'): Promise<{ dir: string; fifo: string }> {
  // mkdtemp creates the folder with mode 0700: nobody else can open the FIFO or file inside it.
  const dir = mkdtempSync(path.join(os.tmpdir(), CAPTURE_PREFIX));
  const fifo = path.join(dir, 'trace');
  if (kind === 'file') {
    writeFileSync(fifo, '', { mode: 0o600 });
    return { dir, fifo };
  }
  const made = await runProgram('mkfifo', ['-m', '600', fifo], { timeoutMs: 10_000 }).catch((error: Error) => ({ exitCode: 1, stderr: error.message }));
  if (made.exitCode !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new TraceError('strace-failed', `Could not create a FIFO for the trace (mkfifo: ${made.stderr.trim()}).`);
  }
  return { dir, fifo };
}

/** Our own stderr, which `output` makes the program's stdout. */
const OUR_STDERR = 2;

const STDIO: Record<RunnerRequest['stdio'], Array<'inherit' | 'pipe' | number>> = {
  inherit: ['inherit', 'inherit', 'inherit'],
  // The program writes its stdout straight to our stderr, as it would to the terminal there (C's stdio
  // buffers by line on a terminal, fully on a pipe: through a pipe of ours its writes moved to exit).
  output: ['inherit', OUR_STDERR, 'pipe'],
  pipe: ['pipe', 'pipe', 'pipe'],
  terminal: ['pipe', 'pipe', 'pipe'],
};

/** How long Stop waits for the supervisor to end the tree before killing it (strace dies with it). */
const STOP_GRACE_MS = 3_000;

/** Opens the program's stdin file for reading: a regular file, or a device such as /dev/null. */
export function openStdinFile(file: string): number {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO must not hang us here; it is refused below.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch (error) {
    throw new TraceError('stdin-file', `Cannot read the stdin file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}.`);
  }
  const stats = fstatSync(fd);
  if (stats.isFile() || stats.isCharacterDevice()) {
    // The program reads it as usual, blocking: only the open was not to block.
    closeSync(fd);
    return openSync(file, constants.O_RDONLY | constants.O_NOCTTY);
  }
  closeSync(fd);
  throw new TraceError('stdin-file', `The stdin file ${file} is ${stats.isDirectory() ? 'a folder' : 'not a regular file'}; give a file the program can read.`);
}

export async function startStrace(request: RunnerRequest): Promise<RunningTrace> {
  if (request.stdio === 'terminal' && !request.supervisor) throw new TraceError('strace-failed', 'A terminal for the program needs python3.');
  const stdinFd = request.stdinFile !== undefined ? openStdinFile(request.stdinFile) : undefined;
  try {
    return await startStraceWith(request, stdinFd);
  } finally {
    // The child holds its own copy.
    if (stdinFd !== undefined) closeSync(stdinFd);
  }
}

async function startStraceWith(request: RunnerRequest, stdinFd: number | undefined): Promise<RunningTrace> {
  const capture = request.capture ?? 'file';
  const { dir, fifo } = await makeCapture(capture);
  if (capture === 'file') {
    try {
      request.onCaptureFile?.(fifo);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
  const straceOptions = [...request.options, '-o', fifo];
  const program = [request.program, ...request.args];
  const supervised = request.supervisor !== undefined;
  const stdio: Array<'inherit' | 'pipe' | number> = [...STDIO[request.stdio]];
  // Without the supervisor, strace and the program share one stderr, which we need to see.
  if (!supervised && stdio[2] === 'inherit') stdio[2] = 'pipe';
  // strace passes its stdin on to the program; the supervisor gets the file beside its own stdin.
  if (!supervised && stdinFd !== undefined) stdio[0] = stdinFd;
  const env = request.env ?? process.env;
  // Variables for strace alone (the unwind cache, TZ): the supervisor gives them to strace; strace
  // started alone gets them in its environment and unsets for the program what the program lacked.
  const straceEnv = straceEnvironment(env, request.stracePreload);
  // strace started by the supervisor gets no -E, as it does not start the program; the command shown does.
  const asRun = [...straceEnv.unsetForProgram.flatMap((name) => ['-E', name]), ...straceOptions];
  const child = supervised
    ? spawn(request.supervisor!, supervisorArguments([request.strace, ...straceOptions], request.argv0 ? [request.argv0, ...request.args] : program, {
      terminal: request.stdio === 'terminal' ? request.terminalSize ?? { rows: 24, columns: 80 } : undefined, captureDirectory: dir,
      stdinFd: stdinFd !== undefined ? STDIN_FILE_FD : undefined, execThrough: request.execTrampoline, execPath: request.argv0 ? request.program : undefined,
      straceEnv: straceEnv.set,
    }), { cwd: request.cwd, env, stdio: [...stdio, 'pipe', 'pipe', ...(stdinFd !== undefined ? [stdinFd] : [])], shell: false, detached: request.ownProcessGroup })
    : spawn(request.strace, [...asRun, '--', ...program], {
      cwd: request.cwd, env: { ...env, ...straceEnv.set }, stdio, shell: false, detached: request.ownProcessGroup,
    });
  // As a command a user can run again: with the variables strace had (its output is the same without them).
  reportCommand({
    file: request.strace, args: [...asRun, '--', ...program], env: straceEnv.set, cwd: request.cwd,
    ended: new Promise((resolve) => { child.once('close', () => resolve()); child.once('error', () => resolve()); }),
  });
  let stopped = false;
  let messages = '';
  let straceDeath: string | undefined;
  const onMessage = (line: string) => {
    straceDeath ??= straceDeathOf(line);
    if (messages.length < 65536) messages += line + '\n';
    request.onStraceMessage?.(line);
  };
  const toProgram = (chunk: string) => request.onProgramOutput?.(chunk);
  if (supervised) {
    const lines = new LineSplitter((line) => {
      // strace -p announces the attach it was asked for; it is no news to the user.
      if (!/^\S*strace: Process \d+ attached$/.test(line)) onMessage(line);
    });
    const straceStderr = child.stdio[STRACE_MESSAGES_FD] as Readable | null;
    straceStderr?.setEncoding('utf8');
    straceStderr?.on('data', (chunk: string) => lines.push(chunk));
    straceStderr?.on('end', () => lines.end());
    const programOutput = request.stdio === 'terminal' ? child.stdout : child.stderr;
    programOutput?.setEncoding('utf8');
    programOutput?.on('data', toProgram);
  } else {
    const splitter = new StderrSplitter(toProgram, onMessage, request.strace);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => splitter.push(chunk));
    child.stderr?.on('end', () => splitter.end());
  }

  let straceEnded = false;
  const readerDone = capture === 'fifo' ? readFifo(fifo, request.onTrace) : followFile(fifo, request.onTrace, () => straceEnded);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (error) => {
      onMessage(error.message);
      resolve({ code: null, signal: null });
    });
    let late: NodeJS.Timeout | undefined;
    child.on('close', (code, signal) => {
      clearTimeout(late); // else the CLI waited out the 500 ms after every trace before it exited
      resolve({ code, signal });
    });
    // 'close' waits for every holder of the child's stdio; a process that outlives strace (only
    // without the supervisor) keeps them open, so give up waiting shortly after the child exited.
    child.on('exit', (code, signal) => { late = setTimeout(() => resolve({ code, signal }), 500); });
  });

  const control = supervised ? child.stdio[CONTROL_FD] as Writable | null : null;
  control?.on('error', () => { /* the supervisor has ended */ });
  const done = (async (): Promise<RunnerOutcome> => {
    const { code, signal } = await exited;
    straceEnded = true;
    // If strace died before opening the FIFO, our reader is still blocked in open(): unblock it.
    if (capture === 'fifo') {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch { /* no reader waiting: strace had opened it and the reader sees EOF */ }
    }
    await readerDone;
    rmSync(dir, { recursive: true, force: true });
    control?.end();
    const outcome: RunnerOutcome = { straceExitCode: code, straceSignal: signal, stopped, stderr: messages, attached: supervised };
    if (straceDeath) outcome.straceDeath = straceDeath;
    return outcome;
  })();

  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = () => {
    if (stopped || !running()) return;
    stopped = true;
    if (control) {
      control.write(STOP_MESSAGE);
      // A supervisor that does not end in time is killed; strace and the program die with it (PR_SET_PDEATHSIG).
      setTimeout(() => { if (running()) child.kill('SIGKILL'); }, STOP_GRACE_MS).unref();
      return;
    }
    // Killing the process group takes strace and every traced process with it.
    if (request.ownProcessGroup && child.pid) {
      try { process.kill(-child.pid, 'SIGKILL'); return; } catch { /* fall back to strace alone */ }
    }
    child.kill('SIGKILL');
  };
  const resize = (size: TerminalSize) => { if (request.stdio === 'terminal') control?.write(resizeMessage(size)); };
  return { child, done, stop, resize };
}

function readFifo(fifo: string, onTrace: (chunk: string) => void): Promise<void> {
  // Opening a FIFO for reading blocks until strace opens it for writing.
  const reader = createReadStream(fifo, { encoding: 'utf8', highWaterMark: 1 << 16 });
  reader.on('data', (chunk) => onTrace(chunk as string));
  return new Promise<void>((resolve) => {
    reader.on('close', resolve);
    reader.on('error', () => resolve());
  });
}

/**
 * Nap after a short read: strace is still writing, so the next read gets a chunk, not a line or two.
 * 40 ms (not 10) costs a fast trace 18 % less of our CPU (fewer, larger chunks: 0.50 against 0.61 s
 * for 200 000 calls, medians of 5 interleaved runs) and stays within the panel's 50 ms refresh.
 */
const SHORT_READ_NAP_MS = 40;
/** Nap at the end of the file for now. (Change notices would fire for every write strace makes.) */
const END_NAP_MS = 40;

/** Reads a growing file to its end, then waits for more until strace has exited and all is read. */
async function followFile(file: string, onTrace: (chunk: string) => void, ended: () => boolean): Promise<void> {
  const fd = openSync(file, 'r');
  const decoder = new TextDecoder('utf-8');
  const buffer = Buffer.alloc(1 << 20);
  let position = 0;
  try {
    for (;;) {
      const finished = ended();
      // Read at once, not through libuv's thread pool: a private regular file whose pages strace has
      // just written, and each trip through the pool wakes two threads (on a VM a wake-up costs 0.1 ms).
      const bytes = readSync(fd, buffer, 0, buffer.length, position);
      if (bytes > 0) {
        position += bytes;
        onTrace(decoder.decode(buffer.subarray(0, bytes), { stream: true }));
        // A full buffer, or strace has ended: read on at once (letting other work in between). Reading
        // whatever strace has just written as soon as it is there made one read per line or two,
        // each costing more than parsing the line.
        if (bytes === buffer.length || finished) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
      } else if (finished) break;
      await new Promise<void>((resolve) => setTimeout(resolve, bytes > 0 ? SHORT_READ_NAP_MS : END_NAP_MS));
    }
    const rest = decoder.decode();
    if (rest) onTrace(rest);
  } finally {
    closeSync(fd);
  }
}

/** Turns strace's diagnostics into a clear error, or undefined when tracing itself worked. */
export function diagnoseStraceFailure(stderr: string, program: string): TraceError | undefined {
  // strace names itself as it was run: `strace: …` or `/usr/bin/strace: …`.
  const from = (text: string) => new RegExp(`^\\S*strace: ${text}`, 'm');
  if (/PTRACE_TRACEME|ptrace\(PTRACE_|Operation not permitted/.test(stderr) && from('').test(stderr)) {
    return new TraceError('ptrace-denied', PTRACE_DENIED_HINT);
  }
  if (from("Can't stat").test(stderr)) return new TraceError('program-not-found', `Program not found: ${program}`);
  if (from('exec: ').test(stderr)) {
    const reason = from('exec: (.*)$').exec(stderr)?.[1] ?? 'exec failed';
    return new TraceError('not-a-program', `Could not run ${program}: ${reason}`);
  }
  return undefined;
}
