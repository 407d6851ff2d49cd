// textDocument/formatting and rangeFormatting.
import { DEFAULT_COLUMNS, formatLines } from '../features/formatting';
import { toLineEdit } from './convert';
import type { LanguageServer } from './languageServer';

export function registerFormatting(server: LanguageServer): void {
  const { connection, workspace } = server;
  const format = (uri: string, from?: number, to?: number) => {
    const document = workspace.get(uri);
    if (!document) return [];
    const isMacro = (name: string) => workspace.macro(document, name) !== undefined;
    return formatLines(document, from, to, DEFAULT_COLUMNS, { isMacro }).map(toLineEdit);
  };
  connection.onDocumentFormatting(({ textDocument }) => format(textDocument.uri));
  connection.onDocumentRangeFormatting(({ textDocument, range }) => format(textDocument.uri, range.start.line, range.end.line));
}
