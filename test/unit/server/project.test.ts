// The project model: files understood in the context of the roots that %include them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hoverAt } from '../../../server/features/hover';
import { definitionsAt, referencesAt, renameSymbol } from '../../../server/features/navigation';
import { pathToUri, Workspace } from '../../../server/workspace';
import { FIXTURES, find } from './helpers';

const PROJECT = path.join(FIXTURES, 'multifile');

function project() {
  const workspace = new Workspace();
  workspace.includePaths = [path.join(PROJECT, 'inc')];
  workspace.indexFolder(PROJECT);
  const doc = (file: string) => workspace.get(pathToUri(path.join(PROJECT, file)))!;
  return { workspace, doc };
}

const base = (uri: string) => path.relative(PROJECT, new URL(uri).pathname);

describe('an include-only file in the context of its roots', () => {
  const { workspace, doc } = project();
  const io = doc('io.asm');

  it('knows its roots and the files assembled with it', () => {
    expect(workspace.roots(io).map((d) => base(d.uri))).toEqual(['main.asm', 'other.asm']);
    expect(workspace.unit(io).map((d) => base(d.uri)).sort()).toEqual(['consts.inc', 'inc/macros.inc', 'io.asm', 'main.asm', 'other.asm']);
    expect(workspace.roots(doc('main.asm'))).toEqual([doc('main.asm')]);
  });

  it('resolves constants and macros that sibling files define', () => {
    const at = find(io, 'LINE_MAX');
    expect(hoverAt(workspace, io, at.line, at.character + 1)?.markdown).toContain('64');
    const save = find(io, 'SAVE');
    expect(definitionsAt(workspace, io, save.line, save.character + 1).map((d) => base(d.document.uri))).toEqual(['inc/macros.inc']);
  });
});

describe('a macro called without operands is not a label', () => {
  const { workspace, doc } = project();

  it('keeps local labels after it with the enclosing global label', () => {
    const main = doc('main.asm');
    const jump = find(main, 'jmp     .finish');
    const found = definitionsAt(workspace, main, jump.line, jump.character + 10);
    expect(found.map((d) => d.symbol.name)).toEqual(['_start.finish']);
    expect(main.structure.definitions.has('SAVE')).toBe(false);
    const io = doc('io.asm');
    const short = find(io, 'jbe     .short');
    expect(definitionsAt(workspace, io, short.line, short.character + 10).map((d) => d.symbol.name)).toEqual(['print_line.short']);
  });
});

describe('rename across the project', () => {
  const { workspace, doc } = project();
  const editsFor = (file: string, needle: string, offset: number, newName: string) => {
    const document = doc(file);
    const at = find(document, needle);
    const edits = renameSymbol(workspace, document, at.line, at.character + offset, newName);
    if (typeof edits === 'string') throw new Error(edits);
    return edits.map((e) => `${base(e.uri)}:${e.line + 1}:${e.newText}`).sort();
  };

  it('renames a local label and its qualified references', () => {
    expect(editsFor('main.asm', '.finish:', 1, '.end')).toEqual(['main.asm:21:.end', 'main.asm:22:.end', 'main.asm:30:_start.end']);
  });

  it('renames a label of an include-only file in every root', () => {
    expect(editsFor('io.asm', 'print_line:', 1, 'put_line')).toEqual(['io.asm:5:put_line', 'main.asm:18:put_line', 'main.asm:28:put_line', 'other.asm:10:put_line']);
  });

  it('renames a macro and a %define in every file that uses them', () => {
    expect(editsFor('inc/macros.inc', '%macro SAVE', 8, 'PUSH_SAVED')).toEqual([
      'inc/macros.inc:2:PUSH_SAVED', 'io.asm:6:PUSH_SAVED', 'main.asm:14:PUSH_SAVED',
    ]);
    expect(editsFor('consts.inc', 'NEWLINE', 1, 'LF')).toEqual(['consts.inc:5:LF', 'io.asm:25:LF', 'main.asm:6:LF', 'other.asm:14:LF']);
  });

  it('renames a %%label inside its macro only', () => {
    expect(editsFor('inc/macros.inc', '%%again:', 2, '%%next')).toEqual(['inc/macros.inc:24:%%next', 'inc/macros.inc:29:%%next']);
    const macros = doc('inc/macros.inc');
    const at = find(macros, 'jnz     %%again');
    expect(referencesAt(workspace, macros, at.line, at.character + 10, true)).toHaveLength(2);
    expect(() => editsFor('inc/macros.inc', '%%again:', 2, 'next')).toThrow(/keeps its `%%`/);
  });
});

