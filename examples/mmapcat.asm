; mmapcat.asm — print a file without read(2): open(2) it, ask fstat(2) for its size, map it with
; mmap(2), and hand the mapping to a single write(2). The file is argv[1], or /etc/os-release.
;
; Build and run:
;   nasm -f elf64 -g -F dwarf mmapcat.asm -o mmapcat.o && ld -o mmapcat mmapcat.o && ./mmapcat mmapcat.asm
;
; On failure the program prints a message to stderr and exits with the errno as its status.
; Empty files (and /proc files, whose size is 0) cannot be mapped: mmap of length 0 fails with EINVAL.

        global  _start

        SYS_WRITE       equ 1
        SYS_OPEN        equ 2
        SYS_CLOSE       equ 3
        SYS_FSTAT       equ 5
        SYS_MMAP        equ 9
        SYS_MUNMAP      equ 11
        SYS_EXIT        equ 60
        O_RDONLY        equ 0
        PROT_READ       equ 1
        MAP_PRIVATE     equ 2
        STAT_SIZE       equ 48          ; offset of st_size in the x86-64 struct stat (144 bytes)

        section .rodata
default_path    db      "/etc/os-release", 0
failed          db      "mmapcat: cannot open, stat or map the file", 10
failed_len      equ     $ - failed

        section .bss
statbuf resb    144

        section .text
_start:
        mov     rdi, default_path
        cmp     qword [rsp], 2          ; argc
        jb      .open
        mov     rdi, [rsp + 16]         ; argv[1]
.open:
        mov     rax, SYS_OPEN           ; open(path, flags, mode)
        mov     rsi, O_RDONLY
        xor     rdx, rdx
        syscall
        test    rax, rax
        js      fail
        mov     r12, rax                ; fd

        mov     rax, SYS_FSTAT          ; fstat(fd, statbuf)
        mov     rdi, r12
        mov     rsi, statbuf
        syscall
        test    rax, rax
        js      fail
        mov     r13, [statbuf + STAT_SIZE]

        mov     rax, SYS_MMAP           ; mmap(addr, length, prot, flags, fd, offset)
        xor     rdi, rdi                ; let the kernel choose the address
        mov     rsi, r13
        mov     rdx, PROT_READ
        mov     r10, MAP_PRIVATE        ; the 4th argument goes in r10: syscall itself clobbers rcx
        mov     r8, r12
        xor     r9, r9
        syscall
        cmp     rax, -4095              ; errors are -4095..-1; a mapping address never is
        jae     fail
        mov     r14, rax

        mov     rax, SYS_CLOSE          ; close(fd): the mapping stays valid without it
        mov     rdi, r12
        syscall

        mov     rax, SYS_WRITE          ; write(fd, buf, count): the whole file at once
        mov     rdi, 1
        mov     rsi, r14
        mov     rdx, r13
        syscall

        mov     rax, SYS_MUNMAP         ; munmap(addr, length)
        mov     rdi, r14
        mov     rsi, r13
        syscall

        mov     rax, SYS_EXIT           ; exit(status)
        xor     rdi, rdi
        syscall

; Prints a message to stderr and exits with status -rax (the errno).
fail:
        neg     rax
        mov     rbx, rax
        mov     rax, SYS_WRITE
        mov     rdi, 2
        mov     rsi, failed
        mov     rdx, failed_len
        syscall
        mov     rax, SYS_EXIT
        mov     rdi, rbx
        syscall
