// Code actions over a range of lines: the quick fixes of syscall lints, and named-constant rewrites.
import type { AsmDocument } from '../../nasm/document/document';
import { editDistance } from '../../syscalls/search';
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
  /** Edits of other files the fix makes too (a `global` beside an `extern`). */
  otherFiles?: { uri: string; edits: Edit[] }[];
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

/** nasm's own words for a name it cannot resolve. */
export const UNDEFINED_SYMBOL = /symbol `([^']+)' not defined/;
const SUGGESTIONS = 3;

/** Names a line can use: labels (local ones of its scope by their short name), constants and defines of the unit. */
function visibleNames(workspace: Workspace, document: AsmDocument, line: number): string[] {
  const scope = document.structure.scopeAt(line);
  const names = new Set<string>();
  for (const source of workspace.unit(document)) {
    for (const symbol of source.structure.symbols) {
      if (symbol.kind === 'macro' || symbol.kind === 'struc') continue;
      if (symbol.kind === 'localLabel') {
        if (source === document && symbol.parent === scope) names.add(symbol.written);
      } else {
        names.add(symbol.name);
      }
    }
  }
  return [...names];
}

/** "Did you mean `finish`": for each undefined symbol nasm reported, the nearest names in reach (at most two edits away). */
export function didYouMeanActions(
  workspace: Workspace, document: AsmDocument, reported: readonly { line: number; message: string }[],
): CodeActionFix[] {
  const actions: CodeActionFix[] = [];
  for (const { line, message } of reported) {
    const missing = UNDEFINED_SYMBOL.exec(message)?.[1];
    if (!missing) continue;
    const token = document.statement(line).tokens.find((t) => t.kind === 'identifier' && (t.text === missing || document.structure.qualify(t.text, line) === missing));
    if (!token) continue;
    const limit = token.text.length <= 3 ? 1 : 2;
    const nearest = visibleNames(workspace, document, line)
      .map((name) => ({ name, distance: editDistance(token.text, name, limit) }))
      .filter((c) => c.distance <= limit && c.name !== token.text)
      .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
      .slice(0, SUGGESTIONS);
    for (const { name } of nearest) {
      actions.push({ title: `Did you mean \`${name}\`?`, kind: 'quickfix', edits: [{ line, start: token.start, end: token.end, newText: name }] });
    }
  }
  return actions;
}
