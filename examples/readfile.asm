; readfile.asm — cat(1) in miniature: open(2) a file, then read(2) and write(2) it in a loop until
; read returns 0 (end of file). The file is argv[1], or /proc/version when no argument is given.
;
; Build and run:
;   nasm -f elf64 -g -F dwarf readfile.asm -o readfile.o && ld -o readfile readfile.o && ./readfile readfile.asm
;
; On failure the program prints a message to stderr and exits with the errno as its status
; (a missing file exits with 2, ENOENT): syscalls return -errno in rax.

        global  _start

        SYS_READ        equ 0
        SYS_WRITE       equ 1
        SYS_OPEN        equ 2
        SYS_CLOSE       equ 3
        SYS_EXIT        equ 60
        O_RDONLY        equ 0
        BUFSIZE         equ 4096

        section .rodata
default_path    db      "/proc/version", 0
open_failed     db      "readfile: cannot open the file", 10
open_failed_len equ     $ - open_failed
io_failed       db      "readfile: read or write failed", 10
io_failed_len   equ     $ - io_failed

        section .bss
buffer  resb    BUFSIZE

        section .text
_start:
        ; At entry rsp points at argc, followed by the argv pointers.
        mov     rdi, default_path
        cmp     qword [rsp], 2
        jb      .open
        mov     rdi, [rsp + 16]         ; argv[1]
.open:
        mov     rax, SYS_OPEN           ; open(path, flags, mode)
        mov     rsi, O_RDONLY
        xor     rdx, rdx
        syscall
        test    rax, rax
        js      .cannot_open
        mov     r12, rax                ; keep the fd in a register syscalls preserve

.copy:
        mov     rax, SYS_READ           ; read(fd, buf, count)
        mov     rdi, r12
        mov     rsi, buffer
        mov     rdx, BUFSIZE
        syscall
        test    rax, rax
        js      .io_error
        jz      .done                   ; 0 bytes: end of file

        mov     rdx, rax                ; write exactly what was read
        mov     rax, SYS_WRITE          ; write(fd, buf, count)
        mov     rdi, 1
        mov     rsi, buffer
        syscall
        test    rax, rax
        js      .io_error
        jmp     .copy

.done:
        mov     rax, SYS_CLOSE          ; close(fd)
        mov     rdi, r12
        syscall
        xor     rdi, rdi
        jmp     exit

.cannot_open:
        mov     rsi, open_failed
        mov     rdx, open_failed_len
        jmp     fail
.io_error:
        mov     rsi, io_failed
        mov     rdx, io_failed_len

; Prints rdx bytes at rsi to stderr and exits with status -rax (the errno).
fail:
        neg     rax
        mov     rbx, rax
        mov     rax, SYS_WRITE
        mov     rdi, 2                  ; stderr
        syscall
        mov     rdi, rbx
exit:
        mov     rax, SYS_EXIT           ; exit(status)
        syscall
