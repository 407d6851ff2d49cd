// Definitions, references, highlights and rename: scope-aware for local labels, across %include
// and global/extern.
import type { AsmDocument } from '../../nasm/document/document';
import type { SymbolDefinition } from '../../nasm/document/structure';
import { REGISTERS } from '../../nasm/parser/vocabulary';
import type { FoundDefinition, Workspace } from '../workspace';
import { symbolTokenAt } from './symbolAt';

export interface Occurrence { document: AsmDocument; line: number; start: number; end: number; text: string; isDefinition: boolean }

/** The file an `%include` line names, when the cursor is on its file name. */
export function includedFileAt(workspace: Workspace, document: AsmDocument, line: number, character: number): string | undefined {
  const edge = document.structure.includes.find((e) => e.line === line && e.start <= character && character <= e.end);
  return edge ? workspace.resolveInclude(document, edge.path) : undefined;
}

export function definitionsAt(workspace: Workspace, document: AsmDocument, line: number, character: number): FoundDefinition[] {
  const token = symbolTokenAt(document, line, character);
  if (!token || REGISTERS.has(token.text.toLowerCase())) return [];
  const found = workspace.findDefinitions(document, token.text, line);
  if (found.length) return found;
  const macro = workspace.macro(document, token.text);
  if (!macro) return [];
  const owner = [document, ...workspace.includedDocuments(document)].find((d) => d.structure.macros.get(token.text) === macro)!;
  const symbol = owner.structure.definitions.get(token.text)?.find((s) => s.kind === 'macro');
  return symbol ? [{ document: owner, symbol }] : [];
}

/** Documents in which `target` can be referred to. */
function visibleIn(workspace: Workspace, target: FoundDefinition): AsmDocument[] {
  const { document, symbol } = target;
  if (symbol.kind === 'localLabel') return [document];
  const documents = new Set<AsmDocument>([document, ...workspace.includers(document)]);
  if (document.structure.globals.has(symbol.name)) {
    for (const other of workspace.all()) if (other.structure.externs.has(symbol.name) || other.structure.globals.has(symbol.name)) documents.add(other);
  }
  return [...documents];
}

function sameSymbol(a: SymbolDefinition, b: SymbolDefinition): boolean {
  return a.name === b.name && a.line === b.line && a.start === b.start;
}

export function referencesOf(workspace: Workspace, target: FoundDefinition, includeDeclaration: boolean): Occurrence[] {
  const occurrences: Occurrence[] = [];
  const name = target.symbol.name;
  const shortName = target.symbol.written;
  for (const document of visibleIn(workspace, target)) {
    const structure = document.structure;
    for (let line = 0; line < document.lineCount; line++) {
      const text = document.lineText(line);
      // Cheap filter before tokenized matching: most lines do not mention the name at all.
      if (!text.includes(shortName) && !text.includes(name)) continue;
      for (const token of document.statement(line).tokens) {
        if (token.kind !== 'identifier') continue;
        if (structure.qualify(token.text, line) !== name) continue;
        const isDefinition = document === target.document && line === target.symbol.line && token.start === target.symbol.start;
        if (!includeDeclaration && isDefinition) continue;
        if (document !== target.document && !isDefinition) {
          const resolved = workspace.findDefinitions(document, token.text, line);
          if (resolved.length && !resolved.some((r) => r.document === target.document && sameSymbol(r.symbol, target.symbol))) continue;
        }
        occurrences.push({ document, line, start: token.start, end: token.end, text: token.text, isDefinition });
      }
    }
  }
  return occurrences;
}

export interface RenameEdit { uri: string; line: number; start: number; end: number; newText: string }

export function prepareRename(workspace: Workspace, document: AsmDocument, line: number, character: number) {
  const token = symbolTokenAt(document, line, character);
  if (!token) return undefined;
  const target = definitionsAt(workspace, document, line, character)[0];
  return target ? { line, start: token.start, end: token.end, placeholder: token.text } : undefined;
}

export function renameSymbol(workspace: Workspace, document: AsmDocument, line: number, character: number, newName: string): RenameEdit[] | string {
  const target = definitionsAt(workspace, document, line, character)[0];
  if (!target) return 'Nothing to rename here: not a label, constant or macro defined in the workspace.';
  const local = target.symbol.kind === 'localLabel' || target.symbol.kind === 'field';
  if (!/^[A-Za-z_.?$@][\w.?$#@~]*$/.test(newName)) return `"${newName}" is not a valid NASM identifier.`;
  if (local !== newName.startsWith('.')) {
    return local ? 'A local label keeps its leading dot: name it `.something`.' : 'Only local labels start with a dot.';
  }
  return referencesOf(workspace, target, true).map((o) => ({
    uri: o.document.uri, line: o.line, start: o.start, end: o.end,
    // `_start.loop` written in full keeps its qualifier.
    newText: local && !o.text.startsWith('.') ? o.text.slice(0, o.text.length - target.symbol.written.length) + newName : newName,
  }));
}
