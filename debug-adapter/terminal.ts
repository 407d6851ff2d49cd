// The program's own terminal. It must never share gdb's pipes: a read(0, …) in the program would
// swallow the MI commands we send to gdb. So the program gets a terminal device of its own, either
// the user's (runInTerminal) or a pseudo-terminal this module owns and relays to the Debug Console.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, watch, type FSWatcher } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pythonHelper } from './keeper';
import { pythonInterpreter } from '../toolchain/python';

// Node has no pty API; gdb is always present and embeds Python, whose `pty` module does the ioctls.
/** gdb reads a `.py` file given to -x as Python. */
const gdbPythonCommand = (gdbPath: string, script: string) => [gdbPath, '-q', '-nx', '-batch', '-x', script];

/**
 * python3 when there is one: it starts in a fraction of gdb's time, and the relay starts beside gdb
 * itself on the launch's critical path. gdb's Python otherwise.
 */
function pythonCommand(gdbPath: string, script: string): string[] {
  const python = pythonInterpreter();
  return python ? [python, '-S', script] : gdbPythonCommand(gdbPath, script);
}

/** Terminal line-editing characters that must be quoted with ^V to reach the program as data. */
const SPECIAL_INPUT = new Set([0x04, 0x7f, 0x15, 0x17, 0x16, 0x12, 0x08]);
const LNEXT = 0x16;
const EOF_CHAR = 0x04;

/** Encodes bytes for a canonical-mode terminal so the program reads them verbatim, then end-of-file. */
export function encodeTerminalInput(data: Buffer): Buffer {
  const out: number[] = [];
  for (const byte of data) {
    if (SPECIAL_INPUT.has(byte)) out.push(LNEXT);
    out.push(byte);
  }
  // ^D ends a pending partial line; a second ^D at the start of a line is end-of-file.
  if (data.length > 0 && data[data.length - 1] !== 0x0a) out.push(EOF_CHAR);
  out.push(EOF_CHAR);
  return Buffer.from(out);
}

export interface RelayEvents {
  output: [Buffer];
}

/** A pseudo-terminal whose output arrives as 'output' events. */
export class PtyRelay extends EventEmitter<RelayEvents> {
  private constructor(private readonly child: ChildProcessWithoutNullStreams, readonly tty: string) {
    super();
  }

  static async start(gdbPath: string): Promise<PtyRelay> {
    const [file, ...args] = pythonCommand(gdbPath, pythonHelper('program_pty.py'));
    const child = spawn(file!, args, { shell: false, stdio: ['pipe', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      let head = Buffer.alloc(0);
      let errors = '';
      child.stderr.on('data', (chunk: Buffer) => { errors += chunk.toString(); });
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const newline = head.indexOf(0x0a);
        if (newline < 0) return;
        child.stdout.off('data', onData);
        const relay = new PtyRelay(child, head.subarray(0, newline).toString());
        child.stdout.on('data', (data: Buffer) => relay.emit('output', data));
        const rest = head.subarray(newline + 1);
        resolve(relay);
        if (rest.length) setImmediate(() => relay.emit('output', rest));
      };
      child.stdout.on('data', onData);
      child.on('error', reject);
      child.on('exit', () => reject(new Error(`Could not create a terminal for the program (${path.basename(file!)}: ${errors.trim() || 'exited'}).`)));
      child.stdin.on('error', () => undefined);
    });
  }

  /** Resolves once output has been quiet for a moment: the last words of an exiting program. */
  drain(quietMs = 40, maxMs = 500): Promise<void> {
    return new Promise((resolve) => {
      let timer = setTimeout(done, quietMs);
      const limit = setTimeout(done, maxMs);
      const onOutput = () => { clearTimeout(timer); timer = setTimeout(done, quietMs); };
      this.on('output', onOutput);
      const relay = this;
      function done() {
        clearTimeout(timer);
        clearTimeout(limit);
        relay.off('output', onOutput);
        resolve();
      }
    });
  }

  /** Types into the program's terminal. */
  write(data: Buffer): void {
    this.child.stdin.write(data);
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill('SIGKILL');
  }
}

/**
 * Opens the program's terminal in the user's: `run` asks the client (DAP runInTerminal) to run
 * user_terminal.py with the environment that names its report file and this adapter; resolves with the new pty and the report file to release when the session ends.
 * The relay starts only when the launch asks for it, so its start-up is on the way to the first stop:
 * python3 starts it in about a sixth of gdb's time.
 */
export async function openUserTerminal(
  gdbPath: string, run: (command: string[], env: Record<string, string>) => Promise<void>,
): Promise<{ tty: string; reportFile: string }> {
  const script = pythonHelper('user_terminal.py');
  const reportFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-tty-')), 'tty');
  await run(pythonCommand(gdbPath, script), { SYSCALL_LENS_REPORT: reportFile, SYSCALL_LENS_ADAPTER_PID: String(process.pid) });
  return { tty: await waitForReportedTty(reportFile), reportFile };
}

/**
 * Waits for the reporter to write the terminal's name: woken by the rename into the report's folder
 * (the first stop waits for this), with a slower poll in case the folder's watch misses it.
 */
function waitForReportedTty(reportFile: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let watcher: FSWatcher | undefined;
    let done = false;
    const finish = (settle: () => void) => {
      done = true;
      clearInterval(poll);
      clearTimeout(limit);
      watcher?.close();
      settle();
    };
    const check = () => {
      if (done) return;
      try {
        const tty = readFileSync(reportFile, 'utf8').trim();
        if (tty.startsWith('/dev/')) finish(() => resolve(tty));
      } catch { /* not written yet */ }
    };
    const poll = setInterval(check, 50);
    const limit = setTimeout(() => finish(() => reject(new Error('The terminal did not start in time; set "terminal": "none" to use the Debug Console.'))), timeoutMs);
    try {
      watcher = watch(path.dirname(reportFile), check);
      watcher.on('error', () => watcher?.close());
    } catch { /* no watch: the poll finds it */ }
    check();
  });
}

export function releaseReportedTty(reportFile: string): void {
  rmSync(path.dirname(reportFile), { recursive: true, force: true });
}
