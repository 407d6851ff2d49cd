"""user_terminal.py: the program's pty inside the user's terminal, with its report file and lifetime."""
import os
import select
import subprocess
import sys
import tempfile
import time
import unittest

HELPERS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "debug-adapter")
sys.path.insert(0, HELPERS)
import user_terminal  # noqa: E402

SCRIPT = os.path.join(HELPERS, "user_terminal.py")


def wait_for(path, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise AssertionError(path + " did not appear")
        time.sleep(0.02)


class Report(unittest.TestCase):
    def test_publish_renames_a_complete_file(self):
        with tempfile.TemporaryDirectory() as folder:
            report = os.path.join(folder, "tty")
            user_terminal.publish(report, "/dev/pts/9")
            self.assertEqual(open(report).read(), "/dev/pts/9")
            self.assertFalse(os.path.exists(report + ".part"))

    def test_still_wanted_while_the_adapter_lives_and_the_report_exists(self):
        with tempfile.TemporaryDirectory() as folder:
            report = os.path.join(folder, "tty")
            user_terminal.publish(report, "x")
            self.assertTrue(user_terminal.still_wanted(report, os.getpid()))
            dead = subprocess.Popen([sys.executable, "-c", "pass"])
            dead.wait()
            self.assertFalse(user_terminal.still_wanted(report, dead.pid))
            os.remove(report)
            self.assertFalse(user_terminal.still_wanted(report, os.getpid()))


class Relay(unittest.TestCase):
    def start(self, folder, adapter_pid):
        report = os.path.join(folder, "tty")
        env = dict(os.environ, SYSCALL_LENS_REPORT=report, SYSCALL_LENS_ADAPTER_PID=str(adapter_pid))
        master, slave = os.openpty()  # the user's terminal
        relay = subprocess.Popen([sys.executable, SCRIPT], stdin=slave, stdout=slave, env=env)
        os.close(slave)
        self.addCleanup(os.close, master)
        self.addCleanup(relay.kill)
        wait_for(report)
        return relay, report, master

    def test_relays_the_program_pty_to_the_users_terminal_then_ends_with_the_report(self):
        with tempfile.TemporaryDirectory() as folder:
            relay, report, user = self.start(folder, os.getpid())
            name = open(report).read()
            self.assertRegex(name, r"^/dev/pts/\d+$")
            program = os.open(name, os.O_RDWR | os.O_NOCTTY)
            self.addCleanup(os.close, program)
            os.write(program, b"from the program\n")
            seen = b""
            while b"program" not in seen and select.select([user], [], [], 5)[0]:
                seen += os.read(user, 4096)
            self.assertIn(b"from the program", seen)
            os.remove(report)  # the session ended
            self.assertEqual(relay.wait(timeout=5), 0)

    def test_ends_when_the_adapter_is_gone(self):
        adapter = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        with tempfile.TemporaryDirectory() as folder:
            relay, _, _ = self.start(folder, adapter.pid)
            adapter.kill()
            adapter.wait()
            self.assertEqual(relay.wait(timeout=5), 0)

    def test_stdin_that_is_no_terminal_is_left_alone(self):
        with tempfile.TemporaryDirectory() as folder:
            report = os.path.join(folder, "tty")
            env = dict(os.environ, SYSCALL_LENS_REPORT=report, SYSCALL_LENS_ADAPTER_PID=str(os.getpid()))
            relay = subprocess.Popen([sys.executable, SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env)
            self.addCleanup(relay.kill)
            wait_for(report)
            relay.stdin.close()  # end of input ends the relay
            self.assertEqual(relay.wait(timeout=5), 0)

    def test_with_pipes_the_control_pipe_sizes_the_program_terminal(self):
        """How the extension runs it (no shell): pipes for input and output, "rows cols" lines on fd 3."""
        with tempfile.TemporaryDirectory() as folder:
            report = os.path.join(folder, "tty")
            control_read, control_write = os.pipe()
            env = dict(os.environ, SYSCALL_LENS_REPORT=report, SYSCALL_LENS_ADAPTER_PID=str(os.getpid()),
                       SYSCALL_LENS_CONTROL_FD=str(control_read))
            relay = subprocess.Popen([sys.executable, SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env, pass_fds=[control_read])
            os.close(control_read)
            self.addCleanup(relay.kill)
            wait_for(report)
            os.write(control_write, b"33 1")  # a line may come in pieces
            os.write(control_write, b"01\nnot a size\n")
            program_tty = open(report).read()
            seen = b""
            deadline = time.monotonic() + 5
            while b"33 101" not in seen and time.monotonic() < deadline:
                with open(program_tty, "rb+", buffering=0) as tty:
                    seen = subprocess.run(["stty", "size"], stdin=tty, capture_output=True).stdout
                time.sleep(0.05)
            self.assertEqual(seen.strip(), b"33 101")
            # What the program writes comes out of the relay's stdout, with the terminal's \r\n.
            with open(program_tty, "wb", buffering=0) as tty:
                tty.write(b"hello\n")
            out = b""
            while b"hello\r\n" not in out and select.select([relay.stdout], [], [], 5)[0]:
                out += os.read(relay.stdout.fileno(), 4096)
            self.assertIn(b"hello\r\n", out)
            os.close(control_write)  # the control pipe closing does not end the relay
            os.remove(report)
            self.assertEqual(relay.wait(timeout=5), 0)


if __name__ == "__main__":
    unittest.main()
