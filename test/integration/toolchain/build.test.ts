import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram, describeBuildFailure, sourceKindOf } from '../../../toolchain/build';
import { runProgram } from '../../../toolchain/tools';
import { kernelRunsI386 } from '../../../toolchain/kernel';

const work = mkdtempSync(path.join(tmpdir(), 'syscall-lens-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const HELLO = `section .data
msg db "hi", 10
section .text
global _start
_start:
  mov rax, 1
  mov rdi, 1
  mov rsi, msg
  mov rdx, 3
  syscall
  mov rax, 60
  mov rdi, 7
  syscall
`;

function source(dirName: string, fileName: string, text: string): string {
  const dir = path.join(work, dirName);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, fileName);
  writeFileSync(file, text);
  return file;
}

describe('building a NASM program with DWARF', () => {
  it('assembles and links into the build folder, not beside the source, and the program runs', async () => {
    const file = source('plain', 'hello.asm', HELLO);
    const out = path.join(work, 'out-plain');
    const result = await buildProgram({ source: file, buildDirectory: out });
    expect(result.ok).toBe(true);
    expect(path.dirname(result.program)).toBe(out);
    expect(readFileSync(result.listing!, 'utf8')).toMatch(/mov rax, 1/);
    const run = await runProgram(result.program, []);
    expect(run.stdout).toBe('hi\n');
    expect(run.exitCode).toBe(7);
    const sections = await runProgram('readelf', ['-S', result.program]);
    expect(sections.stdout).toMatch(/\.debug_line/);
  });

  it('builds a NASM .s file (course projects name them so), and leaves a GNU as one alone', async () => {
    const file = source('dot-s', 'hello.s', HELLO);
    expect(sourceKindOf(file)).toBe('nasm');
    const result = await buildProgram({ source: file, buildDirectory: path.join(work, 'out-dot-s') });
    expect(result.ok).toBe(true);
    expect((await runProgram(result.program, [])).stdout).toBe('hi\n');
    const gas = source('dot-s', 'gas.s', '\t.globl _start\n\t.text\n_start:\n\tmovq $60, %rax\n\tsyscall\n');
    expect(sourceKindOf(gas)).toBeUndefined();
    await expect(buildProgram({ source: gas })).rejects.toThrow(/only .asm, .nasm, .c and NASM .s files/);
  });

  it('builds a file whose name has spaces, quotes and $(...) without a shell', async () => {
    const file = source(`odd dir (1)`, `he"l'lo $(touch pwned).asm`, HELLO);
    const result = await buildProgram({ source: file, buildDirectory: path.join(work, 'out odd') });
    expect(result.ok).toBe(true);
    expect((await runProgram(result.program, [])).stdout).toBe('hi\n');
  });

  it('follows %include relative to the source file', async () => {
    source('inc', 'consts.inc', 'SYS_exit equ 60\n');
    const file = source('inc', 'main.asm', '%include "consts.inc"\nsection .text\nglobal _start\n_start:\n mov eax, SYS_exit\n mov edi, 3\n syscall\n');
    const result = await buildProgram({ source: file, buildDirectory: path.join(work, 'out-inc') });
    expect(result.ok).toBe(true);
    expect((await runProgram(result.program, [])).exitCode).toBe(3);
  });

  it('builds bits 32 programs for i386', async () => {
    const file = source('i386', 'h32.asm', 'bits 32\nsection .text\nglobal _start\n_start:\n mov eax, 1\n mov ebx, 5\n int 0x80\n');
    const result = await buildProgram({ source: file, buildDirectory: path.join(work, 'out-32') });
    expect(result.format).toBe('elf32');
    expect(result.ok).toBe(true);
    expect((await runProgram('readelf', ['-h', result.program])).stdout).toMatch(/ELF32/);
    // Where the kernel runs no i386 programs, toolchain/kernel.test.ts checks the refusal instead.
    if (kernelRunsI386()) expect((await runProgram(result.program, [])).exitCode).toBe(5);
  });

  it('refuses a flat binary (org) with a message saying why, before running any tool', async () => {
    const file = source('flat', 'boot.asm', 'org 0x7c00\nbits 16\nstart: jmp start\ntimes 510-($-$$) db 0\ndw 0xaa55\n');
    const result = await buildProgram({ source: file, buildDirectory: path.join(work, 'out-flat') });
    expect(result).toMatchObject({ ok: false, format: 'bin', steps: [] });
    expect(describeBuildFailure(result)).toMatch(/^Build failed: boot\.asm: boot\.asm is a flat binary \(it sets `org`/);
  });

  it('reports assembler errors with file and line and does not link', async () => {
    const file = source('bad', 'bad.asm', 'section .text\nglobal _start\n_start:\n  movx rax, 1\n');
    const result = await buildProgram({ source: file, buildDirectory: path.join(work, 'out-bad') });
    expect(result.ok).toBe(false);
    expect(result.steps.map((s) => s.tool)).toEqual(['nasm']);
    expect(result.messages[0]).toMatchObject({ line: 4, severity: 'error' });
    expect(describeBuildFailure(result)).toMatch(/^Build failed: bad\.asm:4: /);
  });

  it('names the macro body line of an error inside a macro from an include file, beside the invocation', async () => {
    source('macro', 'lib.inc', '%macro exit_with 1\n    mov eax, 60\n    movx edi, %1\n    syscall\n%endmacro\n');
    const file = source('macro', 'prog.asm', '%include "lib.inc"\nsection .text\nglobal _start\n_start:\n    exit_with 3\n');
    const result = await buildProgram({ source: file, buildDirectory: path.join(work, 'out-macro') });
    expect(result.ok).toBe(false);
    expect(result.messages[0]).toMatchObject({ line: 5, context: [{ line: 3 }] });
    expect(describeBuildFailure(result)).toMatch(/^Build failed: prog\.asm:5: .+ \(from macro `exit_with', lib\.inc:3\)$/);
  });

  it('names the innermost body line of nested macros from includes in folders, with the folder', async () => {
    source('nested/lib', 'inner.inc', '%macro raw_sys 1\n    mov eax, %1\n    sycall_typo rax\n%endmacro\n');
    source('nested/lib', 'outer.inc', '%include "lib/inner.inc"\n%macro do_exit 1\n    mov edi, %1\n    raw_sys 60\n%endmacro\n');
    const file = source('nested', 'main.asm', '%include "lib/outer.inc"\nsection .text\nglobal _start\n_start:\n    do_exit 0\n    other_typo rbx\n');
    const result = await buildProgram({ source: file, buildDirectory: path.join(work, 'out-nested') });
    expect(result.ok).toBe(false);
    expect(result.messages[0]!.context.map((c) => c.line)).toEqual([4, 3]); // outermost first
    expect(describeBuildFailure(result)).toMatch(/^Build failed: main\.asm:5: .+ \(from macro `raw_sys', lib\/inner\.inc:3\) \(and 1 more error\)$/);
  });

  it('reports undefined references from the linker at their source line', async () => {
    const file = source('link', 'link.asm', 'section .text\nglobal _start\nextern nowhere\n_start:\n  call nowhere\n');
    const result = await buildProgram({ source: file, buildDirectory: path.join(work, 'out-link') });
    expect(result.ok).toBe(false);
    expect(result.messages).toContainEqual(expect.objectContaining({ line: 5, message: expect.stringMatching(/undefined reference/) }));
  });

  it('builds C with debug information', async () => {
    const file = source('c', 'hello.c', '#include <stdio.h>\nint main(void) { puts("hey"); return 4; }\n');
    const result = await buildProgram({ source: file, buildDirectory: path.join(work, 'out-c') });
    expect(result.ok).toBe(true);
    const run = await runProgram(result.program, []);
    expect([run.stdout, run.exitCode]).toEqual(['hey\n', 4]);
  });
});
