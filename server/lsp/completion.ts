// textDocument/completion and textDocument/signatureHelp.
import { completions } from '../features/completion';
import { signatureHelp } from '../features/signatureHelp';
import { toCompletionItem, toSignatureHelp } from './convert';
import type { LanguageServer } from './languageServer';

export function registerCompletion(server: LanguageServer): void {
  const { connection, workspace } = server;
  connection.onCompletion(({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    return completions(workspace, document, position.line, position.character).map((c) => toCompletionItem(c, position.line, server.client.markdown));
  });

  connection.onSignatureHelp(({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    const signature = document && signatureHelp(workspace, document, position.line, position.character);
    return signature ? toSignatureHelp(signature) : null;
  });
}
