# Call stacks through NASM code for the debug adapter.
#
# Sourced into gdb (its embedded Python). nasm writes no call-frame information (CFI), so gdb's own
# unwinder guesses from the prologue: in a routine that begins `push rbx` / `sub rsp, 24` it takes the
# saved rbx for the return address and the Call Stack ends in `?? ()`, the caller gone. This unwinder
# works out, for a pc in NASM code, how much the routine has pushed since its entry, by following its
# instructions from its label: push and pop, sub and add to rsp, `mov rbp, rsp` (after which rbp holds
# the frame even when rsp moves by amounts not known ahead, `and rsp, -16`), leave and enter, along
# every jump inside the routine. The return address is then at rsp + pushed (or rbp + offset), and the
# registers the routine pushed are the caller's. The routine is the code from the last label that
# starts a scope (not a local `.loop`, not a macro's `..@12.x`), as nasm scopes labels.
#
# 64-bit and 32-bit programs alike (rsp or esp, 8- or 4-byte words).
#
# A pc whose source is not a NASM file, a routine whose stack use cannot be followed up to pc, or a
# routine nothing called (the program's entry, where [rsp] is argc) is left to gdb's other unwinders.
import bisect
import re

import gdb
from gdb.unwinder import Unwinder, register_unwinder

# NASM's files, and `.s` (hand-written assembly: NASM's in many projects, GNU as's without CFI), not
# the preprocessed `.S`, whose CFI comes from macros.
NASM_SOURCE = re.compile(r'\.([aA][sS][mM]|[nN][aA][sS][mM]|[iI][nN][cC]|[mM][aA][cC]|s)$')


class Machine(object):
    """What unwinding needs of the architecture: the word pushed, the registers by gdb's names (the
    stack and instruction pointers are the unwound ones; the others are the caller's as they are now,
    unless the routine saved them), and gdb's unsigned type of a word."""

    def __init__(self, word, sp, bp, ip, registers, type_name):
        self.word = word
        self.sp = sp
        self.bp = bp
        self.ip = ip
        self.registers = registers
        self.type_name = type_name
        self.mask = (1 << (8 * word)) - 1
        self.unsigned = None

    def value(self, number):
        """A word-sized gdb value of `number`."""
        if self.unsigned is None:
            self.unsigned = gdb.lookup_type(self.type_name)
        return gdb.Value((number & self.mask).to_bytes(self.word, 'little'), self.unsigned)

    def read(self, memory, address):
        return int.from_bytes(memory.read_memory(address, self.word).tobytes(), 'little')


X86_64 = Machine(8, 'rsp', 'rbp', 'rip', ('rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'r8', 'r9', 'r10',
                                           'r11', 'r12', 'r13', 'r14', 'r15'), 'unsigned long')
# A 32-bit program (`bits 32`, ld -m elf_i386), as the tutorials that use int 0x80 build them.
I386 = Machine(4, 'esp', 'ebp', 'eip', ('eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp'), 'unsigned int')
FRAME_POINTER_NAMES = frozenset(('rbp', 'ebp', 'bp', 'bpl'))
STACK_POINTER_NAMES = frozenset(('rsp', 'esp', 'sp', 'spl'))
# Instructions that leave rsp and rbp as they are, whatever their operands (compares, tests, jumps
# handled apart); any other instruction whose first operand is rsp or rbp writes it.
READ_ONLY = frozenset(('cmp', 'test', 'bt', 'push', 'call', 'nop', 'prefetch', 'prefetcht0'))
# How far a routine is followed: longer ones are rare in hand-written assembly.
MAX_INSTRUCTIONS = 4000
# Labels tried as the start of the code holding a pc: the nearest, and the ones before it.
ROUTINE_CANDIDATES = 4
# `lea rsp, [rsp-0x10]`: rsp moved by a known amount.
LEA_RSP = re.compile(r'^\[[re]sp([+-]0x[0-9a-f]+|[+-]\d+)?\]$')
SYMBOL_LINE = re.compile(r'^\[\s*\d+\] ([tT]) (0x[0-9a-f]+) (\S+) section (\S+)')


