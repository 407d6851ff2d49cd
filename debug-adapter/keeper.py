"""Holds a process tree for the debug adapter, so that nothing outlives a session.

Usage: python3 keeper.py --parent PID [--tty PATH] PROGRAM [ARGS...]

The adapter runs gdb (with the program it debugs), a launch.json build command, or a program run
without debugging through this file. We are a child subreaper: every process of the tree that is left
behind (a child forked by the debugged program, a daemon that forked twice and called setsid) becomes
our child instead of init's. We run PROGRAM with our stdin, stdout and stderr, or with --tty in a new
session whose controlling terminal is PATH (so Ctrl+C typed there reaches it). When PROGRAM ends we
kill whatever of the tree still runs and exit as PROGRAM did (its status, or its signal). SIGTERM,
SIGHUP or the death of PID (PR_SET_PDEATHSIG) kills the whole tree first.
"""
import ctypes
import fcntl
import os
import sys
import termios
import time

try:
    # The C module under `signal`: the same functions and numbers without the enums signal.py builds
    # from them, which cost 5-25 ms here, and the keeper's start-up is on the way to every gdb's.
    import _signal as signal
except ImportError:
    import signal

# From <linux/prctl.h>.
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
KILL_TIMEOUT_S = 5.0

_libc = ctypes.CDLL(None, use_errno=True)


class Stop(Exception):
    """A termination signal arrived: end the tree."""


def prctl(option, value):
    return _libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0) == 0


def parse_arguments(argv):
    options = {"parent": None, "tty": None}
    i = 0
    while i < len(argv) and argv[i] in ("--parent", "--tty"):
        options[argv[i][2:]] = argv[i + 1]
        i += 2
    if i < len(argv) and argv[i] == "--":
        i += 1
    if i >= len(argv):
        raise SystemExit("usage: keeper.py --parent PID [--tty PATH] PROGRAM [ARGS...]")
    return options, argv[i:]


def descendants(root):
    """Every process below `root`, from the parent links in /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses; the fields after its last ")" do not.
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_tree():
    """SIGKILLs every descendant until none is left; orphans come to us, so the loop sees them too."""
    deadline = time.monotonic() + KILL_TIMEOUT_S
    while time.monotonic() < deadline:
        pids = [pid for pid in descendants(os.getpid()) if not is_zombie_child(pid)]
        if not pids:
            reap()
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        reap()
        time.sleep(0.005)


def is_zombie_child(pid):
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            stat = f.read()
        return stat[stat.rfind(b")") + 2:].split()[0] == b"Z"
    except OSError:
        return True


def start(command, tty):
    pid = os.fork()
    if pid:
        return pid
    try:
        for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(number, signal.SIG_DFL)
        if tty:
            os.setsid()
            fd = os.open(tty, os.O_RDWR)
            fcntl.ioctl(fd, termios.TIOCSCTTY, 0)
            for target in (0, 1, 2):
                os.dup2(fd, target)
            if fd > 2:
                os.close(fd)
        os.execvp(command[0], command)
    except OSError as error:
        os.write(2, ("keeper: cannot run %s: %s\n" % (command[0], error.strerror)).encode())
    os._exit(127)


def exit_as(status):
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            signal.signal(number, signal.SIG_DFL)
        except (OSError, ValueError):
            pass  # SIGKILL and SIGSTOP have no handler to reset: their action is always the default
        # The program's core dump (if any) is its own; dying of its SIGSEGV must not dump python's.
        prctl(PR_SET_DUMPABLE, 0)
        os.kill(os.getpid(), number)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)


def main(argv):
    options, command = parse_arguments(argv)

    def on_signal(number, _frame):
        # The first one ends the tree; another (the parent's death is often reported twice) must not
        # interrupt that.
        for other in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(other, signal.SIG_IGN)
        raise Stop(number)

    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, on_signal)
    # Ctrl+C in a terminal we share is for gdb or the program, never for us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if options["parent"] is not None and os.getppid() != int(options["parent"]):
        return  # our parent died before PR_SET_PDEATHSIG could watch it
    try:
        child = start(command, options["tty"])
        while True:
            pid, status = os.waitpid(-1, 0)
            if pid == child:
                break
    except Stop as stop:
        kill_tree()
        signal.signal(stop.args[0], signal.SIG_DFL)
        os.kill(os.getpid(), stop.args[0])
        return
    kill_tree()
    exit_as(status)


if __name__ == "__main__":
    main(sys.argv[1:])
