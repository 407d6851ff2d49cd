// Runs a program to completion without blocking the test worker. A synchronous spawn that lasts
// over a minute (packing, npm install, unpacking the kernel tarball, a headless editor) starves the
// worker's event loop, and vitest then fails the whole run with "Timeout calling onTaskUpdate"
// although every test passed. No shell; the program is killed with its process group on timeout.
import { spawn } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Milliseconds before the program (and its process group) is killed with SIGKILL. */
  timeout?: number;
}

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started or was killed at its time limit. */
  error?: Error;
}

export function run(program: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      cwd: options.cwd, env: options.env, detached: true, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let error: Error | undefined;
    const timer = options.timeout === undefined ? undefined : setTimeout(() => {
      error = new Error(`${program} did not finish within ${options.timeout} ms`);
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
    }, options.timeout);
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (failure) => { error = failure; });
    if (options.input !== undefined) child.stdin!.end(options.input);
    child.on('close', (status, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        status, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'),
        ...(error ? { error } : {}),
      });
    });
  });
}
