// How a document is drawn: semantic tokens, folding ranges.
import { foldingRanges } from '../features/folding';
import { semanticTokens, tokensDelta } from '../features/semanticTokens';
import { toFoldingRange } from './convert';
import type { LanguageServer } from './languageServer';

export function registerPresentation(server: LanguageServer): void {
  const { connection, workspace } = server;
  // The last full result per document, so a delta request sends only what changed.
  const lastResult = new Map<string, { resultId: string; data: number[] }>();
  let nextResultId = 1;
  // Closed documents keep no tokens.
  server.onClose((uri) => lastResult.delete(uri));
  const full = (uri: string) => {
    const document = workspace.get(uri);
    const data = document ? semanticTokens(workspace, document) : [];
    const resultId = String(nextResultId++);
    if (document && workspace.isOpen(uri)) lastResult.set(uri, { resultId, data }); else lastResult.delete(uri);
    return { resultId, data };
  };
  connection.languages.semanticTokens.on(({ textDocument }) => full(textDocument.uri));
  connection.languages.semanticTokens.onDelta(({ textDocument, previousResultId }) => {
    const previous = lastResult.get(textDocument.uri);
    const next = full(textDocument.uri);
    if (!previous || previous.resultId !== previousResultId) return next;
    const edit = tokensDelta(previous.data, next.data);
    return { resultId: next.resultId, edits: edit ? [edit] : [] };
  });
  connection.languages.semanticTokens.onRange(({ textDocument, range }) => {
    const document = workspace.get(textDocument.uri);
    return { data: document ? semanticTokens(workspace, document, range.start.line, range.end.line) : [] };
  });


  connection.onFoldingRanges(({ textDocument }) => {
    const document = workspace.get(textDocument.uri);
    return document ? foldingRanges(document).map(toFoldingRange) : [];
  });
}
