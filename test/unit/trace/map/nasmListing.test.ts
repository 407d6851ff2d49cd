import { describe, expect, it } from 'vitest';
import { macroBodies, parseListing } from '../../../../trace/map/nasmListing';

describe('nasm listing', () => {
  const listing = [
    '    13                                      sys_write 1, msg, 3',
    '     2 00000000 B801000000          <1>  mov rax, 1',
    '     4 0000000C [0000000000000000]  <1>',
    '     6 00000019 0F05                <1>  syscall',
    '    15 00000036 B83C000000                  mov rax, 60',
  ].join('\n');
  it('keeps expanded instructions with the line that invoked the macro', () => {
    expect(parseListing(listing)).toEqual([
      { section: '.text', offset: 0, line: 2, depth: 1, topLine: 13 },
      { section: '.text', offset: 0x19, line: 6, depth: 1, topLine: 13 },
      { section: '.text', offset: 0x36, line: 15, depth: 0, topLine: 15 },
    ]);
  });
  it('finds %macro bodies', () => {
    expect(macroBodies('%macro a 0\n  nop\n  syscall\n%endmacro\nnop\n%imacro b 1\nret\n%endm\n')).toEqual([[2, 4], [7, 8]]);
  });
});
