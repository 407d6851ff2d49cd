// python3 for the helpers the debugger and the trace run (the keeper, the pty relay, strace's
// supervisor): a real binary on the PATH rather than a wrapper script. A pyenv or asdf shim costs
// 200 ms a start and puts its own variables (PYENV_VERSION, PYENV_DIR, ...) into the environment the
// traced or debugged program inherits.
import { closeSync, openSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { findExecutable } from './tools';

/** The last answer, for the PATH it was found on. */
let cached: { path: string; interpreter: string | undefined } | undefined;

/**
 * python3 on the PATH, preferring a real binary to a wrapper script (a pyenv or asdf shim costs
 * 200 ms a start, on the critical path of every launch); the first found when all are scripts.
 */
export function pythonInterpreter(envPath = process.env.PATH ?? ''): string | undefined {
  if (cached?.path === envPath) return cached.interpreter;
  const found = envPath.split(path.delimiter).filter(Boolean)
    .map((dir) => findExecutable(path.join(dir, 'python3'))).filter((file): file is string => !!file);
  const chosen = found.find(isElfFile) ?? found[0];
  cached = { path: envPath, interpreter: chosen };
  return chosen;
}

export function isElfFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
