// textDocument/codeAction, and the shellcode bytes the client's "Copy as" commands ask for.
import type { CodeAction } from 'vscode-languageserver/node';
import { codeActionsIn, didYouMeanActions } from '../features/codeActions';
import { missingDefinitionActions } from '../features/missingDefinition';
import { NASM_SOURCE, toCodeAction } from './convert';
import { SHELLCODE_BYTES_REQUEST, type ShellcodeBytesParams } from '../protocol';
import { SHELLCODE_PREFIX } from './diagnostics';
import type { LanguageServer } from './languageServer';

export function registerCodeActions(server: LanguageServer): void {
  const { workspace } = server;
  server.connection.onCodeAction(async ({ textDocument, range, context }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    const fromNasm = context.diagnostics.filter((d) => d.source === NASM_SOURCE).map((d) => ({ line: d.range.start.line, message: d.message }));
    const actions: CodeAction[] = [
      ...missingDefinitionActions(workspace, document, fromNasm), ...didYouMeanActions(workspace, document, fromNasm), ...codeActionsIn(workspace, document, range.start.line, range.end.line)]
      .map((fix) => toCodeAction(textDocument.uri, fix));
    // Shellcode bad bytes: rewrites of the line, each proven by re-assembling the file with it.
    const badBytes = context.diagnostics.filter((d) => d.source === NASM_SOURCE && d.message.startsWith(SHELLCODE_PREFIX) && !d.message.includes('absolute address'));
    for (const diagnostic of badBytes) {
      const line = diagnostic.range.start.line;
      for (const fix of await server.diagnostics.provenShellcodeFixes(textDocument.uri, line)) {
        const action = toCodeAction(textDocument.uri, {
          title: `Shellcode: ${fix.title} (${fix.size} bytes, no bad byte — re-assembled; ${fix.caveat})`, kind: 'quickfix',
          edits: [{ line, start: 0, end: document.lineText(line).length, newText: fix.lines.join('\n') }],
        });
        action.diagnostics = [diagnostic];
        actions.push(action);
      }
    }
    return actions;
  });
}

export function registerShellcodeBytes(server: LanguageServer): void {
  server.connection.onRequest(SHELLCODE_BYTES_REQUEST, ({ uri }: ShellcodeBytesParams) => server.diagnostics.shellcodeBytes(uri));
}
