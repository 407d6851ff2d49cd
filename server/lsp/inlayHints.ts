// textDocument/inlayHint: the blocks overlapping the requested range.
import type { BlockAnalysis } from '../analysis/dataflow';
import { syscallInlayHints } from '../features/inlayHints';
import { toInlayHint } from './convert';
import type { LanguageServer } from './languageServer';

export function registerInlayHints(server: LanguageServer): void {
  const { workspace } = server;
  server.connection.languages.inlayHint.on(({ textDocument, range }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    const analysis = workspace.analysis(document);
    const blocks: BlockAnalysis[] = [];
    for (let line = range.start.line; line <= Math.min(range.end.line, document.lineCount - 1);) {
      const block = analysis.blockAt(line);
      blocks.push(block);
      line = block.end + 1;
    }
    const entryOf = (block: BlockAnalysis) => analysis.entryMask(block.start);
    return syscallInlayHints(blocks, range.start.line, range.end.line, server.settings.inlayHints, entryOf).map(toInlayHint);
  });
}
