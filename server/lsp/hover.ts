// textDocument/hover.
import { hoverAt } from '../features/hover';
import { toHover } from './convert';
import type { LanguageServer } from './languageServer';

export function registerHover(server: LanguageServer): void {
  const { workspace } = server;
  server.connection.onHover(({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    const hover = document && hoverAt(workspace, document, position.line, position.character);
    return hover ? toHover(hover, server.client.markdown) : null;
  });
}
