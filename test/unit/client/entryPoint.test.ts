import { describe, expect, it } from 'vitest';
import { entryPointLine } from '../../../client/entryPoint';

describe('finding the entry point for the Debug and Trace CodeLenses', () => {
  it('finds _start: in NASM, after global and section lines', () => {
    expect(entryPointLine('nasm', ['        global _start', '        section .text', '_start:', '        mov eax, 60'])).toBe(2);
  });
  it('finds main: in NASM linked with libc, and an indented label', () => {
    expect(entryPointLine('nasm', ['extern printf', '  main:  ', 'ret'])).toBe(1);
  });
  it('does not take a mention in a comment or a global line', () => {
    expect(entryPointLine('nasm', ['; _start: comes later', 'global _start', 'start:'])).toBeUndefined();
  });
  it('finds int main( or void main( in C, not a call to main', () => {
    expect(entryPointLine('c', ['#include <unistd.h>', 'static int helper(void);', 'int main(void)', '{'])).toBe(2);
    expect(entryPointLine('c', ['int x = main();'])).toBeUndefined();
  });
});
