// How a document is drawn: semantic tokens, folding ranges.
import { foldingRanges } from '../features/folding';
import { semanticTokens } from '../features/semanticTokens';
import { toFoldingRange } from './convert';
import type { LanguageServer } from './languageServer';

export function registerPresentation(server: LanguageServer): void {
  const { connection, workspace } = server;
  connection.languages.semanticTokens.on(({ textDocument }) => {
    const document = workspace.get(textDocument.uri);
    return { data: document ? semanticTokens(workspace, document) : [] };
  });

  connection.onFoldingRanges(({ textDocument }) => {
    const document = workspace.get(textDocument.uri);
    return document ? foldingRanges(document).map(toFoldingRange) : [];
  });
}
