// Incremental analysis gives exactly what a fresh analysis of the same text gives, edit after edit.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, FIXTURES, inlayHints, lints, openDocument } from './helpers';

const EDITS = ['60', '1', 'SYS_exit', 'rcx', 'r10', 'eax', '.loop', 'msg', 'x', '', ' ', 'int 0x80', 'syscall', 'jmp .x', '%endif', '\n', 'mov rdi, 2\n', 'label:'];

// Structural edits: rename, add or remove a label, an equ or a %define on one line.
const STRUCTURAL_EDITS: ((text: string, pick: () => number) => string)[] = [
  (text, pick) => { const at = text.search(/[\w.]+(?=:|\s+equ\b)|(?<=%define\s+)\w+/); return at < 0 ? text : text.slice(0, at + 1) + 'xyz'[Math.floor(pick() * 3)] + text.slice(at + 1); },
  () => '',
  (text) => `extra_${text.length}:`,
  (text) => `.local_${text.length}:`,
  (text) => `SYS_exit equ ${text.length}`,
  (text) => `msg_len equ $ - msg${text.length % 2 ? '' : '_other'}`,
  (text) => `%define SYS_write ${text.length % 3}`,
  (text) => `%define size_${text.length} 4096`,
];

function random(seed: number): () => number {
  let state = seed;
  return () => { state = (state * 1103515245 + 12345) & 0x7fffffff; return state / 0x80000000; };
}

describe('incremental analysis', () => {
  const files = [
    ...readdirSync(FIXTURES).filter((f) => f.endsWith('.asm')).map((f) => path.join(FIXTURES, f)),
    path.join(EXAMPLES, 'hello.asm'), path.join(EXAMPLES, 'mmapcat.asm'),
  ];
  it.each(files)('matches a fresh analysis after random edits to %s', (file) => {
    const { workspace, document } = openDocument(file, readFileSync(file, 'utf8'));
    const next = random(file.length);
    lints(workspace, document);
    for (let round = 0; round < 40; round++) {
      const line = Math.floor(next() * document.lineCount);
      const text = document.lineText(line);
      const start = Math.floor(next() * (text.length + 1));
      const end = Math.min(text.length, start + Math.floor(next() * 6));
      document.applyChange({ range: { start: { line, character: start }, end: { line, character: end } }, text: EDITS[Math.floor(next() * EDITS.length)]! });
      const fresh = openDocument(file, document.getText());
      expect(lints(workspace, document), `round ${round}`).toEqual(lints(fresh.workspace, fresh.document));
      expect(inlayHints(workspace, document), `round ${round}`).toEqual(inlayHints(fresh.workspace, fresh.document));
    }
  });

  it.each(files)('matches a fresh analysis after label, constant and %define edits to %s', (file) => {
    const { workspace, document } = openDocument(file, readFileSync(file, 'utf8'));
    const next = random(file.length * 7 + 1);
    lints(workspace, document);
    for (let round = 0; round < 40; round++) {
      const structural: number[] = [];
      for (let line = 0; line < document.lineCount; line++) {
        const statement = document.statement(line);
        if (statement.label || statement.keyword?.name === '%define') structural.push(line);
      }
      const line = structural.length && next() < 0.7 ? structural[Math.floor(next() * structural.length)]! : Math.floor(next() * document.lineCount);
      const text = document.lineText(line);
      const edit = STRUCTURAL_EDITS[Math.floor(next() * STRUCTURAL_EDITS.length)]!;
      document.applyChange({ range: { start: { line, character: 0 }, end: { line, character: text.length } }, text: edit(text, next) });
      const fresh = openDocument(file, document.getText());
      expect(lints(workspace, document), `round ${round}`).toEqual(lints(fresh.workspace, fresh.document));
      expect(inlayHints(workspace, document), `round ${round}`).toEqual(inlayHints(fresh.workspace, fresh.document));
    }
  });
});
