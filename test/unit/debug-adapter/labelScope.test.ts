// The scope of NASM local labels, replayed from gdb's minimal symbol table as nasm scopes them.
import { describe, expect, it } from 'vitest';
import { labelAt, parseMinimalSymbols, scopeOf, type ProgramSymbol } from '../../../debug-adapter/labelScope';

// gdb 13's `maint print msymbols` of a program nasm built with -g (trimmed).
const MSYMBOLS = `Object file /tmp/wc:

[ 3] A 0x7 msg.len section .text  msg[len]  /src/wc.asm
[11] T 0x401000 _start section .text  /src/wc.asm
[12] t 0x40102d parse section .text  /src/wc.asm
[13] t 0x40103f parse.base section .text  parse[base]  /src/wc.asm
[14] t 0x401046 parse.loop section .text  parse[loop]  /src/wc.asm
[17] t 0x40107e print section .text  /src/wc.asm
[20] d 0x40200f msg section .data  /src/wc.asm
[21] d 0x402016 count section .data  /src/wc.asm
[29] B 0x402044 __bss_start section .bss  /src/wc.asm
[30] D 0x402044 _edata section .data  /src/wc.asm
[31] b 0x402044 buf section .bss  /src/wc.asm
[32] B 0x402098 _end section .bss  /src/wc.asm
`;

const text = (name: string, address: number): ProgramSymbol => ({ name, address: BigInt(address), kind: 't', section: '.text', objfile: 'p' });

describe('gdb\'s minimal symbols', () => {
  it('are read with their kind, section and source file, local labels by their ELF name', () => {
    const symbols = parseMinimalSymbols(MSYMBOLS);
    expect(symbols).toHaveLength(12);
    expect(symbols[3]).toEqual({ name: 'parse.base', address: 0x40103fn, kind: 't', section: '.text', objfile: '/tmp/wc', file: '/src/wc.asm' });
    expect(symbols[0]!.kind).toBe('A');
  });
});

describe('scopeOf', () => {
  const symbols = parseMinimalSymbols(MSYMBOLS);

  it('is the procedure, at its label or one of its local labels', () => {
    expect(scopeOf(symbols, 0x40102dn)).toBe('parse');
    expect(scopeOf(symbols, 0x401050n)).toBe('parse');
    expect(scopeOf(symbols, 0x401080n)).toBe('print');
    expect(scopeOf(symbols, 0x400000n)).toBeUndefined();
  });

  it('passes over macro-local labels (..@), and takes a dotted non-local label as nasm does', () => {
    // nasm: `parse:` `..@7.skip:` `.a:` is parse.a; `other.z:` starts a scope, so `.b:` is other.z.b.
    const program = [text('parse', 0), text('..@7.skip', 2), text('parse.a', 2), text('other.z', 4), text('other.z.b', 4), text('other.z.c', 6)];
    expect(scopeOf(program, 2n)).toBe('parse');
    expect(scopeOf(program, 3n)).toBe('parse');
    expect(scopeOf(program, 7n)).toBe('other.z');
  });

  it('replays one object file and one section', () => {
    const lib = { ...text('late', 1), objfile: 'lib' };
    const data = { ...text('table', 1), section: '.data' };
    expect(scopeOf([text('first', 0), lib, data, text('first.x', 2)], 2n)).toBe('first');
  });
});

describe('labelAt', () => {
  const symbols = parseMinimalSymbols(MSYMBOLS);

  it('names an address by the label it lies in, before the linker\'s names at the same address', () => {
    expect(labelAt(symbols, 0x402017n)).toBe('count+1');
    expect(labelAt(symbols, 0x402045n)).toBe('buf+1');
    expect(labelAt(symbols, 0x40200fn)).toBe('msg');
  });

  it('names nothing past the last symbol, below the first, or at an absolute value', () => {
    expect(labelAt(symbols, 0x7fffffffe000n)).toBeUndefined();
    expect(labelAt(symbols, 7n)).toBeUndefined();
  });
});