describe('two programs in one folder', () => {
  it('renaming one program\'s _start leaves the other\'s, also where it qualifies a local label', () => {
    const workspace = new Workspace();
    const program = (name: string) => workspace.open(pathToUri(path.join(FIXTURES, 'twoprograms', name)), [
      'section .text', 'global _start', '_start:', '  mov eax, 1', '  mov edi, 1', '  lea rsi, [rel _start]', '  mov edx, _start.len',
      '  syscall', '  mov eax, 60', '  xor edi, edi', '  syscall', '.len: equ $ - _start',
    ].join('\n'), 1);
    const first = program('first.asm');
    program('second.asm');
    const at = find(first, '_start:');
    const edits = renameSymbol(workspace, first, at.line, at.character + 1, 'entry');
    if (typeof edits === 'string') throw new Error(edits);
    expect(edits.map((e) => `${path.basename(e.uri)}:${e.line + 1}:${e.start}:${e.newText}`).sort()).toEqual([
      'first.asm:12:14:entry', 'first.asm:2:7:entry', 'first.asm:3:0:entry', 'first.asm:6:16:entry', 'first.asm:7:11:entry',
    ]);
  });
});

describe('a macro argument the macro pastes into another name', () => {
  it('is not a reference: renaming the label `exit` leaves `sys exit` (SYS_ %+ %1) as it is', () => {
    const workspace = new Workspace();
    const document = workspace.open(pathToUri(path.join(FIXTURES, 'pasted', 'exit.asm')), [
      'SYS_exit equ 60', '%macro sys 1-2', '  mov eax, SYS_ %+ %1', '%if %0 > 1', '  mov edi, %2', '%endif', '  syscall', '%endmacro',
      '%macro jump_to 1', '  jmp %1', '%endmacro',
      'section .text', 'global _start', '_start:', '  jmp exit', '  jump_to exit', 'exit:', '  sys exit, 0',
    ].join('\n'), 1);
    const at = find(document, 'exit:');
    const edits = renameSymbol(workspace, document, at.line, at.character + 1, 'leave');
    if (typeof edits === 'string') throw new Error(edits);
    // The jump, the argument the macro jumps to as it is, and the label; not the pasted argument.
    expect(edits.map((e) => `${e.line + 1}:${e.start}`).sort()).toEqual(['15:6', '16:10', '17:0']);
  });
});

describe('a workspace of thousands of files', () => {
  it('answers without recursing through every file (a bare word in each asks the others about macros)', () => {
    const workspace = new Workspace();
    // Each file has a bare word (a possible macro call) and includes nothing: asking whether a word is a
    // macro of the unit once nested one file's structure inside the next, thousands deep.
    for (let i = 0; i < 6000; i++) workspace.open(`file:///big/f${i}.asm`, `SAVE${i}\nsection .text\nf${i}:\n  mov eax, 60\n  syscall\n`, 1);
    const last = workspace.get('file:///big/f5999.asm')!;
    expect(hoverAt(workspace, last, 4, 3)?.markdown).toContain('exit');
  });
});

describe('a name formed by token pasting', () => {
  const text = [
    '%macro LOOKUP 1',
    '        lea     rsi, [%1_lut]',
    '%endmacro',
    "%define TABLE(x) x %+ _end",
    'section .data',
    'intra_lut:   db 1, 2, 3',
    'intra_end:   db 0',
    'other_table: db 4',
    'section .text',
    'start:',
    '        LOOKUP  intra',
    '        mov     rdi, TABLE(intra)',
    '        mov     rdx, other_table',
  ].join('\n');

  it('is not renamed: the macro uses it where it is never written, and the refusal says where', () => {
    const workspace = new Workspace();
    const doc = workspace.open('file:///p/lut.asm', text, 1);
    const lut = find(doc, 'intra_lut');
    expect(renameSymbol(workspace, doc, lut.line, lut.character + 1, 'fast_lut')).toBe(
      '`intra_lut` may also be formed by token pasting (`%1_lut` at lut.asm:2, with `intra`), where a rename cannot follow it: renaming could break the build.');
    const end = find(doc, 'intra_end');
    expect(renameSymbol(workspace, doc, end.line, end.character + 1, 'done')).toMatch(/`x %\+ _end` at lut\.asm:4/);
  });

  it('leaves other names renamable', () => {
    const workspace = new Workspace();
    const doc = workspace.open('file:///p/lut.asm', text, 1);
    const other = find(doc, 'other_table');
    const edits = renameSymbol(workspace, doc, other.line, other.character + 1, 'table');
    expect(Array.isArray(edits) && edits.map((e) => e.line)).toEqual([7, 12]);
  });
});

