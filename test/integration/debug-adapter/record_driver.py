# Runs inside gdb (gdb -batch -x record_driver.py PROGRAM) for record.test.ts. Environment:
#   RECORD_PY  path of debug-adapter/record.py
#   MODE       "plain": gdb's own record full, each instruction stepped forward once and back once;
#              "exact": record.py's recorder, the whole run stepped forward, then back, then forward.
# Steps from label `forms` to label `done` and prints one JSON line to stdout.
import json
import os

import __main__
import gdb

REGISTERS = ('rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp',
             'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip', 'eflags')


def registers():
    return {r: int(gdb.parse_and_eval(f'${r}').format_string(format='x'), 16) for r in REGISTERS}


def pc():
    return int(gdb.parse_and_eval('$pc'))


def label(name):
    return int(gdb.parse_and_eval(f'(long)&{name}'))


def differences(want, got):
    return [r for r in REGISTERS if want[r] != got[r]]


def quiet(command):
    gdb.execute(command, to_string=True)


def plain(inferior, done):
    writable = __main__.vector_state_writable()
    quiet('record full')
    rows = []
    while pc() != done:
        address = pc()
        instruction = gdb.selected_frame().architecture().disassemble(address)[0]
        code = bytes(inferior.read_memory(address, instruction['length']))
        before = registers()
        if not writable and __main__.writes_vector_state(instruction['asm']):
            # gdb 13 cannot step back over it on this processor (see record.py): skipped, not stepped back.
            rows.append({'address': address, 'asm': instruction['asm'], 'code': code.hex(), 'skipped': True,
                         'flagged': list(__main__.misrecorded_registers(code)), 'notRestored': []})
            quiet('stepi')
            continue
        quiet('stepi')
        after = registers()
        quiet('reverse-stepi')
        rows.append({'address': address, 'asm': instruction['asm'], 'code': code.hex(),
                     'flagged': list(__main__.misrecorded_registers(code)),
                     'notRestored': differences(before, registers())})
        # Forward again through the log (its last entry, so no breakpoint step-over reaches the end).
        quiet('record goto end')
        if registers() != after:
            rows[-1]['redoDiffers'] = True
    return {'rows': rows}


def inside():
    return __main__.RECORDER.position()['inside']


def step_forward():
    """stepi through the log; its last entry by `record goto end`: gdb 13 never resumes again after
    stepping over a breakpoint onto the end of the log."""
    position = __main__.RECORDER.position()
    quiet('record goto end' if position['current'] >= position['highest'] - 1 else 'stepi')


def exact(done):
    fixed = json.loads(gdb.execute('syscall-lens-record start 100000', to_string=True))['fixed']
    states = []
    # Up to `done`, or to the instruction before one before which the recorder ends the recording
    # (see record.py; arriving there ends it, and the log with it). The fixture runs straight there.
    endings = __main__.RECORDER.endings
    arch = gdb.selected_frame().architecture()
    ending = None
    while pc() != done:
        following = pc() + arch.disassemble(pc())[0]['length']
        if following in endings:
            ending = {'address': following, 'why': endings[following], 'asm': arch.disassemble(following)[0]['asm']}
            break
        states.append(registers())
        quiet('stepi')
    states.append(registers())
    log = __main__.RECORDER.position()
    back = []
    # Back one instruction at a time; "inside" positions (two register writes that follow a fixed
    # instruction) are passed over, as the adapter does.
    for index in range(len(states) - 2, -1, -1):
        while inside():
            quiet('reverse-stepi')
        quiet('reverse-stepi')
        while inside():
            quiet('reverse-stepi')
        wrong = differences(states[index], registers())
        if wrong:
            back.append({'step': index, 'rip': states[index]['rip'], 'registers': wrong})
    forward = []
    for index in range(1, len(states)):
        step_forward()
        while inside():
            step_forward()
        wrong = differences(states[index], registers())
        if wrong:
            forward.append({'step': index, 'rip': states[index]['rip'], 'registers': wrong})
    if ending:
        # Onto it: the recording ends there, as the adapter then says.
        if __main__.RECORDER.position()['replaying']:
            quiet('record goto end')
        quiet('stepi')
        ending['at'] = pc() == ending['address']
        ending['active'] = __main__.RECORDER.position()['active']
    return {'fixed': fixed, 'steps': len(states) - 1, 'entries': log['highest'], 'back': back, 'forward': forward,
            'ending': ending, 'vectorWritable': __main__.RECORDER.vector_state_writable}


def main():
    quiet('set pagination off')
    quiet('set confirm off')
    quiet('set disassembly-flavor intel')
    gdb.execute(f"source {os.environ['RECORD_PY']}")
    quiet('starti')
    inferior = gdb.selected_inferior()
    quiet(f"tbreak *{label('forms'):#x}")
    quiet('continue')
    done = label('done')
    result = plain(inferior, done) if os.environ['MODE'] == 'plain' else exact(done)
    print('RESULT ' + json.dumps(result))


try:
    main()
except Exception as error:  # reported to the test, which shows it
    print('RESULT ' + json.dumps({'error': str(error)}))
