; hello.asm — the smallest useful Linux x86-64 program: one write(2) and one exit(2).
;
; Build and run:
;   nasm -f elf64 -g -F dwarf hello.asm -o hello.o && ld -o hello hello.o && ./hello
;
; x86-64 syscall convention: number in rax, arguments in rdi, rsi, rdx, r10, r8, r9; result in rax.

        global  _start

        section .data
msg     db      "Hello, world!", 10     ; 10 is the newline
len     equ     $ - msg                 ; $ is the current address, so this is the length of msg

        section .text
_start:
        mov     rax, 1                  ; write(fd, buf, count)
        mov     rdi, 1                  ; fd 1 is stdout
        mov     rsi, msg
        mov     rdx, len
        syscall

        mov     rax, 60                 ; exit(status)
        xor     rdi, rdi                ; status 0
        syscall
