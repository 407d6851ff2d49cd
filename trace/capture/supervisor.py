"""Holds a traced program's whole process tree for trace/capture/supervisor.ts.

Usage: python3 supervisor.py [--pty ROWS COLUMNS] [--parent PID] [--remove DIR] [--stdin-fd FD]
                             [--exec-through TRAMPOLINE] [--strace-env NAME=VALUE]... STRACE [STRACE-OPTIONS...] -- PROGRAM [ARGS...]

The program starts first, stopped, with the standard streams it should have; strace then attaches
to it (`-p`) and the program continues into its execve. So strace's own messages (its stderr, our
fd 4) never mix with the program's stderr, and we know the program's pid from the start.

Nothing outlives us: we are a child subreaper, so every process the program leaves behind (even a
daemon that forked twice and called setsid) becomes our child, and when we end, whatever still runs
is killed. We end when strace has ended, when told `stop` on fd 3, when fd 3 closes (our parent has
gone, even by SIGKILL), on SIGTERM/SIGHUP, or by PR_SET_PDEATHSIG when the parent dies. When the
parent has gone, we also remove DIR (its private capture folder), since nobody else will.

Descriptors: 0, 1, 2 are the program's; with --pty the program gets a pseudo-terminal of its own
(session leader, the pty as controlling terminal, so Ctrl-C typed into it reaches the program) and
we relay master -> fd 1 and fd 0 -> master. fd 3 carries commands: `resize ROWS COLUMNS` (the
kernel then sends the program SIGWINCH) and `stop`. fd 4 receives strace's stderr.
We exit as the program did (the same status, or the same signal).

With --exec-through, the program is started as `TRAMPOLINE PATH PROGRAM ARGS...`, where PATH is the
program found as execvp would find it: the trampoline (execTrampoline.ts) only execs it, and exists so
that strace -k's unwinder forgets our own image before the program runs. If the trampoline cannot be
run, the program is started directly.

Each --strace-env sets a variable for strace, and only for strace (straceEnvironment.ts: the unwind
cache in LD_PRELOAD, TZ). The program keeps the environment it was given.
"""
import ctypes
import fcntl
import os
import select
import signal
import struct
import sys
import termios
import time

# From <linux/prctl.h>.
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PR_SET_PTRACER = 0x59616D61

# The line we add to strace's messages when strace itself was killed (read by supervisor.ts).
STRACE_DEATH_PREFIX = "supervisor:"
CONTROL_FD = 3
STRACE_STDERR_FD = 4
ATTACH_TIMEOUT_S = 10.0
KILL_TIMEOUT_S = 5.0
# How long the relay waits for input before it looks at its children again (their end wakes it sooner).
RELAY_POLL_S = 0.1

_libc = ctypes.CDLL(None, use_errno=True)


def prctl(option, value):
    """Returns True when the kernel accepted the option."""
    return _libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0) == 0


def parse_arguments(argv):
    """Splits our command line into options, strace's command and the program's."""
    options = {"pty": None, "parent": None, "remove": None, "stdin_fd": None, "exec_through": None, "exec_path": None, "strace_env": {}}
    i = 0
    while i < len(argv) and argv[i].startswith("--"):
        if argv[i] == "--pty":
            options["pty"] = (int(argv[i + 1]), int(argv[i + 2]))
            i += 3
        elif argv[i] == "--stdin-fd":
            options["stdin_fd"] = int(argv[i + 1])
            i += 2
        elif argv[i] in ("--exec-through", "--exec-path"):
            options[argv[i][2:].replace("-", "_")] = argv[i + 1]
            i += 2
        elif argv[i] == "--strace-env":
            name, equals, value = argv[i + 1].partition("=")
            if not name or not equals:
                raise ValueError("--strace-env takes NAME=VALUE")
            options["strace_env"][name] = value
            i += 2
        elif argv[i] in ("--parent", "--remove"):
            value = argv[i + 1]
            options[argv[i][2:]] = int(value) if argv[i] == "--parent" else value
            i += 2
        else:
            raise ValueError("unknown option " + argv[i])
    rest = argv[i:]
    if "--" not in rest:
        raise ValueError("expected STRACE ... -- PROGRAM ...")
    split = rest.index("--")
    strace, program = rest[:split], rest[split + 1:]
    if not strace or not program:
        raise ValueError("expected STRACE ... -- PROGRAM ...")
    return options, strace, program


def parent_pids():
    """Maps every visible pid to its parent pid, read from /proc/PID/stat."""
    parents = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as stat:
                text = stat.read()
        except OSError:
            continue
        # The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
        fields = text[text.rindex(b")") + 2:].split()
        parents[int(name)] = int(fields[1])
    return parents


