"""keeper.py: holds a process tree and leaves nothing running, driven with real processes."""
import os
import re
import signal
import subprocess
import sys
import time
import unittest

HELPERS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "debug-adapter")
sys.path.insert(0, HELPERS)
import keeper  # noqa: E402

SCRIPT = os.path.join(HELPERS, "keeper.py")
# A family: a child that waits, and a daemon (forked twice, own session); prints both pids (one write
# each, so the lines never mix), then waits.
FAMILY = (
    "import os, sys, time\n"
    "child = os.fork()\n"
    "if child == 0:\n    time.sleep(300)\n"
    "if os.fork() == 0:\n"
    "    os.setsid()\n"
    "    daemon = os.fork()\n"
    "    if daemon == 0:\n        time.sleep(300)\n"
    "    os.write(1, b'daemon %d\\n' % daemon)\n    os._exit(0)\n"
    "os.write(1, b'child %d\\n' % child)\n"
    "time.sleep(float(sys.argv[1]))\n"
)


def running(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def gone(pids, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(running(pid) for pid in pids):
            return True
        time.sleep(0.02)
    return False


class Arguments(unittest.TestCase):
    def test_options_then_the_command(self):
        self.assertEqual(keeper.parse_arguments(["--parent", "1", "--tty", "/dev/pts/3", "--", "gdb", "-q"]),
                         ({"parent": "1", "tty": "/dev/pts/3"}, ["gdb", "-q"]))
        self.assertEqual(keeper.parse_arguments(["prog", "--parent"]), ({"parent": None, "tty": None}, ["prog", "--parent"]))
        with self.assertRaises(SystemExit):
            keeper.parse_arguments(["--parent", "1"])


class Tree(unittest.TestCase):
    def end(self, kept):
        # SIGTERM, so the keeper ends the family too (SIGKILL would orphan it, as the keeper cannot hold on).
        if kept.poll() is None:
            kept.terminate()
            kept.wait(timeout=10)
        kept.stdout.close()

    def start_family(self, lifetime):
        kept = subprocess.Popen([sys.executable, SCRIPT, "--parent", str(os.getpid()), sys.executable, "-c", FAMILY, str(lifetime)],
                                stdout=subprocess.PIPE, text=True)
        self.addCleanup(self.end, kept)
        pids, seen = {}, ""
        while len(pids) < 2:
            line = kept.stdout.readline()
            self.assertTrue(line, "the family ended early: " + seen)
            seen += line
            pids.update((label, int(pid)) for label, pid in re.findall(r"(child|daemon) (\d+)", line))
        return kept, list(pids.values())

    def test_descendants_lists_the_whole_family(self):
        kept, pids = self.start_family(300)
        found = keeper.descendants(kept.pid)
        for pid in pids:
            self.assertIn(pid, found)  # the daemon too: we are its subreaper

    def test_sigterm_ends_the_family_and_the_keeper_dies_of_it(self):
        kept, pids = self.start_family(300)
        kept.send_signal(signal.SIGTERM)
        self.assertEqual(kept.wait(timeout=10), -signal.SIGTERM)
        self.assertTrue(gone(pids))

    def test_when_the_program_ends_what_it_left_behind_ends_too(self):
        kept, pids = self.start_family(0.2)
        self.assertEqual(kept.wait(timeout=10), 0)
        self.assertTrue(gone(pids))

    def test_the_death_of_the_parent_ends_the_family(self):
        parent = subprocess.Popen([sys.executable, "-c", (
            "import os, subprocess, sys, time\n"
            "k = subprocess.Popen([sys.executable, %r, '--parent', str(os.getpid()), sys.executable, '-c', %r, '300'])\n"
            "print(k.pid, flush=True)\n"
            "time.sleep(300)\n") % (SCRIPT, FAMILY)], stdout=subprocess.PIPE, text=True)
        self.addCleanup(parent.stdout.close)
        self.addCleanup(parent.kill)
        kept = int(parent.stdout.readline())
        deadline = time.monotonic() + 5
        while len(keeper.descendants(kept)) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        family = keeper.descendants(kept)
        parent.kill()
        parent.wait()
        self.assertTrue(gone([kept] + family))


class ExitStatus(unittest.TestCase):
    def run_kept(self, *command):
        return subprocess.run([sys.executable, SCRIPT, "--parent", str(os.getpid()), *command], capture_output=True, text=True, timeout=10)

    def test_exits_with_the_programs_code_or_signal(self):
        self.assertEqual(self.run_kept("sh", "-c", "exit 3").returncode, 3)
        self.assertEqual(self.run_kept("sh", "-c", "kill -SEGV $$").returncode, -signal.SIGSEGV)

    def test_a_program_killed_by_sigkill_is_reported_as_such(self):
        # SIGKILL's action cannot be set (EINVAL): the keeper still dies of it, without a traceback.
        result = self.run_kept("sh", "-c", "kill -KILL $$")
        self.assertEqual(result.returncode, -signal.SIGKILL)
        self.assertNotIn("Traceback", result.stderr)

    def test_a_missing_program_is_127_with_a_message(self):
        result = self.run_kept("/nonexistent/program")
        self.assertEqual(result.returncode, 127)
        self.assertIn("cannot run /nonexistent/program", result.stderr)

    def test_a_dead_parent_means_no_start(self):
        dead = subprocess.Popen(["true"])
        dead.wait()
        self.assertEqual(subprocess.run([sys.executable, SCRIPT, "--parent", str(dead.pid), "sh", "-c", "exit 5"]).returncode, 0)


class Terminal(unittest.TestCase):
    def test_tty_becomes_the_programs_controlling_terminal(self):
        master, slave = os.openpty()
        self.addCleanup(os.close, master)
        name = os.ttyname(slave)
        os.close(slave)
        result = subprocess.run([sys.executable, SCRIPT, "--parent", str(os.getpid()), "--tty", name, sys.executable, "-c",
                                 "import os; print(os.ttyname(0), os.getsid(0) == os.getpid(), os.tcgetpgrp(0) == os.getpgrp())"],
                                timeout=10, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        self.assertEqual(result.returncode, 0)
        self.assertEqual(os.read(master, 4096).decode().split(), [name, "True", "True"])


if __name__ == "__main__":
    unittest.main()
