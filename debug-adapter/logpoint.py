# Logpoints for the Syscall Lens debug adapter (debug-adapter/logpoints.ts), loaded into gdb.
#
# gdb's own dprintf leaves the program stopped, with no *stopped record, when an expression in its
# message fails (an unknown name, memory it cannot read): the session then waits forever. Here each
# expression is read on its own and a failure prints in its place; the program always goes on. The
# expressions come in gdb's notation, `equ` constants already replaced by their values.
#
#   syscall-lens-logpoint JSON   JSON: {"location", "marker", "parts": [[text, expression or null]...],
#                                       "condition", "ignore"}
#   prints {"number": N}: the breakpoint, which -break-info describes like any other.
import json

import gdb


def complaint(error):
    return '<%s>' % str(error).rstrip('.')


def value_text(expression):
    """The expression's value as a signed integer (a pointer as its address), or gdb's complaint."""
    try:
        value = gdb.parse_and_eval(expression)
        number = int(value)  # values are lazy: an unreadable address fails here
    except gdb.error as error:
        return complaint(error)
    except (TypeError, ValueError):
        try:
            return str(value)
        except gdb.error as error:
            return complaint(error)
    return str(number - (1 << 64) if number >= 1 << 63 else number)


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