def descendants(root, parents=None):
    """Every process below `root`, parents before their children."""
    parents = parent_pids() if parents is None else parents
    children = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found, queue = [], list(children.get(root, []))
    while queue:
        pid = queue.pop(0)
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def tracer_of(pid):
    """The pid tracing `pid` (0 when none), or None when `pid` has gone."""
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("TracerPid:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return 0


def reset_signals():
    """Python ignores SIGPIPE and SIGXFSZ; ignored signals survive execve, so restore them."""
    for number in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def set_window_size(fd, rows, columns):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", max(1, rows), max(1, columns), 0, 0))


def find_program(name, path=None):
    """
    The file execvp would run for `name`: itself when it holds a slash, else the first executable in
    a PATH folder. When there is none, the name in the first folder: running that fails with ENOENT,
    as execvp's first try does.
    """
    if "/" in name:
        return name
    folders = (os.environ.get("PATH", os.defpath) if path is None else path).split(os.pathsep)
    for folder in folders:
        candidate = os.path.join(folder or ".", name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return os.path.join(folders[0] or ".", name)


def exec_program(program, trampoline=None, path=None):
    """
    Replaces this process by the program (through the trampoline when given); returns only on failure.
    `path`: the file to run, when it is not program[0] (a copy of the program, which keeps its name as argv[0]).
    """
    if trampoline:
        try:
            os.execv(trampoline, [trampoline, path or find_program(program[0])] + list(program))
        except OSError:
            pass
    try:
        if path:
            os.execv(path, program)
        else:
            os.execvp(program[0], program)
    except OSError:
        # The trace shows the failed execve and its errno; the program's stderr stays the program's.
        pass


def start_program(program, pty_size, stdin_fd=None, trampoline=None, path=None):
    """
    Forks the program, stopped before its execve until strace holds it. Returns (pid, master).
    With stdin_fd (a file the caller opened) the program reads that file; the terminal, if any,
    stays its stdout and stderr.
    """
    master = slave = None
    if pty_size:
        master, slave = os.openpty()
        set_window_size(slave, *pty_size)
    pid = os.fork()
    if pid:
        if slave is not None:
            os.close(slave)
        if stdin_fd is not None:
            os.close(stdin_fd)
        return pid, master
    try:
        reset_signals()
        # If we die, the program dies with us (SIGKILL cannot be caught; the setting survives execve).
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if slave is not None:
            os.close(master)
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
        if stdin_fd is not None:
            os.dup2(stdin_fd, 0)
        # Only 0, 1, 2: any other descriptor would shift the program's own descriptor numbers.
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        # Under Yama ptrace_scope 1 only ancestors may trace; strace is our sibling, so name our parent's tree.
        prctl(PR_SET_PTRACER, os.getppid())
        os.kill(os.getpid(), signal.SIGSTOP)
    except OSError as error:
        os.write(2, ("supervisor: %s\n" % error.strerror).encode())
        os._exit(127)
    exec_program(program, trampoline, path)
    os._exit(127)


def strace_environment(variables):
    """Our environment, with VARIABLES set (strace's own, from --strace-env)."""
    env = dict(os.environ)
    env.update(variables)
    return env


def start_strace(strace, program_pid, variables=None):
    pid = os.fork()
    if pid:
        return pid
    try:
        reset_signals()
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        # Its own process group: Ctrl-C on the caller's terminal is for the program, not for strace.
        os.setpgid(0, 0)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(STRACE_STDERR_FD, 2)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        os.execvpe(strace[0], strace + ["-p", str(program_pid)], strace_environment(variables or {}))
    except OSError as error:
        os.write(2, ("strace: exec: %s\n" % error.strerror).encode())
    os._exit(127)


class Supervisor:
    def __init__(self, options, strace, program):
        self.program = self.strace = self.master = None
        self.options = options
        self.strace_command = strace
        self.program_command = program
        self.statuses = {}
        self.parent_gone = False
        self.stop_requested = False

    def on_signal(self, number, _frame):
        # SIGTERM also arrives as our PR_SET_PDEATHSIG when the parent dies.
        if number == signal.SIGTERM and self.options["parent"] and os.getppid() != self.options["parent"]:
            self.parent_gone = True
        self.stop_requested = True

    def reap(self):
        """Collects every child that has ended (ours, and orphans handed to us as subreaper)."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.statuses[pid] = status

    def kill_tree(self):
        """SIGKILLs everything below us until nothing is left (orphans keep arriving as our children)."""
        deadline = time.monotonic() + KILL_TIMEOUT_S
        while time.monotonic() < deadline:
            below = descendants(os.getpid())
            # The traced processes first, while strace still holds them, then strace.
            below.sort(key=lambda pid: pid == self.strace)
            for pid in below:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            self.reap()
            if not below:
                return
            time.sleep(0.01)

    def wait_for_attach(self):
        """Lets the program run once strace traces it. False when strace ended first."""
        deadline = time.monotonic() + ATTACH_TIMEOUT_S
        while time.monotonic() < deadline and not self.stop_requested:
            tracer = tracer_of(self.program)
            if tracer == self.strace:
                os.kill(self.program, signal.SIGCONT)
                return True
            self.reap()
            if self.strace in self.statuses or tracer is None:
                return False
            time.sleep(0.002)
        return False

    def run(self):
        prctl(PR_SET_CHILD_SUBREAPER, 1)
        for number in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, self.on_signal)
        # Ctrl-C on the caller's terminal reaches the program directly; our parent decides what follows.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        parent = self.options["parent"]
        if parent:
            prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
            if os.getppid() != parent:
                self.parent_gone = self.stop_requested = True
        self.program, self.master = start_program(
            self.program_command, self.options["pty"], self.options["stdin_fd"], self.options["exec_through"],
            self.options["exec_path"])
        _, status = os.waitpid(self.program, os.WUNTRACED)
        if not os.WIFSTOPPED(status):
            self.statuses[self.program] = status
        self.strace = start_strace(self.strace_command, self.program, self.options["strace_env"])
        if not self.wait_for_attach():
            self.kill_tree()
            self.finish()
            return 1
        self.relay()
        self.report_strace_death()
        self.kill_tree()
        return self.finish()

    def report_strace_death(self):
        """strace killed under a running program: say so on strace's channel, or nobody would know."""
        status = self.statuses.get(self.strace)
        if status is None or not os.WIFSIGNALED(status) or self.stop_requested:
            return
        name = signal.Signals(os.WTERMSIG(status)).name
        message = "%s strace was killed by %s; the traced processes were ended\n" % (STRACE_DEATH_PREFIX, name)
        try:
            os.write(STRACE_STDERR_FD, message.encode())
        except OSError:
            pass

    def relay(self):
        # A child's end (strace's, the program's) wakes the select below at once: Python restarts a
        # select that a signal interrupted, so without this fd it would notice only at its timeout,
        # up to 0.1 s after the trace ended, on every trace.
        woken, wake = os.pipe()
        os.set_blocking(woken, False)
        os.set_blocking(wake, False)
        signal.signal(signal.SIGCHLD, lambda _number, _frame: None)
        signal.set_wakeup_fd(wake)
        try:
            self.relay_until_done([woken])
        finally:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.close(woken)
            os.close(wake)

    def relay_until_done(self, wakers):
        inputs = [CONTROL_FD] + wakers + ([self.master, 0] if self.master is not None else [])
        commands = b""
        quiet_after_strace = False
        while not self.stop_requested:
            try:
                ready = select.select(inputs, [], [], RELAY_POLL_S)[0]
            except OSError:
                ready = []
            for fd in wakers:
                if fd in ready:
                    try:
                        os.read(fd, 4096)
                    except OSError:
                        pass
            if self.master in ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    data = b""
                if not data:
                    inputs.remove(self.master)
                elif not self.write_out(data):
                    return
            if 0 in ready:
                data = os.read(0, 65536)
                if data:
                    os.write(self.master, data)
                else:
                    inputs.remove(0)
            if CONTROL_FD in ready:
                data = os.read(CONTROL_FD, 4096)
                if not data:
                    self.parent_gone = True
                    return
                commands += data
                while b"\n" in commands:
                    line, commands = commands.split(b"\n", 1)
                    if not self.command(line.split()):
                        return
            self.reap()
            if self.strace in self.statuses:
                # Drain what the terminal still shows; a process that keeps the pty is killed next.
                if quiet_after_strace and (not [fd for fd in ready if fd not in wakers] or self.master not in inputs):
                    return
                quiet_after_strace = self.master is not None and self.master in inputs
                if not quiet_after_strace:
                    return

    def write_out(self, data):
        try:
            os.write(1, data)
            return True
        except OSError:
            # Nobody reads the terminal any more: our parent has gone.
            self.parent_gone = True
            return False

    def command(self, words):
        if words[:1] == [b"stop"]:
            return False
        if words[:1] == [b"resize"] and len(words) == 3 and self.master is not None:
            set_window_size(self.master, int(words[1]), int(words[2]))
        return True

    def finish(self):
        if self.parent_gone and self.options["remove"]:
            remove_tree(self.options["remove"])
        status = self.statuses.get(self.program)
        if status is None:
            return 1
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            if number not in (signal.SIGKILL, signal.SIGSTOP):
                signal.signal(number, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, [number])
            os.kill(os.getpid(), number)
            return 128 + number
        return os.WEXITSTATUS(status)


def remove_tree(directory):
    for root, dirs, files in os.walk(directory, topdown=False):
        for name in files:
            try:
                os.unlink(os.path.join(root, name))
            except OSError:
                pass
        for name in dirs:
            try:
                os.rmdir(os.path.join(root, name))
            except OSError:
                pass
    try:
        os.rmdir(directory)
    except OSError:
        pass


def main(argv):
    try:
        options, strace, program = parse_arguments(argv)
    except (ValueError, IndexError) as error:
        os.write(2, ("supervisor: %s\n" % error).encode())
        return 2
    supervisor = Supervisor(options, strace, program)
    try:
        return supervisor.run()
    except Exception as error:  # noqa: BLE001 - whatever went wrong, nothing may be left running
        os.write(2, ("supervisor: %s\n" % error).encode(errors="replace"))
        supervisor.kill_tree()
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
