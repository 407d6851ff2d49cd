; hello32.asm — the same "Hello, world!" as a 32-bit (i386) program using the legacy int 0x80 gate.
;
; Build and run:
;   nasm -f elf32 -g -F dwarf hello32.asm -o hello32.o && ld -m elf_i386 -o hello32 hello32.o && ./hello32
;
; i386 int 0x80 convention: number in eax, arguments in ebx, ecx, edx, esi, edi, ebp; result in eax.
; The numbers differ from x86-64: write is 4 and exit is 1 here (1 and 60 on x86-64).

        bits    32
        global  _start

        section .data
msg     db      "Hello, world!", 10
len     equ     $ - msg

        section .text
_start:
        mov     eax, 4                  ; write(fd, buf, count)
        mov     ebx, 1                  ; stdout
        mov     ecx, msg
        mov     edx, len
        int     0x80

        mov     eax, 1                  ; exit(status)
        xor     ebx, ebx
        int     0x80
