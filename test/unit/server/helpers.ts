import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { hoverAt } from '../../../server/features/hover';
import { syscallInlayHints } from '../../../server/features/inlayHints';
import { lintDocument } from '../../../server/features/documentLints';
import { programView } from '../../../server/features/syscallFacts';
import { pathToUri, Workspace } from '../../../server/workspace';
import type { AsmDocument } from '../../../nasm/document/document';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/server');
export const EXAMPLES = path.resolve(__dirname, '../../../examples');

/** Opens a fixture (or inline text) in a fresh workspace, as the server would. */
export function openDocument(file: string, text?: string): { workspace: Workspace; document: AsmDocument } {
  const workspace = new Workspace();
  const full = path.isAbsolute(file) ? file : path.join(FIXTURES, file);
  const document = workspace.open(pathToUri(full), text ?? readFileSync(full, 'utf8'), 1);
  return { workspace, document };
}

/** The line and column of the first occurrence of `needle` (after `after` lines). */
export function find(document: AsmDocument, needle: string, occurrence = 0): { line: number; character: number } {
  let seen = 0;
  for (let line = 0; line < document.lineCount; line++) {
    const character = document.lineText(line).indexOf(needle);
    if (character >= 0 && seen++ === occurrence) return { line, character };
  }
  throw new Error(`"${needle}" not found`);
}

export function hover(workspace: Workspace, document: AsmDocument, needle: string, occurrence = 0): string | undefined {
  const at = find(document, needle, occurrence);
  return hoverAt(workspace, document, at.line, at.character + 1)?.markdown;
}

export { hoverAt };
export function lints(workspace: Workspace, document: AsmDocument) {
  return lintDocument(workspace, document);
}

/** Hovers on every line's instruction word and first operand (what the values analysis answers). */
export function hovers(workspace: Workspace, document: AsmDocument): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (let line = 0; line < document.lineCount; line++) {
    const statement = document.statement(line);
    for (const at of [statement.keyword?.start, statement.operands[0]?.start]) {
      if (at !== undefined) out.push(`${line}:${at} ${hoverAt(workspace, document, line, at)?.markdown ?? ''}`);
    }
  }
  return out;
}

export function inlayHints(workspace: Workspace, document: AsmDocument) {
  return syscallInlayHints(programView(workspace.analysis(document).program()), 0, document.lineCount, { syscallCall: true, parameterNames: true });
}

/** The text after applying LSP-style line edits (as the server returns them) to `text`. */
export function applyEdits(text: string, edits: { line: number; start: number; end: number; newText: string }[]): string {
  const lines = text.split('\n');
  for (const e of [...edits].sort((a, b) => b.line - a.line || b.start - a.start)) {
    lines[e.line] = lines[e.line]!.slice(0, e.start) + e.newText + lines[e.line]!.slice(e.end);
  }
  return lines.join('\n');
}
