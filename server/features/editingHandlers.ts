// LSP handlers for completion, signature help, semantic tokens, folding and formatting.
import {
  CompletionItemKind, FoldingRangeKind, InsertTextFormat, type Connection, type CompletionItem,
} from 'vscode-languageserver/node';
import type { LanguageServer } from '../server';
import { completions, type CompletionKind } from './completion';
import { foldingRanges } from './folding';
import { formatLines } from './formatting';
import { semanticTokens, TOKEN_MODIFIERS, TOKEN_TYPES } from './semanticTokens';
import { signatureHelp } from './signatureHelp';

export const SEMANTIC_TOKENS_LEGEND = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

const ITEM_KIND: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword, function: CompletionItemKind.Function, variable: CompletionItemKind.Variable,
  constant: CompletionItemKind.Constant, snippet: CompletionItemKind.Snippet, module: CompletionItemKind.Module,
  field: CompletionItemKind.Field, value: CompletionItemKind.Value,
};

export function registerEditing(connection: Connection, server: LanguageServer): void {
  const { workspace } = server;

  connection.onCompletion(({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    return completions(workspace, document, position.line, position.character).map((c): CompletionItem => ({
      label: c.label, kind: ITEM_KIND[c.kind],
      ...(c.detail ? { detail: c.detail } : {}),
      ...(c.documentation ? { documentation: { kind: 'markdown', value: c.documentation } } : {}),
      ...(c.insertText ? { insertText: c.insertText } : {}),
      ...(c.snippet ? { insertTextFormat: InsertTextFormat.Snippet } : {}),
      ...(c.sortText ? { sortText: c.sortText } : {}),
    }));
  });

  connection.onSignatureHelp(({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    const signature = document && signatureHelp(workspace, document, position.line, position.character);
    if (!signature) return null;
    return {
      signatures: [{
        label: signature.label, parameters: signature.parameters.map((label) => ({ label })),
        ...(signature.documentation ? { documentation: signature.documentation } : {}),
      }],
      activeSignature: 0,
      activeParameter: signature.activeParameter,
    };
  });

  connection.languages.semanticTokens.on(({ textDocument }) => {
    const document = workspace.get(textDocument.uri);
    return { data: document ? semanticTokens(workspace, document) : [] };
  });

  connection.onFoldingRanges(({ textDocument }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    return foldingRanges(document).map((f) => ({ startLine: f.startLine, endLine: f.endLine, ...(f.kind === 'comment' ? { kind: FoldingRangeKind.Comment } : {}) }));
  });

  const format = (uri: string, from?: number, to?: number) => {
    const document = workspace.get(uri);
    if (!document) return [];
    return formatLines(document, from, to).map((e) => ({
      range: { start: { line: e.line, character: 0 }, end: { line: e.line, character: e.oldLength } }, newText: e.newText,
    }));
  };
  connection.onDocumentFormatting(({ textDocument }) => format(textDocument.uri));
  connection.onDocumentRangeFormatting(({ textDocument, range }) => format(textDocument.uri, range.start.line, range.end.line));
}
