import { describe, expect, it } from 'vitest';
import { mask, toSigned, toUnsigned } from '../../../x86';

describe('two\'s complement', () => {
  it('masks the low bits', () => {
    expect(mask(8)).toBe(0xffn);
    expect(mask(64)).toBe(0xffff_ffff_ffff_ffffn);
  });

  it('reads the low bits as signed at every register width', () => {
    expect(toSigned(0x80n, 8)).toBe(-128n);
    expect(toSigned(0x7fn, 8)).toBe(127n);
    expect(toSigned(0x1_ffffn, 16)).toBe(-1n);
    expect(toSigned(0xffff_fff2n, 32)).toBe(-14n);
    expect(toSigned(0xffff_ffff_ffff_fffen, 64)).toBe(-2n);
    expect(toSigned(-2n, 64)).toBe(-2n);
  });

  it('reads negative numbers as the unsigned bit pattern', () => {
    expect(toUnsigned(-2n, 8)).toBe(0xfen);
    expect(toUnsigned(-1n, 64)).toBe(mask(64));
    expect(toUnsigned(toSigned(0xabn, 8), 8)).toBe(0xabn);
  });
});
