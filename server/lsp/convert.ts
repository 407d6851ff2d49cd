// Every LSP shape the server sends, built from the features' plain values in one place.
import {
  CodeActionKind, CompletionItemKind, DiagnosticSeverity, DocumentHighlightKind, FoldingRangeKind, InlayHintKind,
  InsertTextFormat, InsertTextMode, MarkupKind, SymbolKind,
  type CodeAction, type CompletionItem, type Diagnostic, type DocumentHighlight, type DocumentSymbol, type FoldingRange,
  type Hover, type InlayHint, type Location, type Range, type SignatureHelp, type SymbolInformation, type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { SymbolDefinition } from '../../nasm/document/structure';
import type { NasmDiagnostic } from '../nasmDiagnostics';
import type { CodeActionFix } from '../features/codeActions';
import type { Completion, CompletionKind } from '../features/completion';
import type { OutlineKind, OutlineNode } from '../features/documentSymbols';
import type { Fold } from '../features/folding';
import type { LineEdit } from '../features/formatting';
import type { SyscallInlayHint } from '../features/inlayHints';
import type { Occurrence, RenameEdit } from '../features/navigation';
import type { Signature } from '../features/signatureHelp';
import type { HoverResult } from '../features/syscallHover';
import type { Edit, Lint } from '../features/syscallLints';

/** Where our own diagnostics say they come from (nasm's say `nasm`). */
const LINT_SOURCE = 'syscall-lens';
export const NASM_SOURCE = 'nasm';

export function toRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

export function toLocation(uri: string, line: number, start: number, end: number): Location {
  return { uri, range: toRange(line, start, end) };
}

export function toTextEdit(edit: Edit): TextEdit {
  return { range: toRange(edit.line, edit.start, edit.end), newText: edit.newText };
}

export function toLintDiagnostic(lint: Lint): Diagnostic {
  return {
    range: toRange(lint.line, lint.start, lint.end),
    severity: lint.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    code: lint.code, source: LINT_SOURCE, message: lint.message,
  };
}

const NASM_SEVERITY: Record<NasmDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information,
};

/** A nasm message underlines the statement of its line (nasm reports no columns). */
export function toNasmDiagnostic(d: NasmDiagnostic, lineText: string): Diagnostic {
  const indent = lineText.length - lineText.trimStart().length;
  const diagnostic: Diagnostic = {
    range: toRange(d.line, indent, Math.max(indent, lineText.trimEnd().length)),
    severity: NASM_SEVERITY[d.severity], source: NASM_SOURCE, message: d.message,
  };
  if (d.related.length) {
    diagnostic.relatedInformation = d.related.map((r) => ({ location: toLocation(r.uri, r.line, 0, 0), message: r.message }));
  }
  return diagnostic;
}

