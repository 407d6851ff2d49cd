"""The debugged program's terminal inside the user's terminal (DAP runInTerminal).

A fresh pseudo-terminal for the program, relayed to the terminal this runs in, which is put in raw
mode meanwhile. The program so gets a terminal no shell owns: it becomes its controlling terminal and
Ctrl+C reaches the program (gdb then stops it). The pty's name is written to the report file named by
SYSCALL_LENS_REPORT; the relay ends when that file is deleted or the adapter (SYSCALL_LENS_ADAPTER_PID)
is gone.

Run by the extension instead of a shell (so the terminal shows the program, not this command line),
stdin and stdout are pipes: then SYSCALL_LENS_CONTROL_FD names a pipe of "rows cols" lines that size
the program's terminal as the editor's terminal is resized.
"""
import fcntl
import os
import struct
import select
import termios
import tty


def publish(report, name):
    """Writes the name beside the report file, then renames it: a reader never sees half a name."""
    with open(report + ".part", "w") as f:
        f.write(name)
    os.rename(report + ".part", report)


def still_wanted(report, adapter):
    try:
        os.kill(adapter, 0)
        os.stat(report)
        return True
    except OSError:
        return False


def resize(fd, line):
    """Sets the terminal size from a "rows cols" line; anything else is ignored."""
    try:
        rows, cols = (int(n) for n in line.split())
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    except (ValueError, OSError):
        pass


def relay(master, report, adapter, stdin=0, stdout=1, control=None):
    pending = b""
    while True:
        watched = [master, stdin] + ([control] if control is not None else [])
        ready = select.select(watched, [], [], 0.5)[0]
        if control is not None and control in ready:
            data = os.read(control, 4096)
            if not data:
                control = None
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                resize(master, line.decode("ascii", "replace"))
        if master in ready:
            try:
                os.write(stdout, os.read(master, 65536))
            except OSError:
                return
        if stdin in ready:
            data = os.read(stdin, 65536)
            if not data:
                return
            os.write(master, data)
        if not ready and not still_wanted(report, adapter):
            return


def main():
    report = os.environ["SYSCALL_LENS_REPORT"]
    adapter = int(os.environ["SYSCALL_LENS_ADAPTER_PID"])
    master, slave = os.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, fcntl.ioctl(0, termios.TIOCGWINSZ, bytes(8)))
    except OSError:
        pass
    interactive = os.isatty(0)
    saved = termios.tcgetattr(0) if interactive else None
    if interactive:
        tty.setraw(0)
    try:
        publish(report, os.ttyname(slave))
        control = os.environ.get("SYSCALL_LENS_CONTROL_FD")
        relay(master, report, adapter, control=int(control) if control else None)
    except OSError:
        pass
    finally:
        if saved is not None:
            termios.tcsetattr(0, termios.TCSADRAIN, saved)


if __name__ == "__main__":
    main()
