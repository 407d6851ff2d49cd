import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import * as path from 'node:path';
import { reportCommand } from './commandLog';

/** The external programs Syscall Lens drives. */
export type ToolName = 'nasm' | 'ld' | 'gcc' | 'gdb' | 'strace';

export type ToolPaths = Record<ToolName, string>;

export const DEFAULT_TOOL_PATHS: ToolPaths = { nasm: 'nasm', ld: 'ld', gcc: 'gcc', gdb: 'gdb', strace: 'strace' };

/** The Debian package that provides each tool, for install hints. */
const PACKAGE_OF: Record<ToolName, string> = { nasm: 'nasm', ld: 'binutils', gcc: 'gcc', gdb: 'gdb', strace: 'strace' };

/** A tool could not be found or started; the message tells the user how to fix it. */
export class ToolNotFoundError extends Error {
  constructor(readonly tool: ToolName, readonly configured: string) {
    const where = configured === tool ? 'on the PATH' : `at "${configured}"`;
    super(`${tool} was not found ${where}. Install it (sudo apt-get install ${PACKAGE_OF[tool]}) ` +
      `or set syscallLens.${tool}Path to its location.`);
    this.name = 'ToolNotFoundError';
  }
}

/** A regular file this process may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Resolves a command name or path to an executable file without a shell; undefined when there is none. */
export function findExecutable(command: string, envPath = process.env.PATH ?? ''): string | undefined {
  if (command.includes('/')) return isExecutableFile(command) ? path.resolve(command) : undefined;
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Like findExecutable, but throws a ToolNotFoundError with an install hint. */
export function requireTool(tool: ToolName, paths: Partial<ToolPaths> = {}): string {
  const configured = paths[tool] || DEFAULT_TOOL_PATHS[tool];
  const found = findExecutable(configured);
  if (!found) throw new ToolNotFoundError(tool, configured);
  return found;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  /** Aborting kills the program and everything it started. */
  signal?: AbortSignal;
}

/**
 * Process groups of programs still running. A timeout's timer dies with this process, so they are
 * ended when it exits: nasm blocked on a FIFO named by %include must not outlive the language server.
 */
const runningGroups = new Set<number>();

function endRunningGroupsOnExit(): void {
  if (runningGroups.size > 0) return; // installed with the first group; removed with none left
  process.once('exit', killRunningGroups);
}

function killRunningGroups(): void {
  for (const pid of runningGroups) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

/**
 * Runs a program to completion, never through a shell, collecting its output. The program leads its
 * own process group, so a timeout or an abort ends what it started too (make's compilers, a script's
 * children), not just the program itself; so does this process's exit.
 */
export function runProgram(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  reportCommand({ file, args, cwd: options.cwd });
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new Error(`${path.basename(file)} was cancelled before it started.`));
      return;
    }
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const group = child.pid;
    if (group !== undefined) {
      endRunningGroupsOnExit();
      runningGroups.add(group);
    }
    const killTree = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = options.timeoutMs
      ? setTimeout(() => { timedOut = true; killTree(); }, options.timeoutMs)
      : undefined;
    options.signal?.addEventListener('abort', killTree, { once: true });
    const settle = () => {
      if (timer) clearTimeout(timer);
      if (group !== undefined && runningGroups.delete(group) && runningGroups.size === 0) process.removeListener('exit', killRunningGroups);
      options.signal?.removeEventListener('abort', killTree);
    };
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => { settle(); reject(error); });
    child.on('close', (exitCode, signal) => {
      settle();
      resolve({
        exitCode, signal, timedOut,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.on('error', () => { /* the program may exit before reading its input */ });
    child.stdin.end(options.input ?? '');
  });
}
