// A name another file of the program defines: the quick fix adds the %include (macros, constants) or the
// extern/global pair (a label of a file assembled on its own), and the program then builds and runs.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, runProgram } from '../../../toolchain/tools';
import { bundleServer, TestClient } from './lspClient';
import { applyLineEdits } from './project';

const SYS_INC = `; syscall wrappers
SYS_WRITE equ 1
SYS_EXIT  equ 60
%define STDOUT 1

%macro sys_write 3
    mov eax, SYS_WRITE
    mov edi, %1
    mov rsi, %2
    mov edx, %3
    syscall
%endmacro

%macro sys_exit 1
    mov eax, SYS_EXIT
    mov edi, %1
    syscall
%endmacro
`;
const IO_ASM = `section .text
global print_line
; rsi = string, rdx = length
print_line:
    mov eax, 1
    mov edi, 1
    syscall
    ret

; rdi = status
finish:
    mov eax, 60
    syscall
`;
const MAIN_ASM = `; prints twice, then exits 3
section .data
msg db "hi", 10
len equ $ - msg

section .text
global _start
_start:
    sys_write STDOUT, msg, len
    mov rsi, msg
    mov edx, len
    call print_line
    mov edi, 3
    call finish
`;

describe('quick fixes for a name another file defines', () => {
  let client: TestClient;
  let dir: string;
  const uri = (file: string) => `file://${path.join(dir, file)}`;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'missing-definition-'));
    mkdirSync(path.join(dir, 'lib'));
    writeFileSync(path.join(dir, 'lib', 'sys.inc'), SYS_INC);
    writeFileSync(path.join(dir, 'io.asm'), IO_ASM);
    writeFileSync(path.join(dir, 'main.asm'), MAIN_ASM);
    client = await TestClient.start(await bundleServer(), undefined, dir);
    await client.waitFor(() => client.logs.some((l) => l.message.startsWith('Indexed ')));
  });
  afterAll(async () => { await client.stop(); });

  /** Waits for nasm's diagnostics of `file` as it is now (one matching `reported`, none matching `fixed`), asks for the actions over them, and applies the one titled. */
  async function applyFix(file: string, version: number, reported: RegExp, title: RegExp, fixed?: RegExp): Promise<{ titles: string[] }> {
    const text = readFileSync(path.join(dir, file), 'utf8');
    if (version === 1) await client.open(uri(file), text);
    else await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(file), version }, contentChanges: [{ text }] });
    const diagnostics = await client.waitFor(() => {
      const list = client.diagnostics.get(uri(file))?.filter((d) => d.source === 'nasm');
      return list?.some((d) => reported.test(d.message)) && !list.some((d) => fixed?.test(d.message)) ? list : undefined;
    });
    const actions = await client.request<any[]>('textDocument/codeAction', {
      textDocument: { uri: uri(file) }, range: { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } }, context: { diagnostics },
    });
    const chosen = actions.find((a) => title.test(a.title));
    expect(chosen, `actions: ${actions.map((a) => a.title).join(' | ')}`).toBeDefined();
    for (const [changed, edits] of Object.entries(chosen.edit.changes as Record<string, any[]>)) {
      const file = changed.replace('file://', '');
      const lineEdits = edits.map((e) => ({ line: e.range.start.line, start: e.range.start.character, end: e.range.end.character, newText: e.newText }));
      writeFileSync(file, applyLineEdits(readFileSync(file, 'utf8'), lineEdits));
    }
    client.diagnostics.delete(uri(file));
    return { titles: actions.map((a) => a.title) };
  }

  it('adds the %include of a macro file once, then the extern and global a separate file needs; the program builds and runs', async () => {
    // nasm stops at the lines whose first word is a macro it does not know.
    const first = await applyFix('main.asm', 1, /instruction expected/, /^Add %include "lib\/sys\.inc" \(defines the macro `sys_write`\)$/);
    expect(first.titles.filter((t) => t.startsWith('Add %include'))).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'main.asm'), 'utf8').split('\n').slice(0, 2)).toEqual(['; prints twice, then exits 3', '%include "lib/sys.inc"']);
    // Then the labels of io.asm: print_line is global there, finish is not.
    await applyFix('main.asm', 2, /`print_line' not defined/, /^Declare `extern print_line` \(global in io\.asm\)$/);
    const last = await applyFix('main.asm', 3, /`finish' not defined/, /^Declare `extern finish` here and `global finish` in io\.asm$/, /`print_line' not defined/);
    expect(last.titles).not.toContain('Declare `extern print_line` (global in io.asm)');
    expect(readFileSync(path.join(dir, 'io.asm'), 'utf8').split('\n').slice(0, 3)).toEqual(['section .text', 'global print_line', 'global finish']);
    expect(readFileSync(path.join(dir, 'main.asm'), 'utf8').split('\n').slice(0, 5)).toEqual(['; prints twice, then exits 3', '%include "lib/sys.inc"', 'extern print_line', 'extern finish', 'section .data']);

    const nasm = requireTool('nasm');
    for (const file of ['main', 'io']) {
      const built = await runProgram(nasm, ['-f', 'elf64', '-o', `${file}.o`, `${file}.asm`], { cwd: dir, timeoutMs: 30_000 });
      expect(built.stderr).toBe('');
      expect(built.exitCode).toBe(0);
    }
    expect((await runProgram(requireTool('ld'), ['-o', 'prog', 'main.o', 'io.o'], { cwd: dir, timeoutMs: 30_000 })).exitCode).toBe(0);
    const run = await runProgram(path.join(dir, 'prog'), [], { cwd: dir, timeoutMs: 10_000 });
    expect(run.stdout).toBe('hi\nhi\n');
    expect(run.exitCode).toBe(3);
  });
});
