# Step Back for the debug adapter: gdb's process record ("record full"), made exact.
#
# Sourced into gdb (its embedded Python). gdb 13's x86-64 recorder forgets some register writes, so
# stepping back over them leaves the newer value in place (checked against real gdb by
# test/integration/debug-adapter/record.test.ts):
#   - mov r/m, reg (88, 89), mov r/m, Sreg (8C), xchg r8..r15 with rax (90+r), xadd and cmpxchg
#     (0F C0/C1/B0/B1) whose destination is r8..r15 (REX.B): gdb records r0..r7, the register
#     without REX.B; 49 90 (xchg r8, rax) records nothing at all;
#   - syscall (0F 05): rax, the result, is not recorded;
#   - movs and stos without rep (A4/A5/AA/AB): rsi and rdi are not recorded;
#   - bsf/bsr/tzcnt/lzcnt (0F BC/BD), shld/shrd (0F A4/A5/AC/AD, and their flags), popcnt (0F B8,
#     to r8..r15), pextrb/w/d/q (0F 3A 14-16, 0F C5), movmskps/pd (0F 50), cvtss2si/cvtsd2si
#     (0F 2D), crc32 (0F 38 F1): the destination is not recorded at all. For these every general
#     register and the flags are checked.
# Recording also ends, on purpose, when the program is about to exit, or to run a VEX or EVEX (AVX)
# instruction or an `int n` (the 32-bit `int 0x80` system call that 64-bit programs from older
# tutorials still make), which gdb 13 cannot record in 64-bit code: it would stop the program there
# and, if a breakpoint sits on that instruction, never resume it again. On a processor whose XSAVE
# area is larger than gdb 13 knows (one with AMX state), the kernel refuses every write gdb 13 makes
# to the SSE, MMX and x87 registers ("Couldn't write extended state status: Bad address"), so stepping
# back over an instruction that writes one fails: there the recording ends before such instructions.
#
# For each such instruction in the program, an internal breakpoint at it notes the registers' values
# before it runs, and one at the next instruction adds register writes to the log right after it:
# the old values, then the new ones. gdb logs a register write as the value written, so running
# backwards over them puts the old values back before the instruction is undone. Each write is a log
# entry of its own; the positions after the instruction and between the writes are "inside" it, and
# the adapter never stops there.
import json
import re

import gdb

EXIT_CALLS = (60, 231)  # exit, exit_group (x86-64): asm/unistd_64.h
REGISTERS_64 = ('rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
                'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15')
LEGACY_PREFIXES = frozenset((0x66, 0x67, 0xF2, 0xF3, 0xF0, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65))
# Opcodes after 0F whose ModRM r/m register operand gdb records without REX.B.
TWO_BYTE_RM_WRITES = frozenset((0xC0, 0xC1, 0xB0, 0xB1))
# Opcodes after 0F (and 0F 3A) whose register destination gdb does not record, whatever the prefixes.
TWO_BYTE_UNRECORDED = frozenset((0xB8, 0xBC, 0xBD, 0xA4, 0xA5, 0xAC, 0xAD, 0xC5, 0x50, 0x2D))
THREE_BYTE_3A_UNRECORDED = frozenset((0x14, 0x15, 0x16))
THREE_BYTE_38_UNRECORDED = frozenset((0xF0, 0xF1))  # crc32 (movbe is refused outright)
STRING_MOVES = frozenset((0xA4, 0xA5, 0xAA, 0xAB))  # movs, stos
EVERY_REGISTER = REGISTERS_64 + ('eflags',)


