// A `.s` file written for NASM (course projects assemble `ft_strlen.s` with `nasm -f elf64`) opens as
// NASM: VS Code gives `.s` no language of its own, and the extension is GNU as's by convention, so
// only a file whose text reads as NASM (nasm/document/dialect.ts) is switched, and only from plain text.
import * as vscode from 'vscode';
import { isNasmSyntax } from '../nasm/document/dialect';

function adopt(document: vscode.TextDocument): void {
  if (document.languageId !== 'plaintext' || !/\.s$/.test(document.fileName)) return;
  if (isNasmSyntax(document.getText())) void vscode.languages.setTextDocumentLanguage(document, 'nasm');
}

export function registerNasmDotS(context: vscode.ExtensionContext): void {
  for (const document of vscode.workspace.textDocuments) adopt(document);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(adopt));
}
