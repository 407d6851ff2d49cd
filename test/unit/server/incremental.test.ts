// Incremental analysis gives exactly what a fresh analysis of the same text gives, edit after edit.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, FIXTURES, inlayHints, lints, openDocument } from './helpers';

const EDITS = ['60', '1', 'SYS_exit', 'rcx', 'r10', 'eax', '.loop', 'msg', 'x', '', ' ', 'int 0x80', 'syscall', 'jmp .x', '%endif', '\n', 'mov rdi, 2\n', 'label:'];

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
});
