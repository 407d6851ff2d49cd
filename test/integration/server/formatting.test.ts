// Format Document never changes what a program assembles to: a corpus of macro-heavy programs
// (token pasting, %{2:4}, continuations, %rep, struc/istruc, context-local labels, strings with commas)
// and the examples are formatted, assembled with the real nasm and compared byte for byte.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLines, DEFAULT_COLUMNS } from '../../../server/features/formatting';
import { pathToUri, Workspace } from '../../../server/workspace';
import { applyLineEdits, assemble, copyProject, nasmFiles } from './project';

const CORPORA = [path.resolve(__dirname, '../../fixtures/server/format'), path.resolve(__dirname, '../../../examples')];

/** Formats every NASM file of `dir` in place, as the server would (macros seen through includes); returns the edit count. */
function formatFolder(dir: string): number {
  const workspace = new Workspace();
  workspace.indexFolder(dir);
  let edits = 0;
  for (const file of nasmFiles(dir)) {
    const document = workspace.get(pathToUri(path.join(dir, file)))!;
    const isMacro = (name: string) => workspace.macro(document, name) !== undefined;
    const lineEdits = formatLines(document, 0, document.lineCount - 1, DEFAULT_COLUMNS, { isMacro });
    edits += lineEdits.length;
    const text = applyLineEdits(document.getText(), lineEdits.map((e) => ({ line: e.line, start: 0, end: e.oldLength, newText: e.newText })));
    writeFileSync(path.join(dir, file), text);
  }
  return edits;
}

describe.each(CORPORA)('formatting %s', (corpus) => {
  const roots = nasmFiles(corpus).filter((f) => f.endsWith('.asm'));

  it('changes layout but not one assembled byte, and is idempotent', async () => {
    const original = copyProject(corpus, 'format-before-');
    const formatted = copyProject(corpus, 'format-after-');
    expect(formatFolder(formatted)).toBeGreaterThan(0);
    for (const file of roots) {
      const before = await assemble(original, file);
      expect(before.stderr, `${file} assembles before formatting`).toBe('');
      const after = await assemble(formatted, file);
      expect(after.stderr, `${file} after formatting:\n${readFileSync(path.join(formatted, file), 'utf8')}`).toBe('');
      expect(after.object!.equals(before.object!), `${file}: same object file`).toBe(true);
    }
    expect(formatFolder(formatted)).toBe(0);
  });
});
