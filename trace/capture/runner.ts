// Runs a program under strace. The trace goes to a private FIFO or file, never `-o /dev/fd/N`
// (the program would inherit that descriptor and its own descriptor numbers would shift), so the
// program keeps its stdin/stdout/stderr to itself.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, constants, createReadStream, mkdtempSync, openSync, read, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { runProgram } from '../../toolchain/tools';
import { ptyRelayArguments, resizeMessage, type TerminalSize } from './ptyRelay';

/** Tracing could not start or was refused; the message says what to do. */
export class TraceError extends Error {
  constructor(readonly reason: 'ptrace-denied' | 'program-not-found' | 'build-failed' | 'strace-failed' | 'not-a-program', message: string) {
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
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /**
   * The program's stdin, stdout and stderr: `inherit` the caller's terminal, `pipe` all three to us,
   * `output` (stdin inherited, stdout and stderr piped to us), or `terminal`: a pseudo-terminal of
   * the program's own, relayed by python3 (`relay`): the child's stdin is typed into the terminal and
   * everything the terminal shows (strace's messages too) arrives through onStderr.
   */
  stdio: 'inherit' | 'pipe' | 'output' | 'terminal';
  /** The python3 that runs the terminal relay (stdio `terminal`). */
  relay?: string;
  terminalSize?: TerminalSize;
  /** Put strace and the program in their own process group so Stop can kill the whole tree. */
  ownProcessGroup: boolean;
  onTrace: (chunk: string) => void;
  /**
   * `fifo`: strace writes into a FIFO we read as it goes. `file`: strace writes a private file we
   * follow; strace writes each call in two halves, and a FIFO wakes the reader for every write,
   * which on a busy machine costs more than the tracing itself.
   */
  capture?: 'fifo' | 'file';
  /** strace's own diagnostics (and, sharing the descriptor, the program's stderr when piped). */
  onStderr?: (chunk: string) => void;
}

export interface RunnerOutcome {
  straceExitCode: number | null;
  straceSignal: NodeJS.Signals | null;
  stopped: boolean;
  stderr: string;
}

export interface RunningTrace {
  child: ChildProcess;
  done: Promise<RunnerOutcome>;
  stop(): void;
  /** Resizes the program's terminal (stdio `terminal` only). */
  resize(size: TerminalSize): void;
}

async function makeCapture(kind: 'fifo' | 'file'): Promise<{ dir: string; fifo: string }> {
  // mkdtemp creates the folder with mode 0700: nobody else can open the FIFO or file inside it.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-'));
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

export async function startStrace(request: RunnerRequest): Promise<RunningTrace> {
  if (request.stdio === 'terminal' && !request.relay) throw new TraceError('strace-failed', 'A terminal for the program needs python3.');
  const capture = request.capture ?? 'file';
  const { dir, fifo } = await makeCapture(capture);
  const stdio: StdioOptions = request.stdio === 'inherit' ? ['inherit', 'inherit', 'pipe']
    : request.stdio === 'output' ? ['inherit', 'pipe', 'pipe']
      : request.stdio === 'terminal' ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'];
  const command = [request.strace, ...request.options, '-o', fifo, '--', request.program, ...request.args];
  const relay = request.stdio === 'terminal' ? request.relay : undefined;
  const child = spawn(relay ?? command[0]!, relay ? ptyRelayArguments(command, request.terminalSize) : command.slice(1), {
    cwd: request.cwd, env: request.env ?? process.env, stdio, shell: false, detached: request.ownProcessGroup,
  });
  let stopped = false;
  let stderr = '';
  const collect = (chunk: string) => {
    if (stderr.length < 65536) stderr += chunk;
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    collect(chunk);
    if (!relay) request.onStderr?.(chunk);
  });
  // Through the relay, strace's pid comes first (Stop kills its session), then the terminal's output.
  let stracePid: number | undefined;
  if (relay) {
    let head = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (stracePid === undefined) {
        head += chunk;
        const newline = head.indexOf('\n');
        if (newline < 0) return;
        stracePid = Number(head.slice(0, newline));
        if (stopped) killSession(stracePid);
        chunk = head.slice(newline + 1);
        if (!chunk) return;
      }
      collect(chunk.replace(/\r/g, ''));
      request.onStderr?.(chunk);
    });
  }

  let straceEnded = false;
  const readerDone = capture === 'fifo' ? readFifo(fifo, request.onTrace) : followFile(fifo, request.onTrace, () => straceEnded);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (error) => {
      stderr += `\n${error.message}`;
      resolve({ code: null, signal: null });
    });
    child.on('close', (code, signal) => resolve({ code, signal }));
    // 'close' waits for every holder of strace's stdio; a traced process that outlives strace keeps
    // them open, so give up waiting shortly after strace itself exited.
    child.on('exit', (code, signal) => setTimeout(() => resolve({ code, signal }), 500));
  });

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
    return { straceExitCode: code, straceSignal: signal, stopped, stderr };
  })();

  const stop = () => {
    if (stopped || child.exitCode !== null || child.signalCode !== null) return;
    stopped = true;
    // strace leads the terminal's session: its process group holds strace and the traced tree.
    if (stracePid) killSession(stracePid);
    // Killing the process group takes strace and every traced process with it.
    if (request.ownProcessGroup && child.pid) {
      try { process.kill(-child.pid, 'SIGKILL'); return; } catch { /* fall back to strace alone */ }
    }
    child.kill('SIGKILL');
  };
  const sizes = relay ? child.stdio[3] as Writable | null : null;
  sizes?.on('error', () => { /* the relay has ended */ });
  const resize = (size: TerminalSize) => { sizes?.write(resizeMessage(size)); };
  return { child, done, stop, resize };
}

function killSession(leader: number): void {
  try { process.kill(-leader, 'SIGKILL'); } catch { /* already gone */ }
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

/** Reads a growing file to its end, then waits for more until strace has exited and all is read. */
async function followFile(file: string, onTrace: (chunk: string) => void, ended: () => boolean): Promise<void> {
  const fd = openSync(file, 'r');
  const decoder = new TextDecoder('utf-8');
  const buffer = Buffer.alloc(1 << 20);
  let position = 0;
  try {
    for (;;) {
      const finished = ended();
      const bytes = await new Promise<number>((resolve, reject) => read(fd, buffer, 0, buffer.length, position, (error, n) => (error ? reject(error) : resolve(n))));
      if (bytes > 0) {
        position += bytes;
        onTrace(decoder.decode(buffer.subarray(0, bytes), { stream: true }));
        continue;
      }
      if (finished) break;
      // At the end for now: nap briefly. (Change notices would fire for every write strace makes.)
      await new Promise<void>((resolve) => setTimeout(resolve, 20));
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
