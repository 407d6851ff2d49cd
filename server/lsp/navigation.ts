// Definition, references, document highlights and rename.
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { definitionsAt, includedFileAt, prepareRename, referencesAt, renameSymbol } from '../features/navigation';
import { toHighlight, toLocation, toRange, toWorkspaceEdit } from './convert';
import type { LanguageServer } from './languageServer';

export function registerNavigation(server: LanguageServer): void {
  const { connection, workspace } = server;

  connection.onDefinition(({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    const included = includedFileAt(workspace, document, position.line, position.character);
    if (included) return [toLocation(included, 0, 0, 0)];
    return definitionsAt(workspace, document, position.line, position.character)
      .map((d) => toLocation(d.document.uri, d.symbol.line, d.symbol.start, d.symbol.end));
  });

  // References and rename must see every file of the workspace: they wait for the index.
  connection.onReferences(async ({ textDocument, position, context }) => {
    await server.indexing;
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    return referencesAt(workspace, document, position.line, position.character, context.includeDeclaration)
      .map((o) => toLocation(o.document.uri, o.line, o.start, o.end));
  });

  connection.onDocumentHighlight(({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    return referencesAt(workspace, document, position.line, position.character, true).filter((o) => o.document === document).map(toHighlight);
  });

  connection.onPrepareRename(({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    const prepared = document && prepareRename(workspace, document, position.line, position.character);
    return prepared ? { range: toRange(prepared.line, prepared.start, prepared.end), placeholder: prepared.placeholder } : null;
  });

  connection.onRenameRequest(async ({ textDocument, position, newName }) => {
    await server.indexing;
    const document = workspace.get(textDocument.uri);
    if (!document) return null;
    const edits = renameSymbol(workspace, document, position.line, position.character, newName);
    // A refused rename is a failed request with the reason, for the editor to show.
    if (typeof edits === 'string') throw new ResponseError(LSPErrorCodes.RequestFailed, edits);
    return toWorkspaceEdit(edits);
  });
}
