// textDocument/hover.
import { formatLineBytes, type LineBytes } from '../../nasm/listing';
import { isStatementKeyword, parseLine } from '../../nasm/parser/statement';
import { REGISTERS, SIZE_KEYWORDS } from '../../nasm/parser/vocabulary';
import { hoverAt } from '../features/hover';
import { definitionsAt } from '../features/navigation';
import { toHover } from './convert';
import type { LanguageServer } from './languageServer';

export function registerHover(server: LanguageServer): void {
  const { workspace } = server;
  server.connection.onHover(async ({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return null;
    let hover = hoverAt(workspace, document, position.line, position.character);
    // A label (defined or referred to here): where nasm put it and the bytes up to the next label;
    // its address in a flat binary with org, or in the program built from this very text.
    const definition = definitionsAt(workspace, document, position.line, position.character).find((d) => d.symbol.kind === 'label' || d.symbol.kind === 'localLabel');
    // A label a macro defines (`message world, "world"`) has no definition in the text: nasm's listing names
    // it. A word NASM reserves (`syscall`, `rax`, `qword`) names no label: its hover never reads the listing's labels.
    let word = definition ? undefined : wordAt(document.lineText(position.line), position.character);
    if (word && isReservedWord(word.text)) word = undefined;
    const label = definition ? { uri: definition.document.uri, line: definition.symbol.line, name: definition.symbol.name } : word && { uri: textDocument.uri, line: -1, name: word.text };
    const place = label && server.diagnostics.labelAt(label.uri, label.line, label.name);
    if (label && place) {
      const linked = place.address === undefined ? await server.diagnostics.linkedAddress(label.uri, label.name, place) : undefined;
      const address = place.address !== undefined ? ` (address 0x${place.address.toString(16)})`
        : linked !== undefined ? ` (address 0x${linked.toString(16)} in the built program)` : '';
      const where = `\`${label.name}\`: ${place.section}+0x${place.offset.toString(16)}${address}, **${place.size} byte${place.size === 1 ? '' : 's'}** to the next label (nasm's listing)`;
      hover = hover ? { ...hover, markdown: `${hover.markdown}\n\n---\n\n${where}` }
        : word ? { line: position.line, start: word.start, end: word.end, markdown: where } : undefined;
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

/** Mnemonics, prefixes, registers, directives, data and size keywords: never a label's name. */
function isReservedWord(word: string): boolean {
  const lower = word.toLowerCase();
  return isStatementKeyword(lower) || REGISTERS.has(lower) || SIZE_KEYWORDS.has(lower);
}

/** The identifier under the cursor (nasm's identifier characters), if any. */
function wordAt(text: string, character: number): { text: string; start: number; end: number } | undefined {
  const comment = parseLine(text).comment;
  if (comment && character >= comment.start) return undefined;
  for (const match of text.matchAll(/[A-Za-z_.?$@~#][\w.?$@~#]*/g)) {
    const start = match.index;
    if (character >= start && character <= start + match[0].length) return { text: match[0], start, end: start + match[0].length };
  }
  return undefined;
}
