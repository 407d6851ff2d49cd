"""The debugged program's terminal inside the user's terminal (DAP runInTerminal).

A fresh pseudo-terminal for the program, relayed to the terminal this runs in, which is put in raw
mode meanwhile. The program so gets a terminal no shell owns: it becomes its controlling terminal and
Ctrl+C reaches the program (gdb then stops it). The pty's name is written to the report file named by
SYSCALL_LENS_REPORT; the relay ends when that file is deleted or the adapter (SYSCALL_LENS_ADAPTER_PID)
is gone.
"""
import fcntl
import os
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


def relay(master, report, adapter, stdin=0, stdout=1):
    while True:
        ready = select.select([master, stdin], [], [], 0.5)[0]
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
        relay(master, report, adapter)
    except OSError:
        pass
    finally:
        if saved is not None:
            termios.tcsetattr(0, termios.TCSADRAIN, saved)


if __name__ == "__main__":
    main()
