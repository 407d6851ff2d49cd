// Reading NASM equ constants: signed values and whole-name replacement in gdb expressions.
import { describe, expect, it } from 'vitest';
import { formatConstant, replaceName, signedConstant } from '../../../debug-adapter/constants';

describe('formatConstant', () => {
  it('shows a 64-bit symbol value as NASM meant it: signed decimal, then its bits', () => {
    expect(formatConstant(14n)).toBe('14 (0xe)');
    expect(formatConstant(0xffffffffffffffffn)).toBe('-1 (0xffffffffffffffff)');
    expect(signedConstant(0x7fffffffffffffffn)).toBe(0x7fffffffffffffffn);
    expect(signedConstant(0x8000000000000000n)).toBe(-0x8000000000000000n);
  });
});

describe('replaceName', () => {
  it('replaces the whole name only', () => {
    expect(replaceName('len*2 + len2 + msg.len + $len + len', 'len', '(14)')).toBe('(14)*2 + len2 + msg.len + $len + (14)');
    expect(replaceName('*(unsigned long long *)($rsp+FRAME)', 'FRAME', '(-16)')).toBe('*(unsigned long long *)($rsp+(-16))');
  });

  it('replaces a dotted name quoted as gdb needs it, and only whole', () => {
    expect(replaceName("'msg.len' * 2 + msg.len", 'msg.len', '(7)')).toBe('(7) * 2 + (7)');
    expect(replaceName("'msg.len2' + count", 'count', '(long)&count')).toBe("'msg.len2' + (long)&count");
  });

  it('takes names with NASM\'s special characters literally', () => {
    expect(replaceName('a.b?c + ab?c', 'a.b?c', '(1)')).toBe('(1) + ab?c');
  });
});
