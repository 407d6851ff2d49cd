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

/** Names visible in the document (its own and its includes'), by kind; kept while no file of the unit changed its structure. */
const kindsCache = new WeakMap<AsmDocument, { key: string; kinds: Map<string, SymbolKind> }>();
function visibleKinds(workspace: Workspace, document: AsmDocument): Map<string, SymbolKind> {
  const unit = workspace.unit(document);
  const key = unit.map((d) => `${d.uri}@${d.structureVersion}`).join('|');
  const cached = kindsCache.get(document);
  if (cached?.key === key) return cached.kinds;
  const kinds = new Map<string, SymbolKind>();
  for (const source of [...unit].reverse()) {
    for (const [name, defs] of source.structure.definitions) kinds.set(name, defs[0]!.kind);
  }
  kindsCache.set(document, { key, kinds });
  return kinds;
}

/** One line's tokens as (start, length, type, modifiers) quadruples, cached by statement while its context is the same. */
const lineCache = new WeakMap<object, { kinds: Map<string, SymbolKind>; context: string; tokens: number[] }>();

function lineTokens(document: AsmDocument, line: number, kinds: Map<string, SymbolKind>): number[] {
  const structure = document.structure;
  const statement = document.statement(line);
  const inactive = (structure.lineFlags[line]! & LINE_INACTIVE) !== 0;
  // Local labels resolve through the enclosing global label, which an edit above can change.
  const context = `${inactive ? 1 : 0}|${structure.scopeAt(line) ?? ''}`;
  const key = statement.kind === 'empty' && !inactive ? undefined : statement;
  const cached = key ? lineCache.get(key) : undefined;
  if (cached && cached.kinds === kinds && cached.context === context) return cached.tokens;
  const tokens: number[] = [];
  if (inactive) {
    const text = document.lineText(line);
    const start = text.length - text.trimStart().length;
    if (text.trim()) tokens.push(start, text.trimEnd().length - start, TOKEN_TYPES.indexOf('comment'), 0);
  } else {
    for (const token of statement.tokens) {
      if (token.kind !== 'identifier') continue;
      if (statement.keyword && token.start === statement.keyword.start && statement.kind !== 'macroCall') continue;
      const lower = token.text.toLowerCase();
      if (REGISTERS.has(lower)) { tokens.push(token.start, token.end - token.start, TOKEN_TYPES.indexOf('variable'), 0b100); continue; }
      if (/^%\d+$/.test(token.text)) { tokens.push(token.start, token.end - token.start, TOKEN_TYPES.indexOf('parameter'), 0); continue; }
      const kind = kinds.get(structure.qualify(token.text, line));
      if (!kind) continue;
      const declaration = statement.label?.start === token.start ? 0b001 : 0;
      const readonly = kind === 'constant' || kind === 'define' ? 0b010 : 0;
      tokens.push(token.start, token.end - token.start, TOKEN_TYPES.indexOf(TYPE_OF[kind]), declaration | readonly);
    }
  }
  if (key) lineCache.set(key, { kinds, context, tokens });
  return tokens;
}

/** LSP-encoded tokens (relative line/start, length, type, modifiers) of lines [from, to] (all by default). */
export function semanticTokens(workspace: Workspace, document: AsmDocument, from = 0, to = document.lineCount - 1): number[] {
  const data: number[] = [];
  const kinds = visibleKinds(workspace, document);
  let previousLine = 0;
  let previousStart = 0;
  for (let line = Math.max(0, from); line <= Math.min(to, document.lineCount - 1); line++) {
    const tokens = lineTokens(document, line, kinds);
    for (let i = 0; i < tokens.length; i += 4) {
      const start = tokens[i]!;
      const deltaLine = line - previousLine;
      data.push(deltaLine, deltaLine === 0 ? start - previousStart : start, tokens[i + 1]!, tokens[i + 2]!, tokens[i + 3]!);
      previousLine = line;
      previousStart = start;
    }
  }
  return data;
}

/** The one edit that turns `previous` into `next` (common prefix and suffix kept), for semanticTokens/full/delta. */
export function tokensDelta(previous: readonly number[], next: readonly number[]): { start: number; deleteCount: number; data: number[] } | undefined {
  let prefix = 0;
  while (prefix < previous.length && prefix < next.length && previous[prefix] === next[prefix]) prefix++;
  if (prefix === previous.length && prefix === next.length) return undefined;
  let suffix = 0;
  while (suffix < previous.length - prefix && suffix < next.length - prefix
    && previous[previous.length - 1 - suffix] === next[next.length - 1 - suffix]) suffix++;
  return { start: prefix, deleteCount: previous.length - prefix - suffix, data: next.slice(prefix, next.length - suffix) };
}