def misrecorded_registers(code):
    """The 64-bit registers gdb 13 fails to record for the instruction `code` (bytes): a tuple."""
    i = 0
    while i < len(code) and code[i] in LEGACY_PREFIXES:
        i += 1
    if code[i:i + 2] == b'\x0f\x05':
        return ('rax',)
    rex = code[i] if i < len(code) and 0x40 <= code[i] <= 0x4F else 0
    j = i + 1 if rex else i
    if code[j:j + 1] and code[j] in STRING_MOVES:
        return ('rcx', 'rsi', 'rdi')
    if code[j:j + 1] == b'\x0f' and j + 1 < len(code):
        second = code[j + 1]
        third = code[j + 2] if j + 2 < len(code) else None
        if (second in TWO_BYTE_UNRECORDED or (second == 0x3A and third in THREE_BYTE_3A_UNRECORDED)
                or (second == 0x38 and third in THREE_BYTE_38_UNRECORDED)):
            return EVERY_REGISTER
    if not rex & 1:
        return ()
    i += 1
    if i >= len(code):
        return ()
    opcode = code[i]
    if opcode == 0x90:
        return ('rax', 'r8')  # gdb takes it for a nop
    if 0x91 <= opcode <= 0x97:
        return (REGISTERS_64[8 + (opcode & 7)],)
    modrm = None
    if opcode in (0x88, 0x89, 0x8C) and i + 1 < len(code):
        modrm = code[i + 1]
    elif opcode == 0x0F and i + 2 < len(code) and code[i + 1] in TWO_BYTE_RM_WRITES:
        modrm = code[i + 2]
    if modrm is not None and modrm >> 6 == 3:
        return (REGISTERS_64[8 + (modrm & 7)],)
    return ()


def unrecordable(code):
    """Why gdb 13 cannot record the instruction `code`, or None (VEX and EVEX: AVX and later)."""
    i = 0
    while i < len(code) and code[i] in LEGACY_PREFIXES:
        i += 1
    if i < len(code) and code[i] in (0xC4, 0xC5, 0x62):  # in 64-bit code always VEX/EVEX prefixes
        return 'gdb cannot record AVX (VEX/EVEX-encoded) instructions'
    if i + 1 < len(code) and code[i] == 0xCD:  # int n: gdb records int 0x80 in 32-bit programs only
        return f'gdb cannot record int {code[i + 1]:#04x} in a 64-bit program'
    return None


# SSE instructions whose first operand (Intel syntax) is only read: they set the flags.
COMPARES_TO_FLAGS = frozenset(('comiss', 'comisd', 'ucomiss', 'ucomisd', 'ptest'))
# x87 instructions that only store into memory or ax (each other x87 instruction changes the register
# stack, its top, or its status or control word).
X87_STORES_ONLY = frozenset(('fxsave', 'fxsave64', 'fnstcw', 'fstcw', 'fnstsw', 'fstsw'))
# Instructions that load the vector or x87 state as a whole, or reset part of it.
STATE_LOADS = frozenset(('fxrstor', 'fxrstor64', 'xrstor', 'xrstor64', 'xrstors', 'xrstors64', 'ldmxcsr',
                         'emms'))
VECTOR_REGISTER = re.compile(r'%?(?:[xyz]mm\d+|mm\d|st(?:\(\d\))?|k[0-7])$')
PREFIX_WORDS = frozenset(('rep', 'repz', 'repnz', 'repe', 'repne', 'lock', 'data16', 'addr32', 'rex', 'rex.W'))


def operands(text):
    """The operands of a disassembled instruction, split at commas outside brackets and parentheses."""
    parts, depth, current = [], 0, ''
    for char in text:
        depth += char in '(['
        depth -= char in ')]'
        if char == ',' and depth == 0:
            parts.append(current.strip())
            current = ''
        else:
            current += char
    return parts + [current.strip()] if current.strip() else parts


def writes_vector_state(asm):
    """Whether the instruction `asm`, as gdb disassembles it (Intel or AT&T syntax), writes an SSE,
    MMX or x87 register or its status: from its mnemonic and its destination operand."""
    words = asm.split()
    while words and words[0] in PREFIX_WORDS:
        words = words[1:]
    if not words:
        return False
    mnemonic = words[0]
    att = '%' in asm
    if mnemonic in STATE_LOADS:
        return True
    if mnemonic.startswith('f'):
        return mnemonic not in X87_STORES_ONLY
    if mnemonic in COMPARES_TO_FLAGS:
        return False
    text = ' '.join(words[1:]).split('#')[0].split('<')[0]
    parts = operands(text)
    if not parts:
        return False
    destination = parts[-1] if att else parts[0]
    return bool(VECTOR_REGISTER.match(destination.replace(' ', '')))


