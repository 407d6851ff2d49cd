import { describe, expect, it } from 'vitest';
import { parseListing } from '../../../../nasm/listing';
import { findWrapperSyscalls, unwindTableSource } from '../../../../trace/map/wrappers';

// nasm -l output (NASM 2.16) of a wrapper with a push, a looping writer, a leaf without a syscall and their callers.
const LISTING = `
     1                                          section .text
     2                                  print:
     3 00000000 57                              push    rdi
     4 00000001 B801000000                      mov     eax, 1
     5 00000006 BF01000000                      mov     edi, 1
     6 0000000B 0F05                            syscall
     7 0000000D 5F                              pop     rdi
     8 0000000E C3                              ret
     9                                  write_all:
    10 0000000F B801000000                      mov     eax, 1
    11 00000014 0F05                            syscall
    12 00000016 4885C0                          test    rax, rax
    13 00000019 75F4                            jnz     write_all
    14 0000001B C3                              ret
    15                                  frame:
    16 0000001C 4883EC18                        sub     rsp, 24
    17 00000020 B827000000                      mov     eax, 39
    18 00000025 0F05                            syscall
    19 00000027 4883C418                        add     rsp, 24
    20 0000002B C3                              ret
    21                                  _start:
    22 0000002C E8CFFFFFFF                      call    print
    23 00000031 E8D9FFFFFF                      call    write_all
    24 00000036 E8E1FFFFFF                      call    frame
    25 0000003B E8C0FFFFFF                      call    print
`;

describe('small wrapper procedures in a listing', () => {
  it('finds the syscall of each straight-line procedure reached by call, with the bytes pushed before it', () => {
    const sites = findWrapperSyscalls(parseListing(LISTING), (section) => (section === '.text' ? 0x401000 : undefined));
    // print: push rdi (8 bytes); frame: sub rsp, 24. write_all branches: not a wrapper.
    expect(sites).toEqual([{ returnAddress: 0x40100d, depth: 8 }, { returnAddress: 0x401027, depth: 24 }]);
  });

  it('writes an .eh_frame with one FDE per wrapper syscall, addressed from an anchor symbol', () => {
    const source = unwindTableSource([{ returnAddress: 0x40100d, depth: 8 }, { returnAddress: 0x401027, depth: 200 }], '_start', 0x40102c);
    expect(source).toContain('extern _start');
    expect(source).toContain('    dd _start - 31 - $');
    // CFA = rsp + 8 + depth (uleb128: 16; 208 is 0xd0 0x01).
    expect(source).toContain('    db 0x0e, 16');
    expect(source).toContain('    db 0x0e, 208, 1');
    expect(source.match(/^fde\d+:$/gm)).toHaveLength(2);
  });
});
