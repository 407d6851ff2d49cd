# Logpoints for the Syscall Lens debug adapter (debug-adapter/logpoints.ts), loaded into gdb.
#
# gdb's own dprintf leaves the program stopped, with no *stopped record, when an expression in its
# message fails (an unknown name, memory it cannot read): the session then waits forever. Here each
# expression is read on its own and a failure prints in its place; the program always goes on.
#
#   syscall-lens-logpoint JSON   JSON: {"location", "marker", "parts": [[text, expression or null]...],
#                                       "condition", "ignore"}
#   prints {"number": N}: the breakpoint, which -break-info describes like any other.
import json
import re

import gdb

UNKNOWN_TYPE = re.compile(r"'([^']+)' has unknown type")


def value_text(expression):
    """The expression's value as a signed integer (a pointer as its address), or gdb's complaint."""
    for _ in range(16):
        try:
            value = gdb.parse_and_eval(expression)
        except gdb.error as error:
            # An `equ` constant: NASM's absolute symbol, whose "address" is its value.
            match = UNKNOWN_TYPE.search(str(error))
            if not match:
                return '<%s>' % str(error).rstrip('.')
            name = re.escape(match.group(1))
            replaced = re.sub(r'(?<![\w.?$@#~])' + name + r'(?![\w.?$@#~])', '((long long)&%s)' % match.group(1), expression)
            if replaced == expression:
                return '<%s>' % str(error).rstrip('.')
            expression = replaced
            continue
        try:
            number = int(value)  # values are lazy: an unreadable address fails here
        except gdb.error as error:
            return '<%s>' % str(error).rstrip('.')
        except (TypeError, ValueError):
            try:
                return str(value)
            except gdb.error as error:
                return '<%s>' % str(error).rstrip('.')
        return str(number - (1 << 64) if number >= 1 << 63 else number)
    return '<too many constants>'


class Logpoint(gdb.Breakpoint):
    def __init__(self, location, marker, parts):
        super().__init__(location)
        self.marker = marker
        self.parts = parts

    def stop(self):
        text = ''.join(part if expression is None else value_text(expression) for part, expression in self.parts)
        gdb.write('%s%s\n' % (self.marker, text))
        return False


class LogpointCommand(gdb.Command):
    def __init__(self):
        super().__init__('syscall-lens-logpoint', gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        request = json.loads(argument)
        point = Logpoint(request['location'], request['marker'], [tuple(p) for p in request['parts']])
        try:
            if request.get('condition'):
                point.condition = request['condition']
            if request.get('ignore'):
                point.ignore_count = request['ignore']
        except gdb.error:
            point.delete()  # a condition gdb cannot read: no breakpoint, gdb's reason as the error
            raise
        gdb.write(json.dumps({'number': point.number}) + '\n')


LogpointCommand()