def vector_state_writable():
    """Whether gdb can write the SSE registers here: a changed xmm0, then the value it had."""
    try:
        gdb.execute('set $xmm0.v2_int64[0] = $xmm0.v2_int64[0] ^ 1', to_string=True)
        gdb.execute('set $xmm0.v2_int64[0] = $xmm0.v2_int64[0] ^ 1', to_string=True)
        return True
    except gdb.error:
        return False


VECTOR_STATE_UNWRITABLE = ('gdb 13 cannot write SSE, MMX or x87 registers on this processor (its XSAVE '
                           'area, with AMX state, is larger than gdb 13 knows), so it could not step back '
                           'over this instruction')


def record_info():
    """(replaying, lowest, current, highest) from `info record`; current is the last entry done."""
    text = gdb.execute('info record', to_string=True)
    if 'Active record target' not in text:
        return None
    number = lambda what: int(m.group(1)) if (m := re.search(what + r' instruction number is (\d+)', text)) else 0
    highest = number('Highest recorded')
    replaying = 'Replay mode' in text
    return replaying, number('Lowest recorded'), number('Current') if replaying else highest, highest


class Recorder:
    def __init__(self):
        self.active = False
        self.fixes = {}        # address -> (registers, length)
        self.endings = {}      # address -> why the recording must end before the instruction there
        self.watched = set()   # addresses with an internal breakpoint
        self.arrivals = []
        self.pending = None    # (registers, old values, next address, entry number before it ran)
        self.inside = set()    # entry numbers after which the state is inside a fixed instruction
        self.vector_state_writable = True

    def start(self, limit):
        # Before `record full`: a register written while recording would go into the log.
        self.vector_state_writable = vector_state_writable()
        gdb.execute('record full', to_string=True)
        # Past the limit the oldest entries go: recording never stops the program for lack of room.
        gdb.execute(f'set record full insn-number-max {limit}', to_string=True)
        gdb.execute('set record full stop-at-limit off', to_string=True)
        self.active = True
        count = 0
        for start, end in code_ranges():
            count += self.scan(start, end)
        pc = int(gdb.parse_and_eval('$pc'))
        self.arrive(pc)
        for breakpoint in self.arrivals:
            if breakpoint.address == pc:
                Arrival.standing_on = breakpoint
                breakpoint.enabled = False
        return count

    def scan(self, start, end):
        inferior = gdb.selected_inferior()
        arch = gdb.selected_frame().architecture()
        count = 0
        address = start
        while address < end:
            try:
                instructions = arch.disassemble(address, end - 1, 4096)
            except gdb.MemoryError:
                break
            for instruction in instructions:
                length = instruction['length']
                code = bytes(inferior.read_memory(instruction['addr'], length))
                registers = misrecorded_registers(code)
                if registers:
                    self.watch(instruction['addr'], length, registers)
                    count += 1
                why = unrecordable(code)
                if not why and not self.vector_state_writable and writes_vector_state(instruction['asm']):
                    why = VECTOR_STATE_UNWRITABLE
                if why:
                    self.endings[instruction['addr']] = why
                    self.watch_address(instruction['addr'])
            last = instructions[-1]
            address = last['addr'] + last['length']
        return count

    def watch(self, address, length, registers):
        self.fixes[address] = (registers, length)
        self.watch_address(address)
        self.watch_address(address + length)

    def watch_address(self, address):
        if address not in self.watched:
            self.watched.add(address)
            self.arrivals.append(Arrival(address, self))

    def arrive(self, pc):
        """The program is at `pc`, live; called before the instruction at pc runs."""
        # Called on every pass through a watched instruction: one `info record`, no other queries.
        info = self.active and record_info()
        if not info:
            return
        replaying, lowest, _, highest = info
        if replaying:
            return
        frame = gdb.selected_frame()
        pending, self.pending = self.pending, None
        if pending and pending[2] == pc and highest == pending[3] + 1:
            changed = [(r, old, register_value(r, frame)) for r, old in zip(pending[0], pending[1])]
            changed = [(r, old, new) for r, old, new in changed if new != old]
            for register, old, _ in changed:
                gdb.execute(f'set ${register} = {old:#x}', to_string=True)
            for register, _, new in changed:
                gdb.execute(f'set ${register} = {new:#x}', to_string=True)
            self.inside.update(range(highest, highest + 2 * len(changed)))
            highest += 2 * len(changed)
            if len(self.inside) > 65536:
                self.inside = {n for n in self.inside if n >= lowest}
            frame = gdb.selected_frame()
        fix = self.fixes.get(pc)
        why = self.endings.get(pc)
        if fix and fix[0] == ('rax',) and register_value('rax', frame) in EXIT_CALLS:
            why = 'the program is about to exit'
        if why:
            # Said first: the engine takes the reason from it when gdb reports =record-stopped.
            gdb.write(f'Step Back: the recording ended at {pc:#x}: {why}.\n', gdb.STDLOG)
            gdb.execute('record stop', to_string=True)
            self.end()
            return
        if fix:
            registers, length = fix
            self.pending = (registers, [register_value(r, frame) for r in registers], pc + length, highest)

    def position(self, replay=False):
        """Where replay stands; `replay`: a reverse command comes next."""
        info = self.active and record_info()
        if not info:
            return {'active': False}
        replaying, lowest, current, highest = info
        # While replaying, the breakpoints are off. gdb 13 leaves the program "running" for good
        # when replay, having passed a breakpoint that lets it go on, reaches the end of the log.
        for breakpoint in self.arrivals:
            breakpoint.enabled = not (replaying or replay) and breakpoint is not Arrival.standing_on
        return {'active': True, 'replaying': replaying, 'lowest': lowest, 'current': current,
                'highest': highest, 'inside': current in self.inside, 'afterWrites': current - 1 in self.inside}

    def end(self):
        """Forgets the recording; breakpoints are deleted later (not from a breakpoint's stop())."""
        self.active = False
        self.pending = None
        self.inside.clear()

    def stop_recording(self):
        if record_info():
            gdb.execute('record stop', to_string=True)
        self.end()
        for breakpoint in self.arrivals:
            breakpoint.delete()
        self.arrivals.clear()
        Arrival.standing_on = None
        self.fixes.clear()
        self.endings.clear()
        self.watched.clear()


