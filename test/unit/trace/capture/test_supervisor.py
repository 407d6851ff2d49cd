"""Unit tests for trace/capture/supervisor.py (run: python3 test/unit/trace/capture/test_supervisor.py)."""
import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "..", "..", "trace", "capture", "supervisor.py")
spec = importlib.util.spec_from_file_location("supervisor", SCRIPT)
supervisor = importlib.util.module_from_spec(spec)
spec.loader.exec_module(supervisor)


class ParseArguments(unittest.TestCase):
    def test_splits_options_strace_and_program(self):
        options, strace, program = supervisor.parse_arguments(
            ["--pty", "30", "100", "--parent", "42", "--remove", "/tmp/x", "--stdin-fd", "5", "--exec-through", "/c/t",
             "--strace-env", "LD_PRELOAD=/c/u.so", "--strace-env", "TZ=:/etc/localtime", "strace", "-f", "--seccomp-bpf", "-o", "t", "--", "prog", "--", "a b"])
        self.assertEqual(options, {"pty": (30, 100), "parent": 42, "remove": "/tmp/x", "stdin_fd": 5, "exec_through": "/c/t", "exec_path": None,
                                   "strace_env": {"LD_PRELOAD": "/c/u.so", "TZ": ":/etc/localtime"}})
        self.assertEqual(strace, ["strace", "-f", "--seccomp-bpf", "-o", "t"])
        # Everything after the first bare `--` is the program's, another `--` included.
        self.assertEqual(program, ["prog", "--", "a b"])

    def test_without_options(self):
        self.assertEqual(supervisor.parse_arguments(["strace", "--", "prog"]), ({"pty": None, "parent": None, "remove": None, "stdin_fd": None, "exec_through": None, "exec_path": None, "strace_env": {}}, ["strace"], ["prog"]))

    def test_refuses_a_missing_program_or_strace(self):
        for argv in (["strace"], ["strace", "--"], ["--", "prog"], ["--bogus", "strace", "--", "prog"],
                     ["--strace-env", "TZ", "strace", "--", "prog"], ["--strace-env", "=x", "strace", "--", "prog"]):
            with self.assertRaises(ValueError):
                supervisor.parse_arguments(argv)

    def test_main_says_what_is_wrong(self):
        run = subprocess.run([sys.executable, SCRIPT, "strace"], capture_output=True, text=True, timeout=10)
        self.assertEqual(run.returncode, 2)
        self.assertIn("expected STRACE ... -- PROGRAM", run.stderr)


class StraceEnvironment(unittest.TestCase):
    def test_sets_the_variables_over_ours(self):
        saved = os.environ.get("LD_PRELOAD")
        try:
            os.environ["LD_PRELOAD"] = "/usr/lib/mine.so"
            env = supervisor.strace_environment({"LD_PRELOAD": "/c/u.so:/usr/lib/mine.so", "TZ": ":/etc/localtime"})
            self.assertEqual((env["LD_PRELOAD"], env["TZ"]), ("/c/u.so:/usr/lib/mine.so", ":/etc/localtime"))
            self.assertEqual(supervisor.strace_environment({})["LD_PRELOAD"], "/usr/lib/mine.so")
        finally:
            if saved is None:
                os.environ.pop("LD_PRELOAD", None)
            else:
                os.environ["LD_PRELOAD"] = saved


class FindProgram(unittest.TestCase):
    def test_finds_the_program_as_execvp_would(self):
        with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
            for folder, mode in ((first, 0o644), (second, 0o755)):
                with open(os.path.join(folder, "tool"), "w") as tool:
                    tool.write("#!/bin/true\n")
                os.chmod(os.path.join(folder, "tool"), mode)
            path = os.pathsep.join([first, second])
            # Not executable in the first folder: the second one's.
            self.assertEqual(supervisor.find_program("tool", path), os.path.join(second, "tool"))
            # A name with a slash is a path already; a name found nowhere fails in the first folder.
            self.assertEqual(supervisor.find_program("./tool", path), "./tool")
            self.assertEqual(supervisor.find_program("absent", path), os.path.join(first, "absent"))


class ProcessTree(unittest.TestCase):
    def test_descendants_from_a_parent_map_parents_first(self):
        parents = {1: 0, 10: 1, 11: 10, 12: 10, 13: 11, 20: 1}
        self.assertEqual(supervisor.descendants(10, parents), [11, 12, 13])
        self.assertEqual(supervisor.descendants(13, parents), [])

    def test_reads_real_parents_even_with_parentheses_in_the_name(self):
        # A command name with ") (" in it must not shift the fields of /proc/PID/stat.
        with tempfile.TemporaryDirectory() as folder:
            odd = os.path.join(folder, "a) (b")
            os.symlink("/bin/sleep", odd)
            child = subprocess.Popen([odd, "5"])
            try:
                self.assertEqual(supervisor.parent_pids()[child.pid], os.getpid())
                self.assertIn(child.pid, supervisor.descendants(os.getpid()))
            finally:
                child.kill()
                child.wait()

    def test_tracer_of_an_untraced_and_a_gone_process(self):
        self.assertEqual(supervisor.tracer_of(os.getpid()), 0)
        child = subprocess.Popen(["/bin/true"])
        child.wait()
        self.assertIsNone(supervisor.tracer_of(child.pid))


class Cleanup(unittest.TestCase):
    def test_remove_tree_removes_nested_files(self):
        folder = tempfile.mkdtemp()
        os.makedirs(os.path.join(folder, "a", "b"))
        open(os.path.join(folder, "a", "b", "trace"), "w").close()
        open(os.path.join(folder, "trace"), "w").close()
        supervisor.remove_tree(folder)
        self.assertFalse(os.path.exists(folder))

    def test_children_get_default_signal_dispositions(self):
        # Python ignores SIGPIPE; an exec'd program must not inherit that.
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            supervisor.reset_signals()
            os.dup2(write, 1)
            os.execvp("grep", ["grep", "^SigIgn", "/proc/self/status"])
        os.close(write)
        _, status = os.waitpid(pid, 0)
        line = os.read(read, 4096).decode()
        os.close(read)
        ignored = int(line.split()[1], 16)
        self.assertEqual(ignored & (1 << (signal.SIGPIPE - 1)), 0)
        self.assertEqual(ignored & (1 << (signal.SIGINT - 1)), 0)



class Relay(unittest.TestCase):
    def test_ends_when_strace_ends_not_at_its_next_poll(self):
        # With a poll of a minute, only the children's end can wake the relay in time.
        script = (
            "import importlib.util, os, sys\n"
            "spec = importlib.util.spec_from_file_location('supervisor', %r)\n"
            "s = importlib.util.module_from_spec(spec); spec.loader.exec_module(s)\n"
            "s.RELAY_POLL_S = 60\n"
            # The pipes first, then over fds 3 and 4: os.pipe() may itself return 3 and 4.
            "control, keep = os.pipe(); messages, into = os.pipe()\n"
            "control, keep, messages, into = [os.dup(fd) for fd in (control, keep, messages, into)]\n"
            "os.dup2(control, s.CONTROL_FD); os.dup2(into, s.STRACE_STDERR_FD)\n"
            "sys.exit(s.main(['strace', '-f', '-qq', '-o', os.devnull, '--', 'true']))\n" % SCRIPT)
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30)
        self.assertEqual(run.returncode, 0, run.stderr)


if __name__ == "__main__":
    unittest.main()
