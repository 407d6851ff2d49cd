import { describe, expect, it } from 'vitest';
import { decodeFlags, formatFlags, formatInteger, partValue, toSigned, withRegisterSigils } from '../../../debug-adapter/registers';

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
