// Outline: section › label › local label, plus macros, constants and strucs with their fields.
import type { AsmDocument } from '../../nasm/document/document';
import type { SymbolDefinition, SymbolKind } from '../../nasm/document/structure';

export type OutlineKind = 'section' | SymbolKind;

export interface OutlineNode {
  name: string;
  kind: OutlineKind;
  line: number;
  endLine: number;
  start: number;
  end: number;
  detail?: string;
  children: OutlineNode[];
}

function node(symbol: SymbolDefinition): OutlineNode {
  return { name: symbol.written, kind: symbol.kind, line: symbol.line, endLine: symbol.endLine, start: symbol.start, end: symbol.end, children: [] };
}

/**
 * The outline of each document for the structure it was built from. Editors ask for it after every
 * change (outline view, breadcrumbs, sticky scroll) and LSP has no delta form for it: an edit that
 * moves or renames no symbol is answered from here, not rebuilt.
 */
const outlines = new WeakMap<AsmDocument, { structureVersion: number; outline: OutlineNode[] }>();

export function documentOutline(document: AsmDocument): OutlineNode[] {
  const structure = document.structure; // first: reading it may bring the structure up to date
  const cached = outlines.get(document);
  if (cached?.structureVersion === document.structureVersion) return cached.outline;
  const outline = buildOutline(document, structure);
  outlines.set(document, { structureVersion: document.structureVersion, outline });
  return outline;
}

function buildOutline(document: AsmDocument, structure: AsmDocument['structure']): OutlineNode[] {
  const roots: OutlineNode[] = [];
  const sections = structure.sections.map((s, i): OutlineNode => {
    const text = document.lineText(s.line);
    const start = Math.max(0, text.indexOf(s.name));
    const next = structure.sections[i + 1];
    return { name: s.name || '(section)', kind: 'section', line: s.line, endLine: next ? next.line - 1 : document.lineCount - 1, start, end: start + s.name.length, children: [] };
  });
  const containerAt = (line: number): OutlineNode[] => {
    const section = [...sections].reverse().find((s) => s.line <= line);
    return section ? section.children : roots;
  };
  const globals = new Map<string, OutlineNode>();
  for (const symbol of structure.symbols) {
    const item = node(symbol);
    if (symbol.kind === 'localLabel' && symbol.parent && globals.has(symbol.parent)) {
      globals.get(symbol.parent)!.children.push(item);
    } else if (symbol.kind === 'field' && symbol.parent && globals.has(symbol.parent)) {
      globals.get(symbol.parent)!.children.push(item);
    } else if (symbol.kind === 'macro' || symbol.kind === 'define' || symbol.kind === 'struc') {
      roots.push(item);
      if (symbol.kind === 'struc') globals.set(symbol.name, item);
    } else {
      containerAt(symbol.line).push(item);
      if (symbol.kind === 'label') globals.set(symbol.name, item);
    }
  }
  for (const label of globals.values()) {
    if (label.kind === 'label') {
      const last = label.children.at(-1);
      if (last && last.line > label.endLine) label.endLine = last.line;
    }
  }
  return [...roots, ...sections].sort((a, b) => a.line - b.line);
}
