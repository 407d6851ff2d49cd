// Exact program arguments under gdb. Without a shell gdb splits its argument string at whitespace, so
// "a b" or "" cannot reach the program; a shell would expand `$HOME` and `*`. Instead gdb's "shell" is
// argv_launcher.py, which execs the program with the argv we encode (see that file for the protocol).
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pythonHelper } from './keeper';
import { isElfFile, pythonInterpreter } from '../toolchain/python';
import type { Gdb } from './mi/gdb';

/** Arguments gdb passes on unchanged by itself: non-empty printable ASCII without spaces. */
export function needsLauncher(args: readonly string[]): boolean {
  return args.some((arg) => !/^[\x21-\x7e]+$/.test(arg));
}

const PAYLOAD_PREFIX = 'sl1';

/** argv (argv[0] first) as the launcher's payload: each entry's UTF-8 bytes in hex, after `sl1.`. */
export function encodeArgv(argv: readonly string[]): string {
  return PAYLOAD_PREFIX + argv.map((arg) => '.' + Buffer.from(arg, 'utf8').toString('hex')).join('');
}

/** The kernel reads at most this much of a `#!` line (BINPRM_BUF_SIZE, Linux 5.1+), and splits no interpreter path. */
const SHEBANG_LIMIT = 255;

export interface ArgvLauncher {
  /** The executable to make gdb's SHELL. */
  file: string;
  dispose(): void;
}

/**
 * Writes the launcher into a private folder, behind a `#!` line naming a real Python binary (a wrapper
 * script such as a pyenv shim would exec more than once, and gdb counts the execs of its shell).
 * Throws with what to do when no such Python is found.
 */
export async function writeArgvLauncher(): Promise<ArgvLauncher> {
  const python = await realPython();
  const shebang = `#!${python} -IS\n`;
  if (/\s/.test(python) || shebang.length > SHEBANG_LIMIT) {
    throw new Error(`Program arguments with spaces or empty arguments need python3 at a path without spaces (found ${python}).`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-argv-'));
  const file = path.join(dir, 'launcher');
  writeFileSync(file, shebang + readFileSync(pythonHelper('argv_launcher.py'), 'utf8'), { mode: 0o700 });
  chmodSync(file, 0o700);
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

async function realPython(): Promise<string> {
  const python = pythonInterpreter();
  if (!python) throw new Error('Program arguments with spaces or empty arguments need python3 (sudo apt-get install python3).');
  if (isElfFile(python)) return python;
  const executable = await new Promise<string>((resolve) => {
    execFile(python, ['-c', 'import sys; print(sys.executable)'], { timeout: 5_000 }, (error, stdout) => resolve(error ? '' : stdout.trim()));
  });
  if (!executable || !isElfFile(executable)) throw new Error(`Program arguments with spaces or empty arguments need a python3 binary; ${python} is a wrapper script.`);
  return executable;
}

/**
 * Has gdb start `program` through the launcher with exactly `args`: gdb's own SHELL names the launcher
 * (set through gdb's Python, as gdb reads SHELL from its own environment when it runs the program; the
 * program's environment, copied when gdb started, keeps the user's SHELL).
 */
export async function startThroughLauncher(gdb: Gdb, program: string, args: readonly string[]): Promise<ArgvLauncher> {
  const launcher = await writeArgvLauncher();
  try {
    await Promise.all([
      gdb.cli(`python import os; os.environ["SHELL"] = ${JSON.stringify(launcher.file)}`),
      gdb.send('-gdb-set startup-with-shell on'),
      gdb.send(`-exec-arguments ${encodeArgv([program, ...args])}`),
    ]);
  } catch (error) {
    launcher.dispose();
    throw new Error(`Could not pass the program arguments exactly (gdb needs Python support for that): ${(error as Error).message}`);
  }
  return launcher;
}
