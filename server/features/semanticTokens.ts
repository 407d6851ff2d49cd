// Semantic tokens: what the TextMate grammar cannot know — which words are labels, local labels,
// macros, constants and struc fields, and which %if branches are inactive.
import type { AsmDocument } from '../../nasm/document/document';
import { LINE_INACTIVE, type SymbolKind } from '../../nasm/document/structure';
import { REGISTERS } from '../../nasm/parser/vocabulary';
import type { Workspace } from '../workspace';

export const TOKEN_TYPES = ['function', 'label', 'macro', 'variable', 'struct', 'property', 'comment', 'parameter'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;

type TokenType = (typeof TOKEN_TYPES)[number];

const TYPE_OF: Record<SymbolKind, TokenType> = {
  label: 'function', localLabel: 'label', macro: 'macro', constant: 'variable', define: 'variable', struc: 'struct', field: 'property',
};

/** Names visible in the document (its own and its includes'), by kind. */
function visibleKinds(workspace: Workspace, document: AsmDocument): Map<string, SymbolKind> {
  const kinds = new Map<string, SymbolKind>();
  for (const source of workspace.unit(document).reverse()) {
    for (const [name, defs] of source.structure.definitions) kinds.set(name, defs[0]!.kind);
  }
  return kinds;
}

/** LSP-encoded tokens (relative line/start, length, type, modifiers). */
export function semanticTokens(workspace: Workspace, document: AsmDocument): number[] {
  const data: number[] = [];
  const structure = document.structure;
  const kinds = visibleKinds(workspace, document);
  let previousLine = 0;
  let previousStart = 0;
  const push = (line: number, start: number, length: number, type: TokenType, modifiers: number) => {
    const deltaLine = line - previousLine;
    data.push(deltaLine, deltaLine === 0 ? start - previousStart : start, length, TOKEN_TYPES.indexOf(type), modifiers);
    previousLine = line;
    previousStart = start;
  };
  for (let line = 0; line < document.lineCount; line++) {
    const statement = document.statement(line);
    if (structure.lineFlags[line]! & LINE_INACTIVE) {
      const text = document.lineText(line);
      const start = text.length - text.trimStart().length;
      if (text.trim()) push(line, start, text.trimEnd().length - start, 'comment', 0);
      continue;
    }
    for (const token of statement.tokens) {
      if (token.kind !== 'identifier') continue;
      if (statement.keyword && token.start === statement.keyword.start && statement.kind !== 'macroCall') continue;
      const lower = token.text.toLowerCase();
      if (REGISTERS.has(lower)) { push(line, token.start, token.end - token.start, 'variable', 0b100); continue; }
      if (/^%\d+$/.test(token.text)) { push(line, token.start, token.end - token.start, 'parameter', 0); continue; }
      const kind = kinds.get(structure.qualify(token.text, line));
      if (!kind) continue;
      const declaration = statement.label?.start === token.start ? 0b001 : 0;
      const readonly = kind === 'constant' || kind === 'define' ? 0b010 : 0;
      push(line, token.start, token.end - token.start, TYPE_OF[kind], declaration | readonly);
    }
  }
  return data;
}
