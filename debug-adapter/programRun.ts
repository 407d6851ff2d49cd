// Run Without Debugging (Ctrl+F5): the built program runs to its end on its terminal, without gdb,
// under the keeper (so its whole tree ends with the session), with the exact argv (no shell, no
// splitting) and the environment of launch.json.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { signalNumber } from '../syscalls';
import { keptCommand } from './keeper';
import type { PreparedProgram } from './launch';

export interface ProgramRunEvents {
  /** As a shell reports it: a signal N is exit status 128 + N. */
  exited: [code: number, signal?: string];
  error: [message: string];
}

/** launch.json's env on top of the adapter's: a null value removes a variable. */
export function programEnvironment(base: NodeJS.ProcessEnv, changes: Record<string, string | null>): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  return env;
}

export class ProgramRun extends EventEmitter<ProgramRunEvents> {
  private child: ChildProcess | undefined;

  /** Starts the program on `tty`; 'exited' reports its end. */
  start(program: PreparedProgram, tty: string): void {
    const command = keptCommand(program.program, program.args, { tty });
    // Without the keeper (no python3) the program still gets the terminal, only not as its controlling one.
    const fd = command.file === program.program ? openSync(tty, 'r+') : undefined;
    const stdio = fd === undefined ? 'ignore' as const : [fd, fd, fd];
    const child = spawn(command.file, command.args, {
      cwd: program.cwd, env: programEnvironment(process.env, program.env), stdio, shell: false,
      argv0: command.file === program.program ? program.program : undefined,
    });
    if (fd !== undefined) closeSync(fd);
    this.child = child;
    child.on('error', (error) => this.emit('error', `Could not run ${program.program}: ${error.message}`));
    child.on('exit', (code, signal) => {
      this.child = undefined;
      if (signal) this.emit('exited', 128 + (signalNumber(signal) ?? 0), signal);
      else this.emit('exited', code ?? 0);
    });
  }

  /** Ends the program and everything it started. */
  stop(graceMs = 2_000): void {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM'); // the keeper kills the tree, then itself
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => clearTimeout(timer));
  }
}
