import { describe, expect, it } from 'vitest';
import { decodeFlags, formatFlags, formatInteger, partValue, toSigned, withRegisterSigils } from '../../../debug-adapter/registers';
import { ignoreCountOf } from '../../../debug-adapter/breakpoints';
import { logMessageToDprintf, LOGPOINT_MARKER } from '../../../debug-adapter/logpoints';
import { encodeTerminalInput } from '../../../debug-adapter/terminal';
import { splitCommand } from '../../../debug-adapter/launch';
import { frameName } from '../../../debug-adapter/frames';
import { toGdbExpression } from '../../../debug-adapter/expressions';

describe('registers', () => {
  it('shows hex with signed decimal', () => {
    expect(formatInteger(0xfffffffffffffffen, 64)).toBe('0xfffffffffffffffe (-2)');
    expect(formatInteger(14n, 64)).toBe('0xe (14)');
    expect(toSigned(0x80n, 8)).toBe(-128n);
  });

  it('cuts sub-registers out of the full value (ah is bits 8..15)', () => {
    expect(partValue(0x1234n, { bits: 8, shift: 8 })).toBe(0x12n);
    expect(partValue(0xffffffff_00000001n, { bits: 32 })).toBe(1n);
  });

  it('marks bare register names in expressions, leaving labels and $names alone', () => {
    expect(withRegisterSigils('rax + [rsp] + r8d + $rbx + msg + counts + ah')).toBe('$rax + [$rsp] + $r8d + $rbx + msg + counts + $ah');
  });

  it('decodes rflags', () => {
    expect(formatFlags(0x246n)).toBe('0x246 [PF ZF IF]');
    expect(decodeFlags(0x1n).find((f) => f.name === 'CF')?.set).toBe(true);
  });
});

describe('breakpoint options', () => {
  it('turns hit counts into gdb ignore counts', () => {
    expect(ignoreCountOf('3')).toBe(2);
    expect(ignoreCountOf('>= 1')).toBe(0);
    expect(ignoreCountOf(undefined)).toBeUndefined();
    expect(() => ignoreCountOf('% 2')).toThrow(/not understood/);
  });

  it('turns logpoint messages into dprintf formats; bare names are registers', () => {
    expect(logMessageToDprintf('rax={rax} 100% n={count + 1} {counts}')).toEqual({
      format: `${LOGPOINT_MARKER}rax=%lld 100%% n=%lld %lld\n`, args: ['(long long)($rax)', '(long long)(count + 1)', '(long long)(counts)'],
    });
  });
});

describe('terminal input from a file', () => {
  it('quotes line-editing characters and ends with end-of-file', () => {
    expect([...encodeTerminalInput(Buffer.from('a\x04b\n'))]).toEqual([0x61, 0x16, 0x04, 0x62, 0x0a, 0x04]);
    expect([...encodeTerminalInput(Buffer.from('no newline'))].slice(-2)).toEqual([0x04, 0x04]);
    expect([...encodeTerminalInput(Buffer.alloc(0))]).toEqual([0x04]);
  });
});

describe('build commands and frame names', () => {
  it('splits a build command into words without a shell', () => {
    expect(splitCommand(`make -C "my dir" 'a b' $(x)`)).toEqual(['make', '-C', 'my dir', 'a b', '$(x)']);
  });

  it('names frames by their global label with the local label as location', () => {
    expect(frameName({ level: 0, address: 1n, func: '_start.loop' })).toBe('_start · .loop');
    expect(frameName({ level: 0, address: 0x10n })).toBe('0x10');
  });
});

describe('NASM notation in the Debug Console', () => {
  it('reads memory operands as gdb dereferences', () => {
    expect(toGdbExpression('qword [rsp+8]')).toBe('*(unsigned long long *)($rsp+8)');
    expect(toGdbExpression('byte [rel msg]')).toBe('*(unsigned char *)((char *)&msg)');
    expect(toGdbExpression('[msg + 2]')).toBe('*(unsigned long long *)((char *)&msg + 2)');
    expect(toGdbExpression('dword [r8]')).toBe('*(unsigned int *)($r8)');
    expect(toGdbExpression('rax * 2')).toBe('$rax * 2');
    expect(toGdbExpression('[end]')).toBe('*(unsigned long long *)((char *)&end)');
  });
});
