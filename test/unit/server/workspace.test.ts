import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, find, hover, openDocument } from './helpers';

describe('%include', () => {
  it('resolves the file name next to the including file, for hover and go to definition', async () => {
    const { includedFileAt } = await import('../../../server/features/navigation');
    const { workspace, document } = openDocument(path.join(FIXTURES, 'constants.asm'));
    const at = find(document, '"syscalls.inc"');
    expect(includedFileAt(workspace, document, at.line, at.character + 2)).toMatch(/fixtures\/server\/syscalls\.inc$/);
    expect(hover(workspace, document, '"syscalls.inc"')).toContain('fixtures/server/syscalls.inc');
    const missing = openDocument('inline.asm', '%include "nowhere.inc"\n');
    expect(hover(missing.workspace, missing.document, '"nowhere')).toContain('not found');
  });
});

describe('the workspace index', () => {
  it('sees an included file created after the include line was written, once the watcher reports it', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const { pathToUri } = await import('../../../server/workspace');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-index-'));
    try {
      const { workspace, document } = openDocument(path.join(dir, 'main.asm'), '%include "later.inc"\n_start:\n  mov eax, LATER\n  syscall\n');
      expect(workspace.constantValue(document, 'LATER', 2)).toBeUndefined();
      writeFileSync(path.join(dir, 'later.inc'), 'LATER equ 60\n');
      workspace.refreshFromDisk(pathToUri(path.join(dir, 'later.inc')));
      expect(workspace.constantValue(document, 'LATER', 2)).toEqual({ kind: 'number', value: 60n });
      expect(hover(workspace, document, 'mov eax')).toContain('**exit**');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('closing a document', () => {
  it('leaves the file indexed as it is on disk, in a fresh document: nothing kept for the edited one stays reachable', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const { pathToUri, Workspace } = await import('../../../server/workspace');
    const { lintDocument } = await import('../../../server/features/documentLints');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-close-'));
    try {
      const file = path.join(dir, 'prog.asm');
      writeFileSync(file, 'global _start\n_start:\n  mov eax, 60\n  xor edi, edi\n  syscall\n');
      const workspace = new Workspace();
      const uri = pathToUri(file);
      const edited = workspace.open(uri, 'global _start\n_start:\n  mov eax, 60\n  mov edi, 3\n  syscall\nunsaved:\n', 2);
      lintDocument(workspace, edited);
      workspace.close(uri);
      const indexed = workspace.get(uri)!;
      expect(indexed).not.toBe(edited);
      expect(workspace.all()).not.toContain(edited);
      expect(indexed.getText()).toContain('xor edi, edi');
      expect(indexed.structure.definitions.has('unsaved')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
