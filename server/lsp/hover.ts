// textDocument/hover.
import { formatLineBytes, type LineBytes } from '../../nasm/listing';
import { hoverAt } from '../features/hover';
import { definitionsAt } from '../features/navigation';
import { toHover } from './convert';
import type { LanguageServer } from './languageServer';

export function registerHover(server: LanguageServer): void {
  const { workspace } = server;
  server.connection.onHover(({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return null;
    let hover = hoverAt(workspace, document, position.line, position.character);
    // A label (defined or referred to here): where nasm put it and the bytes up to the next label.
    const label = definitionsAt(workspace, document, position.line, position.character).find((d) => d.symbol.kind === 'label' || d.symbol.kind === 'localLabel');
    const place = label && server.diagnostics.labelAt(label.document.uri, label.symbol.line);
    if (hover && label && place) {
      const where = `\`${label.symbol.name}\`: ${place.section}+0x${place.offset.toString(16)}${place.address === undefined ? '' : ` (address 0x${place.address.toString(16)})`}`;
      hover = { ...hover, markdown: `${hover.markdown}\n\n---\n\n${where}, **${place.size} byte${place.size === 1 ? '' : 's'}** to the next label (nasm's listing)` };
    }
    const bytes = server.diagnostics.bytesAt(textDocument.uri, position.line);
    if (!bytes || bytes.size + bytes.reserved === 0) return hover ? toHover(hover, server.client.markdown) : null;
    // The bytes nasm wrote for the line (its listing of this very text), under whatever else the hover says.
    const text = document.lineText(position.line);
    const start = text.length - text.trimStart().length;
    const encoding = bytesMarkdown(bytes);
    const merged = hover ? { ...hover, markdown: `${hover.markdown}\n\n---\n\n${encoding}` } : { line: position.line, start, end: text.trimEnd().length, markdown: encoding };
    return toHover(merged, server.client.markdown);
  });
}

/** `**5 bytes** (.text+0x2a): `b8 3c 00 00 00``, for one line; a macro call counts its whole expansion. */
function bytesMarkdown(bytes: LineBytes): string {
  const first = bytes.records[0]!;
  const where = `${first.section}+0x${first.offset.toString(16)}`;
  const expanded = bytes.records.some((r) => r.depth > 0) ? ', its whole expansion' : '';
  const size = bytes.size ? `**${bytes.size} byte${bytes.size === 1 ? '' : 's'}**` : `**${bytes.reserved} bytes reserved**`;
  return `${size} at ${where}${expanded} (nasm's listing): \`${formatLineBytes(bytes, 32)}\``;
}
