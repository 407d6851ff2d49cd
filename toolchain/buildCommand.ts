// A user's own build command (launch.json `"build": "make"`): split into words and run without a shell.
import * as path from 'node:path';
import { findExecutable, runProgram } from './tools';

/** Splits a build command into words; quotes group words. No shell is involved, so `$(x)` stays as typed. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of command.matchAll(pattern)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] ?? m[3]!);
  return words;
}

export const BUILD_COMMAND_TIMEOUT_MS = 300_000;

export interface BuildCommandOptions {
  /** Aborting ends the command and what it started. */
  signal?: AbortSignal;
  /** Wraps the resolved command line, e.g. in the debugger's process-tree keeper. */
  wrap?: (file: string, args: string[]) => { file: string; args: string[] };
}

/**
 * Runs the command in `cwd`. A command with a slash (`./build.sh`, `scripts/build`) is a path
 * relative to `cwd`, as in a shell started there; a bare name is looked up on the PATH.
 */
export async function runBuildCommand(command: string, cwd: string, timeoutMs = BUILD_COMMAND_TIMEOUT_MS, options: BuildCommandOptions = {}): Promise<void> {
  const [name, ...args] = splitCommand(command);
  if (!name) throw new Error('The "build" command is empty.');
  const executable = name.includes('/') ? findExecutable(path.resolve(cwd, name)) : findExecutable(name);
  if (!executable) {
    const where = name.includes('/') ? ` (looked for ${path.resolve(cwd, name)}; is it executable?)` : ' on the PATH';
    throw new Error(`The build command "${name}" was not found${where}.`);
  }
  const run = options.wrap ? options.wrap(executable, args) : { file: executable, args };
  const result = await runProgram(run.file, run.args, { cwd, timeoutMs, signal: options.signal });
  if (options.signal?.aborted) throw new Error(`The build command "${command}" was cancelled.`);
  if (result.timedOut) throw new Error(`The build command "${command}" did not finish within ${timeoutMs / 1000} s and was stopped.`);
  if (result.exitCode !== 0) {
    const status = result.exitCode === null ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
    throw new Error(`The build command failed (${status}): ${(result.stderr || result.stdout).trim().slice(0, 2000)}`);
  }
}
