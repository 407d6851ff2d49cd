// The debugged program's terminal in VS Code. The adapter asks for one with DAP runInTerminal; VS Code
// would type the relay's command line into a shell, so the user's first sight of their program would
// be `/usr/bin/env SYSCALL_LENS_REPORT=… gdb -q -nx -batch -x …/user_terminal.py`. Instead the
// extension runs that command itself, with pipes, behind a Pseudoterminal: the terminal shows only
// what the program writes, is sized like the editor's terminal, and stays readable after the session.
import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';

export interface TerminalRequest {
  title?: string;
  cwd: string;
  args: string[];
  env?: Record<string, string | null>;
}

class ProgramPty implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.written.event;
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;
  private decoder = new StringDecoder('utf8');
  /** What came before VS Code opened the terminal (events before open are dropped). */
  private early: string[] | undefined = [];
  private dimensions: vscode.TerminalDimensions | undefined;
  private child!: ChildProcess;
  ended = false;

  constructor(child: ChildProcess, private readonly title: string) {
    this.attach(child);
  }

  /** Takes the relay of a new session: the terminal keeps what earlier sessions wrote above it. */
  attach(child: ChildProcess): void {
    this.child = child;
    this.ended = false;
    this.decoder = new StringDecoder('utf8');
    child.stdout!.on('data', (chunk: Buffer) => { if (this.child === child) this.show(this.decoder.write(chunk)); });
    child.on('error', (error) => { if (this.child === child) this.finish(`could not start the terminal relay: ${error.message}`); });
    child.on('exit', () => { if (this.child === child) this.finish('the debug session ended'); });
    // A relay that has gone takes no input; errors writing to it are not the user's concern.
    for (const pipe of [child.stdin, child.stdio[3]]) (pipe as NodeJS.WritableStream | null)?.on('error', () => undefined);
    if (this.dimensions) this.setDimensions(this.dimensions);
  }

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    const early = this.early ?? [];
    this.early = undefined;
    for (const text of early) this.written.fire(text);
    if (dimensions) this.setDimensions(dimensions);
  }

  close(): void {
    // The user closed the terminal: the program's terminal hangs up, as a closed window would.
    if (!this.ended) this.child.kill('SIGTERM');
  }

  handleInput(data: string): void {
    if (!this.ended) this.child.stdin!.write(data);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.dimensions = dimensions;
    const control = this.child.stdio[3] as NodeJS.WritableStream | null;
    if (!this.ended && control) control.write(`${dimensions.rows} ${dimensions.columns}\n`);
  }

  private show(text: string): void {
    if (!text) return;
    if (this.early) this.early.push(text);
    else this.written.fire(text);
  }

  private finish(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.show(this.decoder.end());
    // Dim, on a line of its own; the output above stays for the user to read.
    this.show(`\r\n\x1b[2m[${this.title}: ${reason}]\x1b[0m\r\n`);
  }
}

/** The terminals opened so far, by title: an ended one takes the next session of the same program. */
const opened = new Map<string, { terminal: vscode.Terminal; pty: ProgramPty }>();

/** Runs the command of a runInTerminal request behind a terminal of ours; resolves with the relay's pid. */
export function openProgramTerminal(request: TerminalRequest): Promise<number> {
  const title = request.title ?? 'Program';
  const env: NodeJS.ProcessEnv = { ...process.env, SYSCALL_LENS_CONTROL_FD: '3' };
  delete env.ELECTRON_RUN_AS_NODE;
  for (const [key, value] of Object.entries(request.env ?? {})) {
    if (value === null) delete env[key];
    else env[key] = value;
  }
  const [file, ...args] = request.args;
  if (!file) return Promise.reject(new Error('runInTerminal without a command'));
  const child = spawn(file, args, { cwd: request.cwd || undefined, env, shell: false, stdio: ['pipe', 'pipe', 'ignore', 'pipe'] });
  const started = new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid!));
    child.once('error', reject);
  });
  const previous = opened.get(title);
  if (previous?.pty.ended) {
    previous.pty.attach(child);
    previous.terminal.show(true);
    return started;
  }
  const pty = new ProgramPty(child, title);
  const terminal = vscode.window.createTerminal({ name: title, pty, iconPath: new vscode.ThemeIcon('debug') });
  opened.set(title, { terminal, pty });
  const forget = vscode.window.onDidCloseTerminal((closed) => {
    if (closed !== terminal) return;
    forget.dispose();
    if (opened.get(title)?.terminal === terminal) opened.delete(title);
  });
  // Keep the editor focused, so F10 still steps; the user clicks the terminal to type.
  terminal.show(true);
  return started;
}
