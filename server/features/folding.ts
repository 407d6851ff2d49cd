// Folding: sections, labels, macros, %if blocks, %rep, struc and comment blocks.
import type { AsmDocument } from '../../nasm/document/document';

export interface Fold { startLine: number; endLine: number; kind?: 'comment' | 'region' }

export function foldingRanges(document: AsmDocument): Fold[] {
  const folds: Fold[] = [];
  const structure = document.structure;
  const lastCode = (from: number, to: number) => {
    let end = to;
    while (end > from && document.statement(end).kind === 'empty' && !document.statement(end).comment) end--;
    return end;
  };
  structure.sections.forEach((section, i) => {
    const next = structure.sections[i + 1]?.line ?? document.lineCount;
    const end = lastCode(section.line, next - 1);
    if (end > section.line) folds.push({ startLine: section.line, endLine: end });
  });
  for (const symbol of structure.symbols) {
    if (symbol.kind === 'label' || symbol.kind === 'macro' || symbol.kind === 'struc') {
      const end = symbol.kind === 'label' ? lastCode(symbol.line, symbol.endLine) : symbol.endLine;
      if (end > symbol.line) folds.push({ startLine: symbol.line, endLine: end });
    }
  }
  const open: number[] = [];
  let commentStart = -1;
  for (let line = 0; line <= document.lineCount; line++) {
    const statement = document.statement(line);
    const isComment = line < document.lineCount && statement.kind === 'empty' && !!statement.comment;
    if (isComment && commentStart < 0) commentStart = line;
    if (!isComment && commentStart >= 0) {
      if (line - 1 > commentStart) folds.push({ startLine: commentStart, endLine: line - 1, kind: 'comment' });
      commentStart = -1;
    }
    if (statement.kind !== 'preprocessor') continue;
    const name = statement.keyword!.name;
    if (name.startsWith('%if') || name === '%rep') open.push(line);
    else if (name.startsWith('%el')) {
      const start = open.pop();
      if (start !== undefined && line - 1 > start) folds.push({ startLine: start, endLine: line - 1 });
      open.push(line);
    } else if (name === '%endif' || name === '%endrep') {
      const start = open.pop();
      if (start !== undefined && line > start) folds.push({ startLine: start, endLine: line });
    }
  }
  return folds;
}
