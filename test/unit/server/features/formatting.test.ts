import * as path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AsmDocument } from '../../../../nasm/document/document';
import { formatLines } from '../../../../server/features/formatting';
import { applyEdits, EXAMPLES, FIXTURES } from '../helpers';

describe('formatting', () => {
  it('aligns labels, mnemonics, operands and comments', () => {
    const document = new AsmDocument('file:///f.asm', 'start:  mov rax,1 ; one\nmsg db "a b",0\n   syscall\n      ; note\n%define X 1\n  len equ $-msg');
    const edits = formatLines(document);
    const text = applyEdits(document.getText(), edits.map((e) => ({ line: e.line, start: 0, end: e.oldLength, newText: e.newText })));
    expect(text.split('\n')).toEqual([
      'start:  mov     rax,1                   ; one',
      'msg     db      "a b",0',
      '        syscall',
      '        ; note',
      '%define X 1',
      'len     equ     $-msg',
    ]);
  });

  const corpus = [
    ...readdirSync(FIXTURES).filter((f) => /\.(asm|inc)$/.test(f)).map((f) => path.join(FIXTURES, f)),
    ...readdirSync(EXAMPLES).filter((f) => f.endsWith('.asm')).map((f) => path.join(EXAMPLES, f)),
  ];
  it.each(corpus)('is idempotent on %s', (file) => {
    const once = new AsmDocument('file:///x.asm', readFileSync(file, 'utf8'));
    const edits = formatLines(once);
    const formatted = applyEdits(once.getText(), edits.map((e) => ({ line: e.line, start: 0, end: e.oldLength, newText: e.newText })));
    expect(formatLines(new AsmDocument('file:///y.asm', formatted))).toEqual([]);
  });

  it('never re-lays-out macro bodies, continued lines or macro-call operand lists', () => {
    const source = [
      '%macro twice 1-*', 'lbl_%1:  nop', '%endmacro', '%macro m 1', '  db %{1:3}', '%endmacro',
      'twice nop, ret', 'mov eax,\\', '   60', 'x: m  "a, b" ,1',
    ].join('\n');
    const document = new AsmDocument('file:///m.asm', source);
    const formatted = applyEdits(source, formatLines(document).map((e) => ({ line: e.line, start: 0, end: e.oldLength, newText: e.newText })));
    expect(formatted.split('\n')).toEqual([
      '%macro twice 1-*', 'lbl_%1:  nop', '%endmacro', '%macro m 1', '  db %{1:3}', '%endmacro',
      '        twice nop, ret', 'mov eax,\\', '   60', 'x:      m       "a, b" ,1',
    ]);
  });

  it('formats only the requested range', () => {
    const document = new AsmDocument('file:///f.asm', 'mov rax,1\nmov rdi,2\nmov rsi,3');
    expect(formatLines(document, 1, 1).map((e) => e.line)).toEqual([1]);
  });
});
