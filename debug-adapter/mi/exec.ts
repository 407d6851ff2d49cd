// MI execution commands: loading the program, running, stepping, interrupting.
import { gdbEnvironment, type Gdb } from './gdb';
import { quoteMI } from './parser';

export async function loadProgram(gdb: Gdb, program: string): Promise<void> {
  await gdb.send(`-file-exec-and-symbols ${quoteMI(program)}`);
}

/**
 * Sets the program's arguments. gdb runs programs without a shell here (startup-with-shell off),
 * so it splits this string at whitespace itself: other arguments go through argvLauncher.ts.
 */
export async function setArguments(gdb: Gdb, args: readonly string[]): Promise<void> {
  const bad = args.find((arg) => arg === '' || /\s/.test(arg));
  if (bad !== undefined) throw new Error(`Program argument ${JSON.stringify(bad)} is empty or contains whitespace, which gdb would split.`);
  await gdb.send(`-exec-arguments ${args.join(' ')}`);
}

export async function setWorkingDirectory(gdb: Gdb, cwd: string): Promise<void> {
  await gdb.send(`-environment-cd ${quoteMI(cwd)}`);
}

export async function setEnvironment(gdb: Gdb, name: string, value: string | null): Promise<void> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a valid environment variable name.`);
  await gdb.cli(value === null ? `unset environment ${name}` : `set environment ${name}=${value}`);
}

/**
 * The program's environment as the adapter's own (`host`): without what we set for gdb (gdbEnvironment)
 * and what gdb's line editor adds to its environment (LINES and COLUMNS of its screen).
 */
export async function restoreProgramEnvironment(gdb: Gdb, host: NodeJS.ProcessEnv = process.env): Promise<void> {
  await Promise.all([...Object.keys(gdbEnvironment(host)), 'LINES', 'COLUMNS'].map((name) => setEnvironment(gdb, name, host[name] ?? null)));
}

/** The program's stdin, stdout and stderr: a terminal device such as /dev/pts/3. */
export async function setInferiorTty(gdb: Gdb, tty: string): Promise<void> {
  await gdb.send(`-inferior-tty-set ${quoteMI(tty)}`);
}

/** Starts the program; `at` 'entry' stops on its first instruction, 'main' at main, 'none' runs freely. */
export async function run(gdb: Gdb, at: 'entry' | 'main' | 'none'): Promise<void> {
  if (at === 'entry') await gdb.send('-interpreter-exec console starti');
  else await gdb.send(at === 'main' ? '-exec-run --start' : '-exec-run');
}

export const execContinue = (gdb: Gdb) => gdb.send('-exec-continue');
export const execNext = (gdb: Gdb, instruction: boolean) => gdb.send(instruction ? '-exec-next-instruction' : '-exec-next');
export const execStep = (gdb: Gdb, instruction: boolean) => gdb.send(instruction ? '-exec-step-instruction' : '-exec-step');
/** Runs until the selected frame returns. */
export const execFinish = (gdb: Gdb) => gdb.send('-exec-finish');
export const execInterrupt = (gdb: Gdb) => gdb.send('-exec-interrupt');
export const execUntil = (gdb: Gdb, location: string) => gdb.send(`-exec-until ${location}`);
