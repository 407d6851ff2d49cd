import { describe, expect, it } from 'vitest';
import { defineArgs, defineNumber, parseDefines } from '../../../toolchain/defines';

describe("a project's -D definitions", () => {
  it('reads NAME and NAME=value (a leading -D as written in a Makefile is accepted) and names what is not one', () => {
    const { defines, invalid } = parseDefines(['ARCH_X86_64=1', '-DDEBUG', ' PREFIX=_ ', '2BAD', 'a b=1', '']);
    expect(defines).toEqual([{ name: 'ARCH_X86_64', value: '1' }, { name: 'DEBUG' }, { name: 'PREFIX', value: '_' }]);
    expect(invalid).toEqual(['2BAD', 'a b=1']);
  });

  it('become one nasm argument each', () => {
    expect(defineArgs(parseDefines(['ARCH_X86_64=1', 'DEBUG', 'MSG="hi there"']).defines)).toEqual(['-DARCH_X86_64=1', '-DDEBUG', '-DMSG="hi there"']);
  });

  it('have a number when the value is a plain integer', () => {
    expect(defineNumber({ name: 'A', value: '42' })).toBe(42n);
    expect(defineNumber({ name: 'A', value: '0x1F' })).toBe(31n);
    expect(defineNumber({ name: 'A', value: '-1' })).toBe(-1n);
    expect(defineNumber({ name: 'A', value: 'SYS_write' })).toBeUndefined();
    expect(defineNumber({ name: 'A' })).toBeUndefined();
  });
});
