// Document synchronisation: open, incremental change, save, close, and files changed on disk.
import { FileChangeType } from 'vscode-languageserver/node';
import { discardScratch } from '../nasmDiagnostics';
import type { LanguageServer } from './languageServer';

export function registerSync(server: LanguageServer): void {
  const { connection, workspace, diagnostics } = server;
  connection.onDidOpenTextDocument(({ textDocument }) => {
    workspace.open(textDocument.uri, textDocument.text, textDocument.version);
    diagnostics.schedule(textDocument.uri, true);
  });
  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return;
    for (const change of contentChanges) document.applyChange(change, textDocument.version);
    diagnostics.schedule(textDocument.uri, false);
  });
  connection.onDidSaveTextDocument(({ textDocument }) => diagnostics.schedule(textDocument.uri, true));
  connection.onDidCloseTextDocument(({ textDocument }) => {
    workspace.close(textDocument.uri);
    diagnostics.forget(textDocument.uri);
    discardScratch(textDocument.uri);
    server.closed(textDocument.uri);
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      if (change.type === FileChangeType.Deleted) workspace.forget(change.uri); else workspace.refreshFromDisk(change.uri);
    }
    for (const document of server.openDocuments()) diagnostics.schedule(document.uri, false);
  });
}
