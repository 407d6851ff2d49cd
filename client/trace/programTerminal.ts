import type { Writable } from 'node:stream';
import * as vscode from 'vscode';

/**
 * The traced program's own terminal: its stdout and stderr are shown here and what the user types
 * goes to its stdin, so the program's I/O never mixes with the trace.
 */
export class ProgramTerminal implements vscode.Disposable {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly terminal: vscode.Terminal;
  private stdin: Writable | undefined;
  private line = '';
  /** Output that arrived before VS Code opened the terminal (it would be lost otherwise). */
  private early: string[] | undefined = [];

  constructor(name: string) {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.writeEmitter.event,
      open: () => {
        const early = this.early ?? [];
        this.early = undefined;
        for (const text of early) this.writeEmitter.fire(text);
      },
      close: () => { this.stdin?.end(); },
      handleInput: (data) => this.input(data),
    };
    this.terminal = vscode.window.createTerminal({ name, pty });
  }

  show(): void {
    this.terminal.show(true);
  }

  attach(stdin: Writable | null | undefined): void {
    this.stdin = stdin ?? undefined;
    this.stdin?.on('error', () => { /* the program exited before reading */ });
  }

  output(chunk: Buffer | string): void {
    this.write(chunk.toString().replace(/\r?\n/g, '\r\n'));
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