class FrameId(object):
    """gdb's identity for a frame: the caller's stack pointer at the call, and the routine's start."""

    def __init__(self, machine, sp, pc):
        self.sp = machine.value(sp)
        self.pc = machine.value(pc)


def _entry_point():
    """The program's entry address (`_start`), where [rsp] is argc, not a return address; None if unknown."""
    try:
        match = re.search(r'Entry point: (0x[0-9a-f]+)', gdb.execute('info files', to_string=True))
    except gdb.error:
        return None
    return int(match.group(1), 16) if match else None


def _immediate(text):
    text = text.strip()
    try:
        return int(text, 0)
    except ValueError:
        return None


def _starts_scope(name):
    """nasm's rule: `..x` leaves the scope as it is, `a.b` is a local of `a`, any other name starts one."""
    return not name.startswith('.') and '.' not in name


class State(object):
    """Bytes pushed since the routine's entry (None: not known), where `mov rbp, rsp` was made (bytes
    pushed then), and the registers pushed. After a change of rsp by an amount not known ahead (`and
    rsp, -16`), pushes still count from there: `since` bytes since change number `epoch`. A saved
    register is ('entry', pushed right after its push) or ('since', epoch, since right after it)."""

    __slots__ = ('pushed', 'frame', 'saved', 'epoch', 'since')

    def __init__(self, pushed, frame, saved, epoch=0, since=0):
        self.pushed = pushed
        self.frame = frame
        self.saved = saved
        self.epoch = epoch
        self.since = since

    def copy(self):
        return State(self.pushed, self.frame, dict(self.saved), self.epoch, self.since)

    def move(self, amount):
        """rsp moved down by `amount` bytes (None: by an amount not known ahead)."""
        if amount is None:
            self.pushed = None
            self.epoch += 1
            self.since = 0
            return
        if self.pushed is not None:
            self.pushed += amount
        self.since += amount

    def slot(self):
        """How the slot just pushed is found: from the entry, or from rsp after the last unknown change."""
        return ('entry', self.pushed) if self.pushed is not None else ('since', self.epoch, self.since)

    def slot_address(self, slot, cfa, rsp, word):
        if slot[0] == 'entry':
            return cfa - word - slot[1]
        if slot[1] == self.epoch:
            return rsp + (self.since - slot[2])
        return None


def _operands(asm):
    """`mov    rbp,rsp` → ('mov', ['rbp', 'rsp']); prefixes (`rep`, `bnd`) dropped."""
    parts = asm.split(None, 1)
    mnemonic = parts[0] if parts else ''
    rest = parts[1] if len(parts) > 1 else ''
    while mnemonic in ('rep', 'repz', 'repnz', 'repe', 'repne', 'lock', 'bnd', 'notrack', 'data16') and rest:
        parts = rest.split(None, 1)
        mnemonic = parts[0]
        rest = parts[1] if len(parts) > 1 else ''
    rest = rest.split('#')[0].split('<')[0].strip()
    return mnemonic, [o.strip() for o in rest.split(',')] if rest else []


def _effect(state, mnemonic, operands, machine):
    """The state after one instruction (state is changed in place)."""
    first = operands[0].lower() if operands else ''
    word = machine.word
    if mnemonic == 'push' or mnemonic in ('pushf', 'pushfq', 'pushfd'):
        state.move(word)
        if first in machine.registers and first not in state.saved:
            state.saved[first] = state.slot()
        return
    if mnemonic == 'pop' or mnemonic in ('popf', 'popfq', 'popfd'):
        if first in machine.registers and state.saved.get(first) == state.slot():
            del state.saved[first]
        state.move(-word)
        if first in FRAME_POINTER_NAMES:
            state.frame = None
        return
    if mnemonic == 'leave':
        state.move(None)
        if state.frame is not None:
            state.pushed = state.frame - word
        state.saved.pop(machine.bp, None)
        state.frame = None
        return
    if mnemonic == 'enter':
        size = _immediate(operands[0]) if operands else None
        state.move(word)
        state.saved.setdefault(machine.bp, state.slot())
        state.frame = state.pushed
        state.move(size)
        return
    if first in STACK_POINTER_NAMES and mnemonic not in READ_ONLY:
        amount = _immediate(operands[1]) if len(operands) > 1 else None
        if amount is not None and amount > machine.mask >> 1:
            amount -= machine.mask + 1  # gdb prints `add rsp, -16` as add rsp,0xfffffffffffffff0
        below = LEA_RSP.match(operands[1].lower()) if mnemonic == 'lea' and len(operands) > 1 else None
        if mnemonic in ('sub', 'add') and amount is not None:
            state.move(amount if mnemonic == 'sub' else -amount)
        elif below:
            state.move(-int(below.group(1) or '0', 0))
        else:
            frame = state.frame
            state.move(None)
            if mnemonic == 'mov' and len(operands) > 1 and operands[1].lower() in FRAME_POINTER_NAMES:
                state.pushed = frame
        return
    if first in FRAME_POINTER_NAMES and mnemonic not in READ_ONLY:
        if mnemonic == 'mov' and len(operands) > 1 and operands[1].lower() in STACK_POINTER_NAMES:
            state.frame = state.pushed
        else:
            state.frame = None


