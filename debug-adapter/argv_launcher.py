"""Starts the debugged program with an exact argv, in gdb's place for a shell.

gdb splits program arguments at whitespace when it starts a program without a shell, so an argument
such as "a b" or "" cannot be expressed. The debug adapter writes this file, behind a `#!python -IS`
line, to a private folder and makes it gdb's shell (SHELL, startup-with-shell on). gdb then runs it as
`launcher -c "exec PROGRAM PAYLOAD"`, where PAYLOAD is the argv the adapter encoded (see encode()).
We exec the program with exactly that argv and the environment gdb gave us. gdb expects a shell to
exec the program once, follows that exec, and stops at the program's entry as it always does.
No shell ever parses the arguments.
"""
import os
import sys

# The payload (argvLauncher.ts writes it): "sl1" then ".HEX" for each argv entry, argv[0] being the
# program; HEX is the entry's bytes. Only [0-9a-z.] appear, which gdb passes on untouched.
PREFIX = "sl1"


def decode(payload):
    parts = payload.split(".")
    if parts[0] != PREFIX or len(parts) < 2:
        raise ValueError("not a launcher payload: %r" % payload[:40])
    return [bytes.fromhex(part) for part in parts[1:]]


def initial_environment():
    """The environment as gdb set it. Python may have changed its own copy (PEP 538 adds LC_CTYPE)."""
    with open("/proc/self/environ", "rb") as f:
        entries = f.read().split(b"\0")
    env = {}
    for entry in entries:
        name, equals, value = entry.partition(b"=")
        if equals and name not in env:
            env[name] = value
    return env


def main(argv):
    if len(argv) != 3 or argv[1] != "-c" or not argv[2].split():
        os.write(2, b"syscall-lens launcher: usage: launcher -c 'exec PROGRAM PAYLOAD'\n")
        os._exit(2)
    try:
        program_argv = decode(argv[2].split()[-1])
    except ValueError as error:
        os.write(2, ("syscall-lens launcher: %s\n" % error).encode())
        os._exit(2)
    try:
        os.execve(program_argv[0], program_argv, initial_environment())
    except OSError as error:
        message = "cannot run %s: %s" % (os.fsdecode(program_argv[0]), error.strerror)
        os.write(2, ("syscall-lens launcher: %s\n" % message).encode())
    os._exit(127)


if __name__ == "__main__":
    main(sys.argv)
