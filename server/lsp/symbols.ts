// textDocument/documentSymbol (the outline) and workspace/symbol.
import type { SymbolInformation } from 'vscode-languageserver/node';
import { documentOutline } from '../features/documentSymbols';
import { toDocumentSymbol, toSymbolInformation } from './convert';
import type { LanguageServer } from './languageServer';

/** Enough for any picker; a larger answer only slows the client. */
const MAX_WORKSPACE_SYMBOLS = 1000;

export function registerSymbols(server: LanguageServer): void {
  const { connection, workspace } = server;
  connection.onDocumentSymbol(({ textDocument }) => {
    const document = workspace.get(textDocument.uri);
    return document ? documentOutline(document).map((n) => toDocumentSymbol(n, (l) => document.lineText(l).length)) : [];
  });

  connection.onWorkspaceSymbol(async ({ query }) => {
    await server.indexing;
    const needle = query.toLowerCase();
    const results: SymbolInformation[] = [];
    for (const document of workspace.all()) {
      for (const symbol of document.structure.symbols) {
        if (needle && !symbol.name.toLowerCase().includes(needle)) continue;
        results.push(toSymbolInformation(document.uri, symbol));
        if (results.length >= MAX_WORKSPACE_SYMBOLS) return results;
      }
    }
    return results;
  });
}
