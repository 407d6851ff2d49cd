// textDocument/inlayHint: the syscall hints of the requested lines, from the whole-document analysis.
import { syscallInlayHints } from '../features/inlayHints';
import { programView } from '../features/syscallFacts';
import { toInlayHint } from './convert';
import type { LanguageServer } from './languageServer';

export function registerInlayHints(server: LanguageServer): void {
  const { workspace } = server;
  server.connection.languages.inlayHint.on(({ textDocument, range }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    const view = programView(workspace.analysis(document).program());
    return syscallInlayHints(view, range.start.line, Math.min(range.end.line, document.lineCount - 1), server.settings.inlayHints).map(toInlayHint);
  });
}