/** Markdown as a client that asked for plain text reads it: no emphasis, code marks or fences; links as `text (url)`. */
export function markdownToPlainText(markdown: string): string {
  return markdown
    .replace(/^```\w*\n?/gm, '')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^\|?\s*-{3,}.*$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function toHover(hover: HoverResult, markdown = true): Hover {
  const contents = markdown
    ? { kind: MarkupKind.Markdown, value: hover.markdown }
    : { kind: MarkupKind.PlainText, value: markdownToPlainText(hover.markdown) };
  return { contents, range: toRange(hover.line, hover.start, hover.end) };
}

export function toInlayHint(hint: SyscallInlayHint): InlayHint {
  const result: InlayHint = {
    position: { line: hint.line, character: hint.character }, label: hint.label,
    paddingLeft: hint.kind === 'call', paddingRight: hint.kind === 'parameter',
  };
  if (hint.kind === 'parameter') result.kind = InlayHintKind.Parameter;
  if (hint.tooltip) result.tooltip = hint.tooltip;
  return result;
}

const ACTION_KIND: Record<CodeActionFix['kind'], string> = {
  quickfix: CodeActionKind.QuickFix, 'refactor.rewrite': CodeActionKind.RefactorRewrite,
};

export function toCodeAction(uri: string, fix: CodeActionFix): CodeAction {
  const changes = { [uri]: fix.edits.map(toTextEdit) };
  for (const other of fix.otherFiles ?? []) changes[other.uri] = other.edits.map(toTextEdit);
  const action: CodeAction = { title: fix.title, kind: ACTION_KIND[fix.kind], edit: { changes } };
  if (fix.lint) {
    action.diagnostics = [toLintDiagnostic(fix.lint)];
    action.isPreferred = true;
  }
  return action;
}

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword, function: CompletionItemKind.Function, variable: CompletionItemKind.Variable,
  constant: CompletionItemKind.Constant, snippet: CompletionItemKind.Snippet, module: CompletionItemKind.Module,
  field: CompletionItemKind.Field, value: CompletionItemKind.Value,
};

export function toCompletionItem(c: Completion, line: number, markdown = true): CompletionItem {
  const item: CompletionItem = { label: c.label, kind: COMPLETION_KIND[c.kind] };
  if (c.detail) item.detail = c.detail;
  if (c.documentation) item.documentation = markdown ? { kind: MarkupKind.Markdown, value: c.documentation } : markdownToPlainText(c.documentation);
  if (c.insertText) item.insertText = c.insertText;
  if (c.edit) item.textEdit = { range: toRange(line, c.edit.start, c.edit.end), newText: c.edit.newText };
  if (c.filterText) item.filterText = c.filterText;
  if (c.snippet) {
    item.insertTextFormat = InsertTextFormat.Snippet;
    // The snippet carries its own indentation: the client must not add the line's again.
    item.insertTextMode = InsertTextMode.asIs;
  }
  if (c.sortText) item.sortText = c.sortText;
  return item;
}

export function toSignatureHelp(signature: Signature): SignatureHelp {
  return {
    signatures: [{
      label: signature.label, parameters: signature.parameters.map((label) => ({ label })),
      ...(signature.documentation ? { documentation: signature.documentation } : {}),
    }],
    activeSignature: 0,
    activeParameter: signature.activeParameter,
  };
}

const SYMBOL_KIND: Record<OutlineKind, SymbolKind> = {
  section: SymbolKind.Namespace, label: SymbolKind.Function, localLabel: SymbolKind.Key, constant: SymbolKind.Constant,
  define: SymbolKind.Constant, macro: SymbolKind.Method, struc: SymbolKind.Struct, field: SymbolKind.Field,
};

export function toDocumentSymbol(node: OutlineNode, lineLength: (line: number) => number): DocumentSymbol {
  const endLine = Math.max(node.line, node.endLine);
  return {
    name: node.name, kind: SYMBOL_KIND[node.kind], selectionRange: toRange(node.line, node.start, node.end),
    range: { start: { line: node.line, character: 0 }, end: { line: endLine, character: lineLength(endLine) } },
    children: node.children.map((c) => toDocumentSymbol(c, lineLength)),
  };
}

export function toSymbolInformation(uri: string, symbol: SymbolDefinition): SymbolInformation {
  return { name: symbol.name, kind: SYMBOL_KIND[symbol.kind], location: toLocation(uri, symbol.line, symbol.start, symbol.end) };
}

export function toHighlight(occurrence: Occurrence): DocumentHighlight {
  return {
    range: toRange(occurrence.line, occurrence.start, occurrence.end),
    kind: occurrence.isDefinition ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  };
}

export function toWorkspaceEdit(edits: readonly RenameEdit[]): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of edits) (changes[edit.uri] ??= []).push(toTextEdit(edit));
  return { changes };
}

export function toFoldingRange(fold: Fold): FoldingRange {
  return { startLine: fold.startLine, endLine: fold.endLine, ...(fold.kind === 'comment' ? { kind: FoldingRangeKind.Comment } : {}) };
}

/** A formatting edit replaces one whole line. */
export function toLineEdit(edit: LineEdit): TextEdit {
  return { range: toRange(edit.line, 0, edit.oldLength), newText: edit.newText };
}