describe('a label named like an instruction', () => {
  const workspace = new Workspace();
  const document = workspace.open(pathToUri(path.join(FIXTURES, 'mnemonic', 'math.asm')), [
    'section .text', 'global add', 'global mul', 'add:', '  add rdi, rsi', '  mov rax, rdi', '  ret', 'mul:', '  mov rax, rdi', '  mul rsi', '  ret',
    'twice:', '  call add', '  jmp mul',
  ].join('\n'), 1);

  it('is renamed where it is a label, never where it is the instruction', () => {
    for (const [name, expected] of [['add', ['13:7', '2:7', '4:0']], ['mul', ['14:6', '3:7', '8:0']]] as const) {
      const at = find(document, `${name}:`);
      const edits = renameSymbol(workspace, document, at.line, at.character + 1, `${name}_numbers`);
      if (typeof edits === 'string') throw new Error(edits);
      expect(edits.map((e) => `${e.line + 1}:${e.start}`).sort(), name).toEqual(expected);
    }
  });

  it('the mnemonic does not go to the label', () => {
    const at = find(document, '  add rdi');
    expect(definitionsAt(workspace, document, at.line, at.character + 3)).toEqual([]);
    const call = find(document, 'call add');
    expect(definitionsAt(workspace, document, call.line, call.character + 6).map((d) => d.symbol.line)).toEqual([3]);
  });
});

describe('global and extern across folders', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'linkage-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, lines: string[]) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), lines.join('\n'));
  };
  // Two course programs in sibling folders: each `message` is its own program's (an asm global in
  // one, a C function beside the asm `main` in the other).
  write('12-c-calls-asm/src/message.asm', ['section .text', 'global message', 'message:', '  mov eax, 1', '  syscall', '  ret']);
  write('12-c-calls-asm/src/main.c', ['void message(void);', 'int main(void)', '{', '  message();', '  return 0;', '}']);
  write('13-asm-calls-c/main.asm', ['extern message', 'section .text', 'global main', 'main:', '  call message', '  ret']);
  write('13-asm-calls-c/message.c', ['#include <stdio.h>', 'void message(void) { puts("hi"); }']);
  // One program whose library sits in a sibling folder without an entry point of its own.
  write('tool/src/main.asm', ['extern print', 'section .text', 'global _start', '_start:', '  call print', '  mov eax, 60', '  syscall']);
  write('tool/lib/print.asm', ['section .text', 'global print', 'print:', '  ret']);
  const workspace = new Workspace();
  workspace.indexFolder(root);
  const doc = (file: string) => workspace.get(pathToUri(path.join(root, file)))!;
  const renamed = (file: string, needle: string, newName: string) => {
    const document = doc(file);
    const at = find(document, needle);
    const edits = renameSymbol(workspace, document, at.line, at.character + 1, newName);
    if (typeof edits === 'string') throw new Error(edits);
    return edits.map((e) => `${path.relative(root, new URL(e.uri).pathname)}:${e.line + 1}`).sort();
  };

  it('a global does not answer the extern of another folder\'s program', () => {
    expect(renamed('12-c-calls-asm/src/message.asm', 'message:', 'show')).toEqual(['12-c-calls-asm/src/message.asm:2', '12-c-calls-asm/src/message.asm:3']);
    const call = find(doc('13-asm-calls-c/main.asm'), 'call message');
    expect(definitionsAt(workspace, doc('13-asm-calls-c/main.asm'), call.line, call.character + 6)).toEqual([]);
  });

  it('a library folder without an entry point links with the program that uses it', () => {
    expect(renamed('tool/lib/print.asm', 'print:', 'show')).toEqual(['tool/lib/print.asm:2', 'tool/lib/print.asm:3', 'tool/src/main.asm:1', 'tool/src/main.asm:5']);
    const call = find(doc('tool/src/main.asm'), 'call print');
    expect(definitionsAt(workspace, doc('tool/src/main.asm'), call.line, call.character + 6).map((d) => path.basename(d.document.uri))).toEqual(['print.asm']);
  });
});