def _target(mnemonic, operands):
    """A direct jump's target address, if the operand is one."""
    if mnemonic.startswith('j') or mnemonic.startswith('loop'):
        return _immediate(operands[0]) if len(operands) == 1 else None
    return None


class NasmUnwinder(Unwinder):
    def __init__(self):
        super(NasmUnwinder, self).__init__('syscall-lens-nasm')
        self.places = {}  # (pc, level > 0) → [(routine start, State before pc)], nearest first; [] not ours
        self.states = {}  # (routine start, end) → {address: State}
        self.scopes = {}  # objfile name → sorted [(address, name)] of code labels that start a scope
        self.calls = {}  # return address → whether a call instruction ends right before it
        self.entry = []  # [the program's entry address], once read

    def _place(self, pc, caller, arch, machine):
        """
        The routines that may hold pc, each with the state before the instruction at pc; cached by pc.
        The nearest label first; then the ones before it, for a label that only jumps reach (a label
        without a dot in the middle of a procedure, as code written by hand has): which one called
        the code is told by its return address, at run time.
        """
        key = (pc, caller)
        if key in self.places:
            return self.places[key]
        places = []
        # A caller's pc is its return address, which may begin the next line or routine: the call is before it.
        inside = pc - 1 if caller else pc
        symtab = gdb.find_pc_line(inside).symtab
        if symtab and NASM_SOURCE.search(symtab.filename):
            if not self.entry:
                self.entry.append(_entry_point())
            for start, end in self._routines(inside):
                # The program's entry was not called: [rsp] is argc there.
                if start == self.entry[0]:
                    break
                state = self._states(start, end, arch, machine).get(pc)
                if state is not None:
                    places.append((start, state))
        self.places[key] = places
        return places

    def _called(self, return_address, memory):
        """Whether a call instruction ends right before the address, in code (not data that looks so)."""
        known = self.calls.get(return_address)
        if known is None:
            try:
                known = return_address > 7 and _after_call(memory.read_memory(return_address - 7, 7).tobytes())
            except gdb.MemoryError:
                known = False
            if known:
                try:
                    where = gdb.execute('info symbol 0x%x' % return_address, to_string=True)
                except gdb.error:
                    where = ''
                known = bool(re.search(r' in section \.(text|init|fini)\b', where))
            self.calls[return_address] = known
        return known

    def _routines(self, pc):
        """(start, end) of the code that may hold pc: from the last scope label at or before it (then
        the ones before that, up to ROUTINE_CANDIDATES) to the next label after pc."""
        progspace = gdb.current_progspace()
        key = progspace.solib_name(pc) or progspace.filename
        labels = self.scopes.get(key)
        if labels is None:
            labels = []
            command = 'maint print msymbols -objfile %s' % key if key else 'maint print msymbols'
            try:
                text = gdb.execute(command, to_string=True)
            except gdb.error:
                text = ''
            for line in text.splitlines():
                match = SYMBOL_LINE.match(line)
                if match and _starts_scope(match.group(3)):
                    labels.append((int(match.group(2), 16), match.group(3)))
            labels.sort()
            self.scopes[key] = labels
        index = bisect.bisect_right(labels, (pc, '\uffff'))
        end = labels[index][0] if index < len(labels) else None
        return [(labels[i][0], end) for i in range(index - 1, max(index - 1 - ROUTINE_CANDIDATES, -1), -1)]

    def _states(self, start, end, arch, machine):
        """The state before each instruction of the routine reached from its start."""
        states = self.states.get((start, end))
        if states is not None:
            return states
        # The instructions are read in Intel's syntax, whatever the user set (`-exec set disassembly-flavor att`).
        flavor = gdb.parameter('disassembly-flavor')
        if flavor != 'intel':
            gdb.execute('set disassembly-flavor intel', to_string=True)
        try:
            states = self._follow(start, end, arch, machine)
        finally:
            if flavor != 'intel':
                gdb.execute('set disassembly-flavor %s' % flavor, to_string=True)
        self.states[(start, end)] = states
        return states

    def _follow(self, start, end, arch, machine):
        states = {}
        work = [(start, State(0, None, {}))]
        count = 0
        while work and count < MAX_INSTRUCTIONS:
            address, state = work.pop()
            while address not in states and count < MAX_INSTRUCTIONS and (end is None or address < end):
                states[address] = state.copy()
                count += 1
                try:
                    instruction = arch.disassemble(address, count=1)[0]
                except (gdb.MemoryError, gdb.error, IndexError):
                    break
                mnemonic, operands = _operands(instruction['asm'])
                _effect(state, mnemonic, operands, machine)
                if mnemonic == 'call' and end is not None and address + instruction['length'] >= end:
                    # A caller's frame stands at the return address, which may be where the next label begins.
                    states.setdefault(address + instruction['length'], state.copy())
                target = _target(mnemonic, operands)
                if target is not None and target >= start and (end is None or target < end):
                    work.append((target, state.copy()))
                if mnemonic in ('ret', 'jmp', 'ud2', 'hlt') or mnemonic.startswith('ret'):
                    break
                address += instruction['length']
        return states

    def __call__(self, pending):
        # gdb prints an unwinder's exception at every stop and unwinds on without it: code this walk
        # cannot read (an odd instruction, a register gdb lacks) is left to gdb quietly instead.
        try:
            return self._unwind(pending)
        except Exception:  # noqa: BLE001 - any failure means "not ours", never a broken stack
            return None

    def _unwind(self, pending):
        arch = pending.architecture()
        machine = X86_64 if arch.name() == 'i386:x86-64' else I386 if arch.name() == 'i386' else None
        if machine is None:
            return None
        pc = int(pending.read_register(machine.ip)) & machine.mask
        caller = pending.level() > 0
        places = self.places[(pc, caller)] if (pc, caller) in self.places else self._place(pc, caller, arch, machine)
        if not places:
            return None
        sp = int(pending.read_register(machine.sp)) & machine.mask
        memory = gdb.selected_inferior()
        for start, state in places:
            if state.pushed is not None:
                cfa = sp + state.pushed + machine.word
            elif state.frame is not None:
                cfa = (int(pending.read_register(machine.bp)) & machine.mask) + state.frame + machine.word
            else:
                continue
            try:
                return_address = machine.read(memory, cfa - machine.word)
                # Not after a call: nothing called this routine (code a jump reached, or a stack it changed unseen).
                if not self._called(return_address, memory):
                    continue
                saved = {}
                for name, slot in state.saved.items():
                    address = state.slot_address(slot, cfa, sp, machine.word)
                    if address is not None:
                        saved[name] = machine.value(machine.read(memory, address))
            except gdb.MemoryError:
                continue
            info = pending.create_unwind_info(FrameId(machine, cfa, start))
            for name in machine.registers:
                info.add_saved_register(name, saved[name] if name in saved else pending.read_register(name))
            info.add_saved_register(machine.sp, machine.value(cfa))
            info.add_saved_register(machine.ip, machine.value(return_address))
            return info
        return None


def _after_call(before):
    """Whether the 7 bytes before an address end with a call: e8 rel32, or ff /2 in its 2- to 7-byte forms."""
    if len(before) != 7:
        return False
    if before[2] == 0xE8:
        return True
    return any(before[7 - n] == 0xFF and ((before[8 - n] >> 3) & 7) == 2 for n in (2, 3, 6, 7))


register_unwinder(None, NasmUnwinder(), replace=True)