class Arrival(gdb.Breakpoint):
    # The one switched off: the program is at its address. Resuming from a breakpoint means stepping
    # over it, and gdb 13 never resumes a program again whose instruction it failed to record during
    # such a step; so the breakpoint the program stands on is off until the next one is reached.
    standing_on = None

    def __init__(self, address, recorder):
        super().__init__(f'*{address:#x}', internal=True)
        self.address = address
        self.recorder = recorder

    def stop(self):
        self.recorder.arrive(self.address)
        previous, Arrival.standing_on = Arrival.standing_on, self
        if previous is not None and previous is not self and previous.is_valid() and self.recorder.active:
            previous.enabled = True
        self.enabled = False
        return False


def register_value(name, frame):
    return int(frame.read_register(name)) & 0xFFFFFFFFFFFFFFFF


def code_ranges():
    """Address ranges of the program's own code sections."""
    text = gdb.execute('maint info sections', to_string=True)
    return [(int(m.group(1), 16), int(m.group(2), 16))
            for m in re.finditer(r'(0x[0-9a-f]+)->(0x[0-9a-f]+) at 0x[0-9a-f]+: \S+ [^\n]*\bCODE\b', text)]


RECORDER = Recorder()


class RecordCommand(gdb.Command):
    """syscall-lens-record start LIMIT | position [replay] | stop: prints one JSON line."""

    def __init__(self):
        super().__init__('syscall-lens-record', gdb.COMMAND_RUNNING)

    def invoke(self, argument, from_tty):
        words = argument.split()
        if words[:1] == ['start']:
            print(json.dumps({'fixed': RECORDER.start(int(words[1]))}))
        elif words[:1] == ['position']:
            print(json.dumps(RECORDER.position(words[1:] == ['replay'])))
        elif words[:1] == ['stop']:
            RECORDER.stop_recording()
            print(json.dumps({'active': False}))
        else:
            raise gdb.GdbError('usage: syscall-lens-record start LIMIT | position [replay] | stop')


RecordCommand()
