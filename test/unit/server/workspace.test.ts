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

describe('the background index', () => {
  async function tree(files: Record<string, string>): Promise<string> {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-bgindex-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return dir;
  }

  // Twelve projects of a root that includes its own constants: none of them sees the opened program.
  const projects: Record<string, string> = {};
  for (let p = 0; p < 12; p++) {
    projects[`lib/p${p}/consts.inc`] = `P${p}_EXIT equ 60\n`;
    for (let m = 0; m < 3; m++) projects[`lib/p${p}/mod${m}.asm`] = `%include "consts.inc"\np${p}_m${m}:\n  mov eax, P${p}_EXIT\n  syscall\n`;
  }

  it('reads files no open document can see without re-checking what was computed for the open one, one folder or file per step', async () => {
    const { rmSync } = await import('node:fs');
    const { pathToUri, Workspace } = await import('../../../server/workspace');
    const dir = await tree({ ...projects, 'app/consts.inc': 'SYS_EXIT equ 60\n', 'app/main.asm': '%include "consts.inc"\n_start:\n  mov eax, SYS_EXIT\n  xor edi, edi\n  syscall\n' });
    try {
      const workspace = new Workspace();
      workspace.setFolders([dir]);
      const main = workspace.open(pathToUri(path.join(dir, 'app/main.asm')), (await import('node:fs')).readFileSync(path.join(dir, 'app/main.asm'), 'utf8'), 1);
      const program = workspace.analysis(main).program();
      let slices = 0;
      let kept = 0;
      const files = await workspace.indexFolderInBackground(dir, {
        sliceMs: 0,
        pause: async () => { slices++; if (workspace.analysis(main).program() === program) kept++; },
      });
      expect(files).toBe(12 * 4 + 2);
      // Every pause found the open document's analysis as it was: no file read meant a new generation.
      expect(kept).toBe(slices);
      // A step reads one folder's entries or one file: 15 folders (the root, app, lib, 12 projects), 50
      // files, then the step that finds nothing left.
      expect(slices).toBe(15 + 50 + 1);
      // Once the walk is over, one new generation: the hover is still right.
      expect(workspace.analysis(main).program()).not.toBe(program);
      expect(hover(workspace, main, 'syscall')).toContain('exit(error_code=0)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes a file it reads that includes the open document one of its roots at once', async () => {
    const { readFileSync, rmSync } = await import('node:fs');
    const { pathToUri, Workspace } = await import('../../../server/workspace');
    const dir = await tree({
      ...projects,
      'shared/print.inc': '%macro print 2\n  mov eax, 1\n  mov edi, STDOUT\n  lea rsi, [rel %1]\n  mov edx, %2\n  syscall\n%endmacro\n',
      'z/app.asm': 'STDOUT equ 1\n%include "../shared/print.inc"\n_start:\n  print msg, 3\nmsg: db "hi", 10\n',
    });
    try {
      const workspace = new Workspace();
      workspace.setFolders([dir]);
      const include = path.join(dir, 'shared/print.inc');
      const lib = workspace.open(pathToUri(include), readFileSync(include, 'utf8'), 1);
      const app = pathToUri(path.join(dir, 'z/app.asm'));
      expect(workspace.roots(lib)).toEqual([lib]);
      let checked = 0;
      await workspace.indexFolderInBackground(dir, {
        sliceMs: 0,
        pause: async () => {
          if (!workspace.get(app)) return;
          checked++;
          // The root that includes it defines STDOUT: the include is understood in its context.
          expect(workspace.roots(lib).map((d) => d.uri)).toEqual([app]);
          expect(workspace.constantValue(lib, 'STDOUT', 2)).toEqual({ kind: 'number', value: 1n });
        },
      });
      expect(checked).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
