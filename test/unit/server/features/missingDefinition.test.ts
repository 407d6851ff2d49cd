import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingDefinitionActions } from '../../../../server/features/missingDefinition';
import { pathToUri, Workspace } from '../../../../server/workspace';

function project(files: Record<string, string>): { workspace: Workspace; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'missing-def-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const workspace = new Workspace();
  workspace.indexFolder(dir);
  return { workspace, dir };
}

const MACROS = '%macro sys_exit 1\n    mov eax, 60\n    mov edi, %1\n    syscall\n%endmacro\nSTDOUT equ 1\n';

describe('quick fixes for a name another file defines', () => {
  it('offers the %include of the file defining a macro nasm did not recognise', () => {
    const { workspace, dir } = project({ 'inc/macros.inc': MACROS, 'main.asm': '; exits 0\nglobal _start\n_start:\n    sys_exit 0\n' });
    const document = workspace.get(pathToUri(path.join(dir, 'main.asm')))!;
    const actions = missingDefinitionActions(workspace, document, [{ line: 3, message: 'parser: instruction expected' }]);
    expect(actions.map((a) => a.title)).toEqual(['Add %include "inc/macros.inc" (defines the macro `sys_exit`)']);
    expect(actions[0]!.edits).toEqual([{ line: 1, start: 0, end: 0, newText: '%include "inc/macros.inc"\n' }]);
  });

  it('takes a macro used without arguments for the macro, not for the label nasm reads it as', () => {
    const { workspace, dir } = project({ 'inc/macros.inc': '%macro save 0\n    push rbx\n%endmacro\n', 'main.asm': 'global _start\n_start:\n    save\n' });
    const document = workspace.get(pathToUri(path.join(dir, 'main.asm')))!;
    const actions = missingDefinitionActions(workspace, document, [{ line: 2, message: 'label alone on a line without a colon might be in error [-w+label-orphan]' }]);
    expect(actions.map((a) => a.title)).toEqual(['Add %include "inc/macros.inc" (defines the macro `save`)']);
  });

  it('offers the %include for a constant, after the includes the file has, and only once per file', () => {
    const { workspace, dir } = project({
      'inc/macros.inc': MACROS, 'inc/other.inc': '%define NOTHING 0\n',
      'main.asm': '%include "inc/other.inc"\nglobal _start\n_start:\n    mov edi, STDOUT\n    sys_exit 0\n',
    });
    const document = workspace.get(pathToUri(path.join(dir, 'main.asm')))!;
    const actions = missingDefinitionActions(workspace, document, [
      { line: 3, message: "symbol `STDOUT' not defined" }, { line: 4, message: 'parser: instruction expected' },
    ]);
    expect(actions.map((a) => a.title)).toEqual(['Add %include "inc/macros.inc" (defines the constant `STDOUT`)']);
    expect(actions[0]!.edits).toEqual([{ line: 1, start: 0, end: 0, newText: '%include "inc/macros.inc"\n' }]);
  });

  it('offers extern for a global label of a file assembled on its own, and adds the global when it lacks one', () => {
    const { workspace, dir } = project({
      'io.asm': 'section .text\nglobal put\nput:\n    ret\nhelper:\n    ret\n',
      'main.asm': 'global _start\n_start:\n    call put\n    call helper\n',
    });
    const document = workspace.get(pathToUri(path.join(dir, 'main.asm')))!;
    const actions = missingDefinitionActions(workspace, document, [
      { line: 2, message: "symbol `put' not defined" }, { line: 3, message: "symbol `helper' not defined" },
    ]);
    expect(actions.map((a) => a.title)).toEqual(['Declare `extern put` (global in io.asm)', 'Declare `extern helper` here and `global helper` in io.asm']);
    expect(actions[0]!.edits).toEqual([{ line: 1, start: 0, end: 0, newText: 'extern put\n' }]);
    expect(actions[0]!.otherFiles).toBeUndefined();
    expect(actions[1]!.otherFiles).toEqual([{ uri: pathToUri(path.join(dir, 'io.asm')), edits: [{ line: 2, start: 0, end: 0, newText: 'global helper\n' }] }]);
  });

  it('offers nothing for a name of another program, of a program file with code, or one already in reach', () => {
    const { workspace, dir } = project({
      'one/main.asm': 'global _start\n_start:\n    call shared\n    sys_exit 0\n',
      'two/main.asm': '%macro sys_exit 1\n%endmacro\nglobal _start\nglobal shared\n_start:\nshared:\n    ret\n',
      'three/main.asm': '%include "defs.inc"\nglobal _start\n_start:\n    mov eax, VALUE\n',
      'three/defs.inc': 'VALUE equ 3\n',
    });
    const one = workspace.get(pathToUri(path.join(dir, 'one/main.asm')))!;
    expect(missingDefinitionActions(workspace, one, [
      { line: 2, message: "symbol `shared' not defined" }, { line: 3, message: 'parser: instruction expected' },
    ])).toEqual([]);
    const three = workspace.get(pathToUri(path.join(dir, 'three/main.asm')))!;
    expect(missingDefinitionActions(workspace, three, [{ line: 3, message: "symbol `VALUE' not defined" }])).toEqual([]);
    // A macro of a sibling program file (code of its own, included by nothing): including it would assemble its code twice.
    // A label of an include file: the file is someone else's include, not this one's to take.
    const included = project({ 'main.asm': '%include "util.asm"\nglobal _start\n_start:\n    call util\n', 'util.asm': 'util:\n    ret\n', 'debug.asm': 'dump:\n    call util\n' });
    const debug = included.workspace.get(pathToUri(path.join(included.dir, 'debug.asm')))!;
    expect(missingDefinitionActions(included.workspace, debug, [{ line: 1, message: "symbol `util' not defined" }])).toEqual([]);
    const sibling = project({ 'tool.asm': '%macro sys_exit 1\n%endmacro\nglobal _start\n_start:\n    ret\n', 'main.asm': 'main:\n    sys_exit 0\n' });
    const main = sibling.workspace.get(pathToUri(path.join(sibling.dir, 'main.asm')))!;
    expect(missingDefinitionActions(sibling.workspace, main, [{ line: 1, message: 'parser: instruction expected' }])).toEqual([]);
  });
});
