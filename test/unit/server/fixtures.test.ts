// The fixture corpus: each `; expect-…` comment in test/fixtures/server/*.asm and programs/*.asm is one check.
// The realistic programs in programs/ must also get no lint at all where none is expected.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoverAt } from '../../../server/features/hover';
import { FIXTURES, inlayHints, lints, openDocument } from './helpers';

const EXPECTATION = /;\s*expect-(hover|no-hover|lint|no-lint|hint):?\s*(.*)$/;

const PROGRAMS = path.join(FIXTURES, 'programs');
const files = [
  ...readdirSync(FIXTURES).filter((f) => f.endsWith('.asm')),
  ...readdirSync(PROGRAMS).filter((f) => f.endsWith('.asm')).map((f) => path.join('programs', f)),
];

for (const file of files) {
  describe(file, () => {
    const { workspace, document } = openDocument(file);
    const allLints = lints(workspace, document);
    const hints = inlayHints(workspace, document);
    for (let line = 0; line < document.lineCount; line++) {
      const match = EXPECTATION.exec(document.lineText(line));
      if (!match) continue;
      const [, kind, expected] = match as unknown as [string, string, string];
      const statement = document.statement(line);
      const column = (statement.keyword?.start ?? 0) + 1;
      it(`line ${line + 1}: ${kind} ${expected}`, () => {
        const hover = hoverAt(workspace, document, line, column)?.markdown;
        const lineLints = allLints.filter((l) => l.line === line && (kind === 'lint' || kind === 'no-lint' || l.severity === 'warning'));
        switch (kind) {
          case 'hover': expect(hover).toContain(expected); break;
          case 'no-hover': expect(hover ?? '').not.toMatch(/syscall \d+|argument \d+ of/); break;
          case 'lint': expect(lineLints.map((l) => l.code)).toContain(expected.trim()); break;
          case 'no-lint': expect(lineLints).toEqual([]); break;
          case 'hint': expect(hints.filter((h) => h.line === line).map((h) => h.label)).toContain(expected.trim()); break;
        }
      });
    }
    it('has no warning without an expect-lint comment', () => {
      const strict = file.startsWith('programs');
      const unexpected = allLints.filter((l) => (strict || l.severity === 'warning') && !/expect-lint/.test(document.lineText(l.line)));
      expect(unexpected).toEqual([]);
    });
  });
}
