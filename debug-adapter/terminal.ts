// The program's own terminal. It must never share gdb's pipes: a read(0, …) in the program would
// swallow the MI commands we send to gdb. So the program gets a terminal device of its own, either
// the user's (runInTerminal) or a pseudo-terminal this module owns and relays to the Debug Console.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Node has no pty API; gdb is always present and embeds Python, whose `pty` module does the ioctls.
// The relay keeps the slave open (so the program's exit is no hang-up), turns off echo and newline
// translation, and copies master <-> its own stdio until its stdin closes.
const RELAY_SCRIPT = `
import os, sys, select, termios
master, slave = os.openpty()
a = termios.tcgetattr(slave)
a[0] &= ~(termios.ICRNL | termios.IXON)
a[1] &= ~termios.ONLCR
a[3] &= ~(termios.ECHO | termios.ECHONL | termios.ISIG)
termios.tcsetattr(slave, termios.TCSANOW, a)
os.write(1, (os.ttyname(slave) + "\\n").encode())
while True:
    ready = select.select([master, 0], [], [])[0]
    if master in ready:
        data = os.read(master, 65536)
        if data: os.write(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if not data: os._exit(0)
        os.write(master, data)
`;

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

  static start(gdbPath: string): Promise<PtyRelay> {
    const child = spawn(gdbPath, ['-q', '-nx', '-batch', '-ex', `python exec(${JSON.stringify(RELAY_SCRIPT)})`], {
      shell: false, stdio: ['pipe', 'pipe', 'pipe'],
    });
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
      child.on('exit', () => reject(new Error(`Could not create a terminal for the program (gdb's Python: ${errors.trim() || 'exited'}).`)));
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

// Run in the user's terminal (runInTerminal): a fresh pseudo-terminal for the program, relayed to the
// user's terminal, which is put in raw mode meanwhile. The program so gets a terminal no shell owns: it
// becomes its controlling terminal, and Ctrl+C reaches the program (gdb then stops it). The script
// writes the pty's name to the report file and ends when the file is deleted or the adapter is gone.
const TERMINAL_SCRIPT = `
import os, select, termios, tty, fcntl
report, adapter = REPORT, ADAPTER
master, slave = os.openpty()
try:
    fcntl.ioctl(slave, termios.TIOCSWINSZ, fcntl.ioctl(0, termios.TIOCGWINSZ, bytes(8)))
except OSError:
    pass
saved = termios.tcgetattr(0)
tty.setraw(0)
try:
    with open(report + ".part", "w") as f:
        f.write(os.ttyname(slave))
    os.rename(report + ".part", report)
    while True:
        ready = select.select([master, 0], [], [], 0.5)[0]
        if master in ready:
            os.write(1, os.read(master, 65536))
        if 0 in ready:
            data = os.read(0, 65536)
            if not data:
                break
            os.write(master, data)
        if not ready:
            os.kill(adapter, 0)
            os.stat(report)
except OSError:
    pass
finally:
    termios.tcsetattr(0, termios.TCSADRAIN, saved)
`;

/**
 * The argument list for DAP runInTerminal: gdb's Python running the terminal relay above, from a file
 * beside the report file (gdb reads a `.py` file given to -x as Python), so the shell echoes one short line.
 */
function terminalRelayCommand(gdbPath: string, reportFile: string): string[] {
  const script = path.join(path.dirname(reportFile), 'terminal.py');
  writeFileSync(script, TERMINAL_SCRIPT.replace('REPORT', JSON.stringify(reportFile)).replace('ADAPTER', String(process.pid)));
  return [gdbPath, '-q', '-nx', '-batch', '-x', script];
}

/**
 * Opens the program's terminal in the user's: `run` asks the client (DAP runInTerminal) to run the
 * command; resolves with the new pty and the report file to release when the session ends.
 */
export async function openUserTerminal(gdbPath: string, run: (command: string[]) => Promise<void>): Promise<{ tty: string; reportFile: string }> {
  const reportFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-tty-')), 'tty');
  await run(terminalRelayCommand(gdbPath, reportFile));
  return { tty: await waitForReportedTty(reportFile), reportFile };
}

/** Waits for the reporter to write the terminal's name. */
async function waitForReportedTty(reportFile: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const tty = readFileSync(reportFile, 'utf8').trim();
      if (tty.startsWith('/dev/')) return tty;
    } catch { /* not written yet */ }
    if (Date.now() > deadline) throw new Error('The terminal did not start in time; set "terminal": "none" to use the Debug Console.');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function releaseReportedTty(reportFile: string): void {
  rmSync(path.dirname(reportFile), { recursive: true, force: true });
}
