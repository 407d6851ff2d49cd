"""program_pty.py: the program's terminal relayed to the Debug Console, driven through a real pty."""
import os
import select
import shutil
import subprocess
import sys
import unittest

HELPERS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "debug-adapter")
sys.path.insert(0, HELPERS)
import program_pty  # noqa: E402

SCRIPT = os.path.join(HELPERS, "program_pty.py")


def read_until(fd, wanted, timeout=5.0):
    data = b""
    while wanted not in data:
        ready = select.select([fd], [], [], timeout)[0]
        if not ready:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data


class QuietPty(unittest.TestCase):
    def test_bytes_pass_verbatim_without_echo_or_newline_translation(self):
        master, slave = program_pty.open_quiet_pty()
        try:
            os.write(slave, b"out\n")
            self.assertEqual(read_until(master, b"\n"), b"out\n")  # no \r added
            os.write(master, b"in\x03\n")
            self.assertEqual(read_until(slave, b"\n"), b"in\x03\n")  # ^C is data, not SIGINT
            ready = select.select([master], [], [], 0.2)[0]
            self.assertEqual(ready, [])  # nothing echoed back
        finally:
            os.close(master)
            os.close(slave)


class Relay(unittest.TestCase):
    def run_relay(self, command):
        relay = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.addCleanup(relay.kill)
        name = relay.stdout.readline().decode().strip()
        self.assertRegex(name, r"^/dev/pts/\d+$")
        tty = os.open(name, os.O_RDWR | os.O_NOCTTY)
        self.addCleanup(os.close, tty)
        os.write(tty, b"program says hi\n")
        self.assertEqual(read_until(relay.stdout.fileno(), b"hi\n"), b"program says hi\n")
        relay.stdin.write(b"typed\n")
        relay.stdin.flush()
        self.assertEqual(read_until(tty, b"\n"), b"typed\n")
        relay.stdin.close()
        self.assertEqual(relay.wait(timeout=10), 0)  # ends when its stdin closes

    def test_python3_runs_it(self):
        self.run_relay([sys.executable, SCRIPT])

    @unittest.skipUnless(shutil.which("gdb"), "gdb is not installed")
    def test_gdb_python_runs_it_as_the_adapter_does(self):
        self.run_relay([shutil.which("gdb"), "-q", "-nx", "-batch", "-x", SCRIPT])


if __name__ == "__main__":
    unittest.main()
