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
    expect(sites).toEqual([{ returnAddress: 0x40100d, entry: 0x401000, depth: 8 }, { returnAddress: 0x401027, entry: 0x40101c, depth: 24 }]);
  });

  it('follows a frame pointer (leave, mov rsp, rbp), and takes exit helpers that never return, up to the next label', () => {
    // nasm -l output (NASM 2.16) of w2.asm, a test program of ours.
    const listing = `
     1                                  section .text
     2                                  framed:
     3 00000000 55                              push    rbp
     4 00000001 4889E5                          mov     rbp, rsp
     5 00000004 4883EC10                        sub     rsp, 16
     6 00000008 B801000000                      mov     eax, 1
     7 0000000D 0F05                            syscall
     8 0000000F C9                              leave
     9 00000010 C3                              ret
    10                                  restored:
    11 00000011 55                              push    rbp
    12 00000012 4889E5                          mov     rbp, rsp
    13 00000015 B827000000                      mov     eax, 39
    14 0000001A 0F05                            syscall
    15 0000001C 4889EC                          mov     rsp, rbp
    16 0000001F 5D                              pop     rbp
    17 00000020 C3                              ret
    18                                  clobbered:
    19 00000021 55                              push    rbp
    20 00000022 4889E5                          mov     rbp, rsp
    21 00000025 4889FD                          mov     rbp, rdi
    22 00000028 B827000000                      mov     eax, 39
    23 0000002D 0F05                            syscall
    24 0000002F C9                              leave
    25 00000030 C3                              ret
    26                                  quit:
    27 00000031 B83C000000                      mov     eax, 60
    28 00000036 0F05                            syscall
    29                                  _start:
    30 00000038 E8C3FFFFFF                      call    framed
    31 0000003D E8CFFFFFFF                      call    restored
    32 00000042 E8DAFFFFFF                      call    clobbered
    33 00000047 E8E5FFFFFF                      call    quit
    34 0000004C E800000000                      call    last
    35                                  last:
    36 00000051 B8E7000000                      mov     eax, 231
    37 00000056 0F05                            syscall
`;
    const base = 0x401000;
    const labels = [0x00, 0x11, 0x21, 0x31, 0x38, 0x51].map((offset) => base + offset);
    const sites = findWrapperSyscalls(parseListing(listing), (section) => (section === '.text' ? base : undefined), [], labels);
    // framed: push rbp + sub rsp, 16; restored: push rbp; clobbered writes rbp before leave: not followed;
    // quit ends where _start begins; last ends with the code.
    expect(sites).toEqual([
      { returnAddress: base + 0x0f, entry: base, depth: 24 }, { returnAddress: base + 0x1c, entry: base + 0x11, depth: 8 },
      { returnAddress: base + 0x38, entry: base + 0x31, depth: 0 }, { returnAddress: base + 0x58, entry: base + 0x51, depth: 0 },
    ]);
    // Without the labels, quit runs on into _start's calls: not a wrapper.
    expect(findWrapperSyscalls(parseListing(listing), () => base).map((s) => s.returnAddress)).not.toContain(base + 0x38);
  });

  it('steps over inc and dec (FF /0, /1), counts push and pop of memory (FF /6, 8F /0), and stops at indirect calls', () => {
    // nasm -l output (NASM 2.16): asmttpd's sys_mmap sets mmap's fd to -1 with `dec r8`.
    const listing = `
     1                                  section .text
     2                                  mem:
     3 00000000 4D31C0                          xor     r8, r8
     4 00000003 49FFC8                          dec     r8
     5 00000006 48FFC6                          inc     rsi
     6 00000009 B809000000                      mov     eax, 9
     7 0000000E 0F05                            syscall
     8 00000010 C3                              ret
     9                                  saved:
    10 00000011 FF3425[00000000]                push    qword [save]
    11 00000018 B827000000                      mov     eax, 39
    12 0000001D 0F05                            syscall
    13 0000001F 8F0425[00000000]                pop     qword [save]
    14 00000026 C3                              ret
    15                                  indirect:
    16 00000027 FFD3                            call    rbx
    17 00000029 B827000000                      mov     eax, 39
    18 0000002E 0F05                            syscall
    19 00000030 C3                              ret
    20                                  _start:
    21 00000031 E8CAFFFFFF                      call    mem
    22 00000036 E8D6FFFFFF                      call    saved
    23 0000003B E8E7FFFFFF                      call    indirect
`;
    const base = 0x401000;
    const sites = findWrapperSyscalls(parseListing(listing), (section) => (section === '.text' ? base : undefined));
    expect(sites).toEqual([{ returnAddress: base + 0x10, entry: base, depth: 0 }, { returnAddress: base + 0x1f, entry: base + 0x11, depth: 8 }]);
  });

  it('writes an .eh_frame with one FDE per wrapper syscall, addressed from an anchor symbol', () => {
    const source = unwindTableSource([{ returnAddress: 0x40100d, entry: 0x401000, depth: 8 }, { returnAddress: 0x401027, entry: 0x40101c, depth: 200 }], '_start', 0x40102c);
    expect(source).toContain('extern _start');
    expect(source).toContain('    dd _start - 31 - $');
    // CFA = rsp + 8 + depth (uleb128: 16; 208 is 0xd0 0x01).
    expect(source).toContain('    db 0x0e, 16');
    expect(source).toContain('    db 0x0e, 208, 1');
    expect(source.match(/^fde\d+:$/gm)).toHaveLength(2);
  });
});
