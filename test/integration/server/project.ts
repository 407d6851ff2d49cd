// Copies of a NASM project in a temporary folder, assembled with the real nasm, for tests that prove
// an editing feature (format, rename) leaves the program the same.
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AsmDocument } from '../../../nasm/document/document';
import { requireTool, runProgram } from '../../../toolchain/tools';

export interface LineEditLike { line: number; start: number; end: number; newText: string }

/** Applies single-line edits to a text (edits on one line must not overlap). */
export function applyLineEdits(text: string, edits: readonly LineEditLike[]): string {
  const lines = text.split('\n');
  const sorted = [...edits].sort((a, b) => b.line - a.line || b.start - a.start);
  for (const edit of sorted) {
    const line = lines[edit.line]!;
    lines[edit.line] = line.slice(0, edit.start) + edit.newText + line.slice(edit.end);
  }
  return lines.join('\n');
}

/** A fresh copy of `source` (a folder) in a temporary folder. */
export function copyProject(source: string, prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  cpSync(source, dir, { recursive: true });
  return dir;
}

export function nasmFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => /\.(asm|inc|mac)$/.test(f)).sort();
}

export function rewrite(dir: string, file: string, change: (text: string) => string): void {
  const full = path.join(dir, file);
  writeFileSync(full, change(readFileSync(full, 'utf8')));
}

/** Assembles `file` in `dir` (cwd `dir`, so the object records the same file name in every copy). */
export async function assemble(dir: string, file: string, format = 'elf64', extra: string[] = []): Promise<{ object?: Buffer; stderr: string }> {
  const nasm = requireTool('nasm');
  const output = `${file}.o`;
  const result = await runProgram(nasm, ['-f', format, ...extra, '-o', output, file], { cwd: dir, timeoutMs: 30_000 });
  if (result.exitCode !== 0) return { stderr: result.stderr };
  return { object: readFileSync(path.join(dir, output)), stderr: result.stderr };
}

export function documentOf(dir: string, file: string): AsmDocument {
  return new AsmDocument(`file://${path.join(dir, file)}`, readFileSync(path.join(dir, file), 'utf8'));
}
