// textDocument/inlayHint: the syscall hints of the requested lines, from the whole-document analysis.
import { syscallInlayHints } from '../features/inlayHints';
import { programView } from '../features/syscallFacts';
import { toInlayHint } from './convert';
import type { LanguageServer } from './languageServer';
import { formatLineBytes } from '../../nasm/listing';
import { InlayHint } from 'vscode-languageserver/node';

export function registerInlayHints(server: LanguageServer): void {
  const { workspace } = server;
  server.connection.languages.inlayHint.on(({ textDocument, range }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    const view = programView(workspace.analysis(document).program());
    const last = Math.min(range.end.line, document.lineCount - 1);
    const hints = syscallInlayHints(view, range.start.line, last, server.settings.inlayHints).map(toInlayHint);
    if (server.settings.inlayHints.bytes) hints.push(...bytesHints(server, textDocument.uri, range.start.line, last));
    return hints;
  });
}

/** The bytes nasm assembled each line to, after the line (nothing for stale text: see bytesAt). */
function bytesHints(server: LanguageServer, uri: string, first: number, last: number): InlayHint[] {
  const document = server.workspace.get(uri);
  const hints: InlayHint[] = [];
  for (let line = first; document && line <= last; line++) {
    const bytes = server.diagnostics.bytesAt(uri, line);
    if (!bytes?.size) continue;
    const hint = InlayHint.create({ line, character: document.lineText(line).length }, formatLineBytes(bytes, 16));
    hint.paddingLeft = true;
    hints.push(hint);
  }
  return hints;
}
