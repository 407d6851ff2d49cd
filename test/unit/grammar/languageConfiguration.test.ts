// The editor behaviour language-configuration.json gives NASM files: what a "word" is (double-click,
// Ctrl+D, hover ranges), comment toggling, auto-closed quotes and folding regions.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');
const config = JSON.parse(readFileSync(path.join(ROOT, 'language-configuration.json'), 'utf8'));

describe('the manifest points the nasm language at this configuration', () => {
  it('uses language-configuration.json for .asm, .nasm and .inc but not .s (GAS)', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const nasm = manifest.contributes.languages.find((language: { id: string }) => language.id === 'nasm');
    expect(nasm.configuration).toBe('./language-configuration.json');
    expect(nasm.extensions).toEqual(expect.arrayContaining(['.asm', '.nasm', '.inc']));
    expect(nasm.extensions).not.toContain('.s');
  });
});

describe('words', () => {
  const words = (line: string) => line.match(new RegExp(config.wordPattern, 'g'));
  it.each([
    ['.loop:', '.loop'],
    ['jmp %%again', '%%again'],
    ['..@x1 db 0', '..@x1'],
    ['len equ $ - msg', '$'],
    ['times 510-($-$$) db 0', '$$'],
    ['push %{1:3}', '%{1:3}'],
    ['mov rsi, %1', '%1'],
    ['%define STDOUT 1', '%define'],
    ['mov rax, 0x1f', '0x1f'],
    ['lea rdi, [point.x]', 'point.x'],
  ])('in %j, %j is one word', (line, word) => {
    expect(words(line)).toContain(word);
  });

  it('splits operands at commas, brackets and operators', () => {
    expect(words('mov [rbp-8], rax')).toEqual(['mov', 'rbp', '8', 'rax']);
  });
});

describe('comments, brackets and quotes', () => {
  it('toggles ; line comments', () => expect(config.comments.lineComment).toBe(';'));
  it('auto-closes all three quote kinds, backquotes included, outside strings and comments', () => {
    for (const quote of ['"', "'", '`']) {
      expect(config.autoClosingPairs).toContainEqual({ open: quote, close: quote, notIn: ['string', 'comment'] });
    }
  });
  it('matches [ ], ( ) and { }', () => {
    expect(config.brackets).toEqual([['[', ']'], ['(', ')'], ['{', '}']]);
  });
});

describe('folding', () => {
  const start = new RegExp(config.folding.markers.start);
  const end = new RegExp(config.folding.markers.end);
  it.each([
    ['%macro print 2', '%endmacro'],
    ['  %ifdef DEBUG', '  %endif'],
    ['%if BITS = 64', '%endif'],
    ['%rep 4', '%endrep'],
    ['struc point', 'endstruc'],
    ['istruc point', 'iend'],
    ['; region syscalls', '; endregion'],
    [';#region', ';#endregion'],
  ])('%j … %j is a folding region', (open, close) => {
    expect(start.test(open)).toBe(true);
    expect(end.test(close)).toBe(true);
    expect(end.test(open)).toBe(false);
    expect(start.test(close)).toBe(false);
  });

  it('ordinary lines neither start nor end a region', () => {
    for (const line of ['mov rax, 1', '%define X 1', '%include "x.inc"', '; a comment', 'section .text']) {
      expect(start.test(line) || end.test(line)).toBe(false);
    }
  });
});
