import { describe, expect, it } from 'vitest';
import { parseNasmNumber } from '../../../nasm/parser/numbers';
import { parseLine } from '../../../nasm/parser/statement';
import { AsmDocument } from '../../../nasm/document/document';

describe('NASM numbers', () => {
  it.each([
    ['123', 123n], ['123d', 123n], ['0d123', 123n], ['0x1f', 31n], ['0h1f', 31n], ['1fh', 31n], ['$1f', 31n],
    ['777q', 511n], ['777o', 511n], ['0o777', 511n], ['0q777', 511n], ['1010b', 10n], ['1010y', 10n], ['0b1010', 10n],
    ['0y1010', 10n], ['1_000', 1000n], ['0xffff_ffff', 0xffffffffn], ['0dh', 13n],
  ])('%s = %s', (text, value) => expect(parseNasmNumber(text)).toBe(value));

  it.each(['1.5', 'abc', '0x', '12z', '$', ''])('%s is not an integer', (text) => expect(parseNasmNumber(text)).toBeUndefined());
});

describe('statements', () => {
  it('reads a label, mnemonic, operands and comment with exact columns', () => {
    const s = parseLine('_start: mov     rax, [rel msg + 8] ; go');
    expect(s.label).toMatchObject({ text: '_start', start: 0, end: 6, kind: 'global', colon: true });
    expect(s.keyword).toMatchObject({ name: 'mov', start: 8 });
    expect(s.operands.map((o) => o.text)).toEqual(['rax', '[rel msg + 8]']);
    expect(s.operands[0]!.register?.family).toBe('rax');
    expect(s.operands[1]!.memory).toBe(true);
    expect(s.comment).toMatchObject({ text: '; go', start: 35 });
  });

  it.each([
    ['.loop:', 'local'], ['%%skip:', 'macroLocal'], ['..@x:', 'special'], ['..start:', 'special'], ['msg db 1', 'global'],
  ])('label kind of %s', (line, kind) => expect(parseLine(line).label?.kind).toBe(kind));

  it('tells data, reserve, equ, directive, preprocessor and macro calls apart', () => {
    expect(parseLine('msg db "hi", 10').kind).toBe('data');
    expect(parseLine('buf resb 64').kind).toBe('reserve');
    expect(parseLine('len equ $ - msg').kind).toBe('equ');
    expect(parseLine('  section .text').kind).toBe('directive');
    expect(parseLine('[bits 32]')).toMatchObject({ kind: 'directive', keyword: { name: 'bits' } });
    expect(parseLine('%macro print 1-3+').kind).toBe('preprocessor');
    expect(parseLine('  print msg, len').kind).toBe('macroCall');
    expect(parseLine('  times 4 db 0')).toMatchObject({ kind: 'data', keyword: { name: 'db' } });
    expect(parseLine('  rep movsb')).toMatchObject({ kind: 'instruction', prefix: { name: 'rep' }, keyword: { name: 'movsb' } });
  });

  it('keeps an unterminated string as one token', () => {
    const s = parseLine('msg db "never closed ; not a comment');
    expect(s.comment).toBeUndefined();
    expect(s.operands[0]!.tokens[0]).toMatchObject({ kind: 'string', unterminated: true });
  });

  it('decodes backquoted escapes', () => {
    expect(parseLine('db `a\\n\\x41\\0`').operands[0]!.tokens[0]!.string).toBe('a\nA\0');
  });
});

describe('incremental edits', () => {
  const text = 'SYS_exit equ 60\n_start:\n  mov rax, SYS_exit\n  syscall\n';

  it('re-parses only the edited line and matches a fresh parse', () => {
    const document = new AsmDocument('file:///a.asm', text);
    const effect = document.applyChange({ range: { start: { line: 2, character: 11 }, end: { line: 2, character: 19 } }, text: '231' });
    expect(effect).toEqual({ firstLine: 2, removedLines: 1, insertedLines: 1, structural: false });
    const fresh = new AsmDocument('file:///b.asm', document.getText());
    for (let line = 0; line < fresh.lineCount; line++) expect(document.statement(line)).toEqual(fresh.statement(line));
  });

  it('marks edits to labels, constants and line counts as structural', () => {
    const document = new AsmDocument('file:///a.asm', text);
    expect(document.applyChange({ range: { start: { line: 0, character: 13 }, end: { line: 0, character: 15 } }, text: '61' }).structural).toBe(true);
    expect(document.applyChange({ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '  nop\n' }).structural).toBe(true);
    expect(document.structure.constantValue('SYS_exit')).toEqual({ kind: 'number', value: 61n });
  });
});

describe('macro calls the line parser takes for labels', () => {
  it('are calls when the document defines the macro: no label, local labels keep their scope', () => {
    const document = new AsmDocument('file:///m.asm', [
      '%macro twice 1-*', '%rep 2', '%1', '%endrep', '%endmacro', '%macro SAVE 0', 'push rbx', '%endmacro',
      'start:', 'SAVE', 'twice nop, ret', '.done: ret', 'other ret',
    ].join('\n'));
    const names = document.structure.symbols.filter((s) => s.kind === 'label' || s.kind === 'localLabel').map((s) => s.name);
    expect(names).toEqual(['start', 'start.done', 'other']);
  });
});
