// textDocument/codeAction.
import { codeActionsIn, didYouMeanActions } from '../features/codeActions';
import { NASM_SOURCE, toCodeAction } from './convert';
import type { LanguageServer } from './languageServer';

export function registerCodeActions(server: LanguageServer): void {
  const { workspace } = server;
  server.connection.onCodeAction(({ textDocument, range, context }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    const fromNasm = context.diagnostics.filter((d) => d.source === NASM_SOURCE).map((d) => ({ line: d.range.start.line, message: d.message }));
    return [...didYouMeanActions(workspace, document, fromNasm), ...codeActionsIn(workspace, document, range.start.line, range.end.line)]
      .map((fix) => toCodeAction(textDocument.uri, fix));
  });
}
