// Code actions over a range of lines: the quick fixes of syscall lints, and named-constant rewrites.
import type { AsmDocument } from '../../nasm/document/document';
import type { Workspace } from '../workspace';
import { namedConstantActions } from './namedConstant';
import { programView } from './syscallFacts';
import { lintBlock, type Edit, type Lint } from './syscallLints';

export interface CodeActionFix {
  title: string;
  kind: 'quickfix' | 'refactor.rewrite';
  edits: Edit[];
  /** The lint a quick fix resolves. */
  lint?: Lint;
}

export function codeActionsIn(workspace: Workspace, document: AsmDocument, fromLine: number, toLine: number): CodeActionFix[] {
  const analysis = workspace.analysis(document);
  const actions: CodeActionFix[] = [];
  const seenBlocks = new Set<number>();
  const view = programView(analysis.program());
  const bitsAt = (line: number) => document.structure.bitsAt(line, workspace.defaultBits);
  for (let line = fromLine; line <= toLine && line < document.lineCount; line++) {
    const block = analysis.blockAt(line);
    if (seenBlocks.has(block.start)) continue;
    seenBlocks.add(block.start);
    for (const lint of lintBlock(block, document, bitsAt, view.sitesBetween(block.start, block.end))) {
      if (!lint.fix || lint.line < fromLine || lint.line > toLine) continue;
      actions.push({ title: lint.fix.title, kind: 'quickfix', edits: lint.fix.edits, lint });
    }
    for (const action of namedConstantActions(block, document, fromLine, toLine, (name) => workspace.constantValue(document, name, line))) {
      actions.push({ title: action.title, kind: 'refactor.rewrite', edits: action.edits });
    }
  }
  return actions;
}
