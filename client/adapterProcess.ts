// The debug adapter as a child process of the extension, with the extension between it and VS Code:
// it answers the adapter's runInTerminal requests itself (programTerminal.ts), so the program's
// terminal shows the program and not a relay's command line; every other message passes unchanged.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as vscode from 'vscode';
import { encodeFrame, FrameReader, type DapMessage } from './dapFraming';
import { openProgramTerminal, type TerminalRequest } from './programTerminal';

export class AdapterProcess implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private readonly child: ChildProcessWithoutNullStreams;
  private ownSeq = 1;
  private ending = false;
  private stderr = '';

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { env, shell: false, stdio: ['pipe', 'pipe', 'pipe'] });
    const reader = new FrameReader(
      (message) => this.fromAdapter(message),
      (problem) => this.tell(`Syscall Lens: the debug adapter sent ${problem}\n`),
    );
    this.child.stdout.on('data', (chunk: Buffer) => reader.push(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => { this.stderr = (this.stderr + chunk.toString()).slice(-4000); });
    this.child.stdin.on('error', () => undefined); // a gone adapter is reported by 'exit'
    this.child.on('error', (error) => this.lost(`could not start: ${error.message}`));
    this.child.on('exit', (code, signal) => { if (!this.ending) this.lost(signal ? `ended by ${signal}` : `exited with status ${code}`); });
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    if (this.child.stdin.writable) this.child.stdin.write(encodeFrame(message));
  }

  dispose(): void {
    this.ending = true;
    this.child.stdin.end();
    // The adapter ends itself (and its gdb and program) when its input closes; make sure it does.
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    this.child.once('exit', () => clearTimeout(timer));
  }

  private fromAdapter(message: DapMessage): void {
    if (message.type === 'request' && message.command === 'runInTerminal') {
      const args = message.arguments as TerminalRequest & { kind?: string };
      // An external terminal is VS Code's to open (it knows the user's terminal emulator).
      if (args.kind !== 'external') {
        void this.runInTerminal(message.seq, args);
        return;
      }
    }
    this.sent.fire(message as vscode.DebugProtocolMessage);
  }

  private async runInTerminal(requestSeq: number, args: TerminalRequest): Promise<void> {
    const answer = { type: 'response', seq: this.ownSeq++, request_seq: requestSeq, command: 'runInTerminal' };
    try {
      const processId = await openProgramTerminal(args);
      this.handleMessage({ ...answer, success: true, body: { processId } } as vscode.DebugProtocolMessage);
    } catch (error) {
      this.handleMessage({ ...answer, success: false, message: (error as Error).message } as vscode.DebugProtocolMessage);
    }
  }

  /** The adapter went away mid-session: say why in the Debug Console and end the session. */
  private lost(why: string): void {
    if (this.ending) return;
    this.ending = true;
    const detail = this.stderr.trim() ? `\n${this.stderr.trim()}` : '';
    this.tell(`Syscall Lens: the debug adapter ${why}.${detail}\n`);
    this.sent.fire({ type: 'event', seq: this.ownSeq++, event: 'terminated', body: {} } as vscode.DebugProtocolMessage);
  }

  private tell(text: string): void {
    this.sent.fire({ type: 'event', seq: this.ownSeq++, event: 'output', body: { category: 'stderr', output: text } } as vscode.DebugProtocolMessage);
  }
}
