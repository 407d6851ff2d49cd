// Every process tree the adapter starts — gdb with the program it debugs, a launch.json build command,
// a program run without debugging — runs under keeper.py, a child subreaper that kills the whole tree
// when the tree's root ends, when asked (SIGTERM) and when the adapter dies (PR_SET_PDEATHSIG).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pythonInterpreter } from '../toolchain/python';

export type PythonHelper = 'keeper.py' | 'program_pty.py' | 'user_terminal.py' | 'argv_launcher.py' | 'record.py' | 'logpoint.py' | 'nasm_unwind.py';

/** A Python helper of the adapter: beside this module in the sources, beside the bundle in dist/. */
export function pythonHelper(name: PythonHelper): string {
  const file = path.join(__dirname, name);
  if (!existsSync(file)) throw new Error(`The debugger's helper ${file} is missing; reinstall the extension (or run npm run build).`);
  return file;
}

export interface Command {
  file: string;
  args: string[];
}

/**
 * `file args` under the keeper. Without python3 the command runs bare: the adapter then ends only
 * the processes it knows by pid (gdb, the program), not what the program forked.
 */
export function keptCommand(file: string, args: readonly string[], options: { tty?: string } = {}): Command {
  const python = pythonInterpreter();
  if (!python) return { file, args: [...args] };
  const tty = options.tty ? ['--tty', options.tty] : [];
  // -S: no site packages to import; the keeper needs only the standard library, and starts sooner.
  return { file: python, args: ['-S', pythonHelper('keeper.py'), '--parent', String(process.pid), ...tty, '--', file, ...args] };
}

