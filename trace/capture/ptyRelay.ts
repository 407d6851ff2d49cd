// A terminal of its own for the traced program. Node has no pty API, so a few lines of python3 open a
// pseudo-terminal, start strace on it (the program inherits it as fd 0/1/2 and so sees a real tty:
// isatty, line buffering, Ctrl-C, Ctrl-D), and relay the master side to our stdio. The trace itself
// still goes to the private capture file through strace's `-o`.
import { findExecutable } from '../../toolchain/tools';

// The relay reports strace's pid on its first output line (Stop kills strace's session by it), then
// copies master -> stdout and stdin -> master; `ROWS COLUMNS` lines on fd 3 resize the terminal (the
// kernel then sends the program SIGWINCH). Every descriptor above 2 is closed before strace starts:
// the program must see only its terminal, or its own descriptor numbers would shift. strace becomes a session leader with the pty as its
// controlling terminal, so Ctrl-C typed into it reaches the program. The relay ends when nothing holds
// the pty any more, or once strace has exited and the output has gone quiet (a daemon may keep it),
// and exits as strace did.
const RELAY_SCRIPT = `
import os, sys, select, signal, termios, fcntl, struct
rows, cols, command = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
master, slave = os.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
pid = os.fork()
if pid == 0:
    os.close(master)
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    if slave > 2:
        os.close(slave)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    try:
        os.execvp(command[0], command)
    except OSError as error:
        os.write(2, ("%s: %s\\n" % (command[0], error.strerror)).encode())
        os._exit(127)
os.close(slave)
os.write(1, ("%d\\n" % pid).encode())
inputs, status, sizes = [master, 0, 3], None, b""
while True:
    ready = select.select(inputs, [], [], 0.1)[0]
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b""
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            os.write(master, data)
        else:
            inputs.remove(0)
    if 3 in ready:
        data = os.read(3, 4096)
        if not data:
            inputs.remove(3)
        sizes += data
        while b"\\n" in sizes:
            size, sizes = sizes.split(b"\\n", 1)
            rows, cols = map(int, size.split())
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    if status is None:
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = code
    elif not ready:
        break
if status is None:
    status = os.waitpid(pid, 0)[1]
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
os._exit(os.WEXITSTATUS(status))
`;

export interface TerminalSize {
  rows: number;
  columns: number;
}

/** python3 runs the relay; without it the program falls back to pipes. */
export function findRelayInterpreter(): string | undefined {
  return findExecutable('python3');
}

/** The line on the relay's fd 3 that resizes the program's terminal. */
export function resizeMessage(size: TerminalSize): string {
  return `${Math.max(1, Math.floor(size.rows))} ${Math.max(1, Math.floor(size.columns))}\n`;
}

/** The relay's command line: `command` is passed as argv, never through a shell. */
export function ptyRelayArguments(command: readonly string[], size: TerminalSize = { rows: 24, columns: 80 }): string[] {
  return ['-c', RELAY_SCRIPT, String(size.rows), String(size.columns), ...command];
}
