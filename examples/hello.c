/*
 * hello.c — "Hello, world!" through the C library, to compare with hello.asm: trace both and see
 * how many syscalls libc's start-up adds before printf's single write(2).
 *
 * Build and run:
 *   gcc -g -O0 -o hello-c hello.c && ./hello-c
 */
#include <stdio.h>

int main(void)
{
    printf("Hello, world!\n");
    return 0;
}
