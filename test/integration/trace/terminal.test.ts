// The traced program on a terminal of its own (the panel's way): a real pty as fd 0/1/2, relayed
// by python3, while the trace still goes to the private capture file.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SyscallEvent, TraceEvent } from '../../../trace/events';
import type { TerminalSize } from '../../../trace/capture/supervisor';
import { findExecutable } from '../../../toolchain/tools';
import { prepareTarget, TraceSession } from '../../../trace/session';

const FIXTURES = path.resolve(__dirname, '../../fixtures/trace');
const work = mkdtempSync(path.join(os.tmpdir(), 'trace-terminal-'));

/** Traces tty.asm on its own terminal, collecting what the terminal shows. */
async function traceOnTerminal(file = 'tty.asm', args: string[] = [], terminalSize?: TerminalSize) {
  let shown = '';
  const inProgress: SyscallEvent[] = [];
  const events: TraceEvent[] = [];
  const session = await TraceSession.start({
    file: path.resolve(FIXTURES, file), args, stdio: 'terminal', terminalSize, ownProcessGroup: true, buildDirectory: mkdtempSync(path.join(work, 'b-')),
    onTerminalOutput: (text) => { shown += text; },
    onInProgress: (event) => inProgress.push(event),
    onEvent: (event) => events.push(event),
  });
  return { session, inProgress, events, shown: () => shown };
}

function calls(session: { model: { events: readonly (unknown)[] } }): SyscallEvent[] {
  return session.model.events.filter((e): e is SyscallEvent => (e as SyscallEvent | undefined)?.kind === 'syscall');
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a program traced on its own terminal', () => {
  it('sees a tty on fd 1 (strace -y names /dev/pts/N) and reads what is typed, line by line', async () => {
    const { session, inProgress, shown } = await traceOnTerminal();
    expect(session.stdio).toBe('terminal');
    await until(() => inProgress.some((e) => e.name === 'read'));
    // Typed as a terminal sends it: Enter is \r, the line discipline makes it \n and echoes.
    session.child.stdin!.write('hello\r');
    const result = await session.done;
    const [ioctl] = calls(result).filter((e) => e.name === 'ioctl');
    expect(ioctl!.args[0]).toMatchObject({ text: '1', fdPath: expect.stringMatching(/^\/dev\/pts\/\d+$/) });
    expect(ioctl!.returnValue).toBe(0);
    const [write] = calls(result).filter((e) => e.name === 'write');
    expect(write!.args[0]).toMatchObject({ text: '1', fdPath: expect.stringMatching(/^\/dev\/pts\/\d+$/) });
    expect(shown()).toContain('stdout is a terminal\r\n');
    expect(shown()).toContain('hello\r\n');
    expect(result.programExit?.exitCode).toBe(6);
  });

  it('Ctrl-D ends the input and Ctrl-C interrupts the program, as in a shell', async () => {
    const eof = await traceOnTerminal();
    await until(() => eof.inProgress.some((e) => e.name === 'read'));
    eof.session.child.stdin!.write('ab\x04');
    expect((await eof.session.done).programExit?.exitCode).toBe(2);

    const interrupted = await traceOnTerminal();
    await until(() => interrupted.inProgress.some((e) => e.name === 'read'));
    interrupted.session.child.stdin!.write('\x03');
    const result = await interrupted.session.done;
    expect(result.programExit?.killedBy).toBe('SIGINT');
    expect(result.stopped).toBe(false);
  });

  it('keeps strace\'s own messages off the terminal, and still explains why nothing could be traced', async () => {
    const script = path.join(work, 'not-a-program');
    writeFileSync(script, 'just text\n', { mode: 0o755 });
    const { session, shown } = await traceOnTerminal(script);
    await expect(session.done).rejects.toMatchObject({ reason: 'not-a-program', message: `Could not run ${script}: Exec format error` });
    expect(shown()).toBe('');
  });

  it('has the size of the panel\'s terminal, follows its resizes (SIGWINCH) and no descriptor beyond 0, 1, 2', async () => {
    const stty = await traceOnTerminal(findExecutable('stty')!, ['size'], { rows: 33, columns: 101 });
    await stty.session.done;
    expect(stty.shown()).toContain('33 101\r\n');

    const { session, inProgress, events } = await traceOnTerminal();
    await until(() => inProgress.some((e) => e.name === 'read'));
    const pid = inProgress[0]!.pid;
    expect(readdirSync(`/proc/${pid}/fd`).sort()).toEqual(['0', '1', '2']);
    session.resize({ rows: 40, columns: 120 });
    await until(() => events.some((e) => e?.kind === 'signal' && e.signal === 'SIGWINCH'));
    session.child.stdin!.write('\x04');
    expect((await session.done).programExit?.exitCode).toBe(0);
  });

  it('falls back to pipes where python3 is missing', async () => {
    const target = await prepareTarget({ file: path.join(FIXTURES, 'tty.asm'), buildDirectory: mkdtempSync(path.join(work, 'b-')) });
    const strace = findExecutable('strace')!;
    const savedPath = process.env.PATH;
    process.env.PATH = path.join(work, 'nothing-here');
    let session: TraceSession;
    try {
      session = await TraceSession.start({ file: target.program, args: [], stdio: 'terminal', tools: { strace } }, target);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(session.stdio).toBe('pipe');
    let stdout = '';
    session.child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    session.child.stdin!.end('hi\n');
    const result = await session.done;
    expect(stdout).toBe('stdout is not a terminal\n');
    expect(result.programExit?.exitCode).toBe(3);
  });

  it('Stop kills strace, the relay and the traced program', async () => {
    const { session, inProgress } = await traceOnTerminal();
    await until(() => inProgress.some((e) => e.name === 'read'));
    const strace = Number(readFileSync(`/proc/${session.child.pid}/task/${session.child.pid}/children`, 'utf8').trim());
    session.stop();
    const result = await session.done;
    expect(result.stopped).toBe(true);
    const pids = [strace, ...result.model.processes.keys()];
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const pid of [session.child.pid!, ...pids]) expect(isRunning(pid)).toBe(false);
  });
});

/** Alive and not a zombie waiting to be reaped by whoever inherited it. */
function isRunning(pid: number): boolean {
  return existsSync(`/proc/${pid}`) && !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
}
