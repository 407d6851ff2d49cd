import { describe, expect, it } from 'vitest';
import { parseListing } from '../../../../trace/map/nasmListing';

// Excerpts of real `nasm -l` listings (NASM 2.16): `<N>` counts include and macro depth together.
const MAIN = '/p/main.asm';
const IO = '/p/lib/io.inc';
const SYS = '/p/lib/sys.inc';
const resolve = (name: string) => ({ 'lib/io.inc': IO, 'lib/sys.inc': SYS } as Record<string, string>)[name];

describe('nasm listing', () => {
  it('keeps expanded instructions with the line that invoked the macro', () => {
    const listing = [
      '    13                                      sys_write 1, msg, 3',
      '     2 00000000 B801000000          <1>  mov rax, 1',
      '     4 0000000C [0000000000000000]  <1>',
      '     6 00000019 0F05                <1>  syscall',
      '    15 00000036 B83C000000                  mov rax, 60',
    ].join('\n');
    expect(parseListing(listing, MAIN)).toEqual([
      { section: '.text', offset: 0, line: 2, depth: 1, invocation: { file: MAIN, line: 13 } },
      { section: '.text', offset: 0x19, line: 6, depth: 1, invocation: { file: MAIN, line: 13 } },
      { section: '.text', offset: 0x36, line: 15, depth: 0, file: MAIN },
    ]);
  });

  it('tells an %include from a macro call, so procedures in included files keep their own lines', () => {
    const listing = [
      '     3                                  %include "lib/io.inc"',
      '     1                              <1> ; Procedures in an included file',
      '     2                              <1> %include "lib/sys.inc"',
      '     1                              <2> %macro sys_write 3',
      '    10                              <2>         syscall',
      '    11                              <2> %endmacro',
      '     4                              <1>         section .text',
      '     9 0000000A 0F05                <1>         syscall                         ; @print_syscall',
      '    14                              <1>         sys_write 2, rsi, rdx           ; @shout_macro',
      '    10 00000019 0F05                <2>  syscall',
      '     4                                  ',
      '     7                                          section .data',
      '     8 00000000 68656C6C6F2066726F-     hello   db      "hello from a macro", 10',
      '     8 00000009 6D2061206D6163726F-',
      '    13                                          section .text',
      '    21                                          exit_ok                         ; @nested_macro',
      '    21                              <1>  sys_exit 0',
      '    14 00000064 B83C000000          <2>  mov rax, 60',
    ].join('\n');
    expect(parseListing(listing, MAIN, resolve)).toEqual([
      { section: '.text', offset: 0x0a, line: 9, depth: 1, file: IO },
      { section: '.text', offset: 0x19, line: 10, depth: 2, invocation: { file: IO, line: 14 } },
      { section: '.data', offset: 0, line: 8, depth: 0, file: MAIN },
      // A macro made of macros: the outermost invocation is the user's line.
      { section: '.text', offset: 0x64, line: 14, depth: 2, invocation: { file: MAIN, line: 21 } },
    ]);
  });
});
