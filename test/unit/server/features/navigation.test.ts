import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { referencesOf, renameSymbol } from '../../../../server/features/navigation';
import { applyEdits, FIXTURES, openDocument } from '../helpers';

describe('rename', () => {
  it('renames a local label only in its own scope', () => {
    const source = 'a:\n.loop:\n  jmp .loop\nb:\n.loop:\n  jmp .loop\n  jmp a.loop\n';
    const { workspace, document } = openDocument('inline.asm', source);
    const edits = renameSymbol(workspace, document, 2, 8, '.again');
    expect(typeof edits).not.toBe('string');
    expect(applyEdits(source, edits as any)).toBe('a:\n.again:\n  jmp .again\nb:\n.loop:\n  jmp .loop\n  jmp a.again\n');
  });
  it('refuses a name that would change the label\'s kind', () => {
    const { workspace, document } = openDocument('inline.asm', 'a:\n.loop:\n  jmp .loop\n');
    expect(renameSymbol(workspace, document, 2, 8, 'global_name')).toContain('keeps its leading dot');
  });
  it('finds references of a constant from an include', () => {
    const { workspace, document } = openDocument(path.join(FIXTURES, 'constants.asm'));
    const inc = workspace.includedDocuments(document)[0]!;
    const target = { document: inc, symbol: inc.structure.definitions.get('SYS_write')![0]! };
    expect(referencesOf(workspace, target, false).map((o) => `${path.basename(o.document.uri)}:${o.line}`)).toEqual(['constants.asm:13', 'constants.asm:22']);
  });
});
