// LSP handlers for the outline and navigation features.
import { SymbolKind, type Connection, type DocumentSymbol } from 'vscode-languageserver/node';
import type { LanguageServer } from '../server';
import { documentOutline, type OutlineKind, type OutlineNode } from './documentSymbols';
import { definitionsAt, includedFileAt, prepareRename, referencesOf, renameSymbol } from './navigation';

const KIND: Record<OutlineKind, SymbolKind> = {
  section: SymbolKind.Namespace, label: SymbolKind.Function, localLabel: SymbolKind.Key, constant: SymbolKind.Constant,
  define: SymbolKind.Constant, macro: SymbolKind.Method, struc: SymbolKind.Struct, field: SymbolKind.Field,
};

const range = (line: number, start: number, end: number) => ({ start: { line, character: start }, end: { line, character: end } });

function toDocumentSymbol(node: OutlineNode, lineLength: (line: number) => number): DocumentSymbol {
  const selection = range(node.line, node.start, node.end);
  const endLine = Math.max(node.line, node.endLine);
  return {
    name: node.name, kind: KIND[node.kind], selectionRange: selection,
    range: { start: { line: node.line, character: 0 }, end: { line: endLine, character: lineLength(endLine) } },
    children: node.children.map((c) => toDocumentSymbol(c, lineLength)),
  };
}

export function registerNavigation(connection: Connection, server: LanguageServer): void {
  const { workspace } = server;
  connection.onDocumentSymbol(({ textDocument }) => {
    const document = workspace.get(textDocument.uri);
    return document ? documentOutline(document).map((n) => toDocumentSymbol(n, (l) => document.lineText(l).length)) : [];
  });

  connection.onWorkspaceSymbol(({ query }) => {
    const needle = query.toLowerCase();
    const results = [];
    for (const document of workspace.all()) {
      for (const symbol of document.structure.symbols) {
        if (needle && !symbol.name.toLowerCase().includes(needle)) continue;
        results.push({
          name: symbol.name, kind: KIND[symbol.kind],
          location: { uri: document.uri, range: range(symbol.line, symbol.start, symbol.end) },
        });
        if (results.length >= 1000) return results;
      }
    }
    return results;
  });

  connection.onDefinition(({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    const included = includedFileAt(workspace, document, position.line, position.character);
    if (included) return [{ uri: included, range: range(0, 0, 0) }];
    return definitionsAt(workspace, document, position.line, position.character)
      .map((d) => ({ uri: d.document.uri, range: range(d.symbol.line, d.symbol.start, d.symbol.end) }));
  });

  connection.onReferences(({ textDocument, position, context }) => {
    const document = workspace.get(textDocument.uri);
    const target = document && definitionsAt(workspace, document, position.line, position.character)[0];
    if (!target) return [];
    return referencesOf(workspace, target, context.includeDeclaration).map((o) => ({ uri: o.document.uri, range: range(o.line, o.start, o.end) }));
  });

  connection.onDocumentHighlight(({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    const target = document && definitionsAt(workspace, document, position.line, position.character)[0];
    if (!target) return [];
    return referencesOf(workspace, target, true)
      .filter((o) => o.document === document)
      .map((o) => ({ range: range(o.line, o.start, o.end), kind: o.isDefinition ? 3 : 2 }));
  });

  connection.onPrepareRename(({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    const prepared = document && prepareRename(workspace, document, position.line, position.character);
    return prepared ? { range: range(prepared.line, prepared.start, prepared.end), placeholder: prepared.placeholder } : null;
  });

  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return null;
    const edits = renameSymbol(workspace, document, position.line, position.character, newName);
    if (typeof edits === 'string') throw new Error(edits);
    const changes: Record<string, { range: ReturnType<typeof range>; newText: string }[]> = {};
    for (const edit of edits) (changes[edit.uri] ??= []).push({ range: range(edit.line, edit.start, edit.end), newText: edit.newText });
    return { changes };
  });
}
