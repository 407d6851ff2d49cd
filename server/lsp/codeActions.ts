// textDocument/codeAction.
import { codeActionsIn } from '../features/codeActions';
import { toCodeAction } from './convert';
import type { LanguageServer } from './languageServer';

export function registerCodeActions(server: LanguageServer): void {
  const { workspace } = server;
  server.connection.onCodeAction(({ textDocument, range }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    return codeActionsIn(workspace, document, range.start.line, range.end.line).map((fix) => toCodeAction(textDocument.uri, fix));
  });
}
