// What this server offers, and which optional protocol features the connected client supports.
import {
  CodeActionKind, MarkupKind, TextDocumentSyncKind, type ClientCapabilities, type ServerCapabilities,
} from 'vscode-languageserver/node';
import { TOKEN_MODIFIERS, TOKEN_TYPES } from '../features/semanticTokens';

/** The optional client features the server adapts to, read once from `initialize`. */
export interface ClientSupport {
  /** workspace/configuration requests. */
  configuration: boolean;
  /** Dynamic registration of workspace/didChangeConfiguration. */
  configurationRegistration: boolean;
  /** Dynamic registration of file watchers (workspace/didChangeWatchedFiles). */
  watcherRegistration: boolean;
  /** workspace/inlayHint/refresh. */
  inlayHintRefresh: boolean;
  /** Hovers and documentation in Markdown; false when the client prefers plain text. */
  markdown: boolean;
}

export const NO_CLIENT_SUPPORT: ClientSupport = {
  configuration: false, configurationRegistration: false, watcherRegistration: false, inlayHintRefresh: false, markdown: true,
};

/** The client's first choice of content format, Markdown when it names none. */
function prefersMarkdown(formats: readonly string[] | undefined): boolean {
  return !formats?.length || formats[0] === MarkupKind.Markdown;
}

export function clientSupport(capabilities: ClientCapabilities | undefined): ClientSupport {
  const workspace = capabilities?.workspace;
  return {
    configuration: !!workspace?.configuration,
    configurationRegistration: !!workspace?.didChangeConfiguration?.dynamicRegistration,
    watcherRegistration: !!workspace?.didChangeWatchedFiles?.dynamicRegistration,
    inlayHintRefresh: !!workspace?.inlayHint?.refreshSupport,
    markdown: prefersMarkdown(capabilities?.textDocument?.hover?.contentFormat),
  };
}

export const SEMANTIC_TOKENS_LEGEND = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

const COMPLETION_TRIGGERS = [' ', ',', '%', '.'];
const SIGNATURE_TRIGGERS = [' ', ','];

export function serverCapabilities(): ServerCapabilities {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
    hoverProvider: true,
    inlayHintProvider: true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
    documentSymbolProvider: true,
    workspaceSymbolProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    documentHighlightProvider: true,
    renameProvider: { prepareProvider: true },
    completionProvider: { triggerCharacters: COMPLETION_TRIGGERS },
    signatureHelpProvider: { triggerCharacters: SIGNATURE_TRIGGERS },
    semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: { delta: true }, range: true },
    foldingRangeProvider: true,
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
  };
}
