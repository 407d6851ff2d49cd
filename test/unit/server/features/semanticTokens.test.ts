// Semantic tokens for a range and as a delta give what a full, fresh computation gives.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { semanticTokens, tokensDelta } from '../../../../server/features/semanticTokens';
import { EXAMPLES, openDocument } from '../helpers';

/** Absolute (line, start, length, type, modifiers) rows from LSP's relative encoding. */
function absolute(data: readonly number[]): number[][] {
  const rows: number[][] = [];
  let line = 0;
  let start = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i]!;
    start = data[i] === 0 ? start + data[i + 1]! : data[i + 1]!;
    rows.push([line, start, data[i + 2]!, data[i + 3]!, data[i + 4]!]);
  }
  return rows;
}

const source = readFileSync(path.join(EXAMPLES, 'mmapcat.asm'), 'utf8');

describe('semantic tokens', () => {
  it('for a range: the rows of the full result on those lines', () => {
    const { workspace, document } = openDocument('mmapcat.asm', source);
    const full = absolute(semanticTokens(workspace, document));
    const from = 10;
    const to = 40;
    expect(absolute(semanticTokens(workspace, document, from, to))).toEqual(full.filter(([line]) => line! >= from && line! <= to));
  });

  it('as a delta: one edit that turns the previous result into the new one', () => {
    const { workspace, document } = openDocument('mmapcat.asm', source);
    const before = semanticTokens(workspace, document);
    const line = document.lineCount >> 1;
    document.applyChange({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: 'inserted_label:\n' });
    const after = semanticTokens(workspace, document);
    const edit = tokensDelta(before, after)!;
    const patched = [...before.slice(0, edit.start), ...edit.data, ...before.slice(edit.start + edit.deleteCount)];
    expect(patched).toEqual(after);
    expect(edit.data.length).toBeLessThan(after.length / 4);
    expect(tokensDelta(after, after)).toBeUndefined();
  });

  it('cached lines give what a fresh document gives after edits', () => {
    const { workspace, document } = openDocument('mmapcat.asm', source);
    semanticTokens(workspace, document);
    const edits = ['.local_x:', 'global_y:', '%if 0', '%endif', 'mov rax, rbx', ''];
    edits.forEach((text, i) => {
      const line = (i * 7 + 3) % document.lineCount;
      document.applyChange({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `${text}\n` });
      const fresh = openDocument('mmapcat.asm', document.getText());
      expect(semanticTokens(workspace, document)).toEqual(semanticTokens(fresh.workspace, fresh.document));
    });
  });
});
