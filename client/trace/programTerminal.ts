import type { Writable } from 'node:stream';
import * as vscode from 'vscode';
import type { TerminalSize } from '../../trace/capture/supervisor';

/**
 * The traced program's own terminal: its output is shown here and what the user types goes to its
 * input, so the program's I/O never mixes with the trace. Normally it is a view of the program's real
 * pty (the trace supervisor's): keys go there untouched and its line discipline does echo, Ctrl-C and Ctrl-D.
 * Where there is no pty (no python3), the program has pipes and this class edits lines itself.
 */
export class ProgramTerminal implements vscode.Disposable {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly terminal: vscode.Terminal;
  private stdin: Writable | undefined;
  /** The program runs on a pty of its own: pass keys and output through unchanged. */
  private onPty = false;
  private line = '';
  private dimensions: TerminalSize | undefined;
  private onResize: ((size: TerminalSize) => void) | undefined;
  /** Output that arrived before VS Code opened the terminal (it would be lost otherwise). */
  private early: string[] | undefined = [];

  constructor(name: string) {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.writeEmitter.event,
      open: (initial) => {
        if (initial) this.dimensions = { rows: initial.rows, columns: initial.columns };
        const early = this.early ?? [];
        this.early = undefined;
        for (const text of early) this.writeEmitter.fire(text);
      },
      close: () => { this.stdin?.end(); },
      setDimensions: (size) => {
        this.dimensions = { rows: size.rows, columns: size.columns };
        this.onResize?.(this.dimensions);
      },
      handleInput: (data) => this.input(data),
    };
    this.terminal = vscode.window.createTerminal({ name, pty });
  }

  /** Shows the terminal; `preserveFocus` false moves the keyboard focus there (to type input). */
  show(preserveFocus = true): void {
    this.terminal.show(preserveFocus);
  }

  /** The size VS Code gave the terminal, once it has opened it. */
  get size(): TerminalSize | undefined {
    return this.dimensions;
  }

  /**
   * `stdin` is the program's pipe, or with `onPty` the supervisor's input to the program's terminal, which
   * `resize` keeps the size of this one.
   */
  attach(stdin: Writable | null | undefined, onPty: boolean, resize?: (size: TerminalSize) => void): void {
    this.stdin = stdin ?? undefined;
    this.onPty = onPty;
    this.onResize = onPty ? resize : undefined;
    if (this.dimensions) this.onResize?.(this.dimensions);
    this.stdin?.on('error', () => { /* the program exited before reading */ });
  }

  output(chunk: Buffer | string): void {
    // A pty already ends lines in \r\n (and a program in raw mode means its bare \n).
    this.write(this.onPty ? chunk.toString() : chunk.toString().replace(/\r?\n/g, '\r\n'));
  }

  note(text: string): void {
    this.write(`\r\n\x1b[2m${text}\x1b[0m\r\n`);
  }

  private write(text: string): void {
    if (this.early) this.early.push(text);
    else this.writeEmitter.fire(text);
  }

  /** A line discipline of our own: echo, backspace, Enter sends the line, Ctrl-D closes stdin. */
  private input(data: string): void {
    if (this.onPty) {
      this.stdin?.write(data);
      return;
    }
    for (const char of data) {
      if (char === '\r') {
        this.writeEmitter.fire('\r\n');
        this.stdin?.write(this.line + '\n');
        this.line = '';
      } else if (char === '\x7f') {
        if (this.line) {
          this.line = this.line.slice(0, -1);
          this.writeEmitter.fire('\b \b');
        }
      } else if (char === '\x04') {
        if (this.line) this.stdin?.write(this.line);
        this.line = '';
        this.stdin?.end();
      } else {
        this.line += char;
        this.writeEmitter.fire(char);
      }
    }
  }

  dispose(): void {
    this.terminal.dispose();
    this.writeEmitter.dispose();
  }
}
