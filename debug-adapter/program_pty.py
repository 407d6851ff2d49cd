"""A pseudo-terminal for the debugged program, relayed to this process's stdin and stdout.

Node has no pty API, so the debug adapter runs this file with gdb's embedded Python (or python3).
It prints the terminal's device name on the first line, then copies the terminal's output to stdout
and stdin to the terminal until stdin closes. It keeps the slave side open, so the program's exit is
no hang-up, and turns off echo, signals and newline translation so bytes pass verbatim.
"""
import os
import select
import termios


def open_quiet_pty():
    master, slave = os.openpty()
    attributes = termios.tcgetattr(slave)
    attributes[0] &= ~(termios.ICRNL | termios.IXON)
    attributes[1] &= ~termios.ONLCR
    attributes[3] &= ~(termios.ECHO | termios.ECHONL | termios.ISIG)
    termios.tcsetattr(slave, termios.TCSANOW, attributes)
    return master, slave


def relay(master, stdin=0, stdout=1):
    while True:
        ready = select.select([master, stdin], [], [])[0]
        if master in ready:
            data = os.read(master, 65536)
            if data:
                os.write(stdout, data)
        if stdin in ready:
            data = os.read(stdin, 65536)
            if not data:
                return
            os.write(master, data)


def main():
    master, slave = open_quiet_pty()
    os.write(1, (os.ttyname(slave) + "\n").encode())
    relay(master)
    os._exit(0)


if __name__ == "__main__":
    main()
