import type * as vscode from 'vscode';

// Placeholder until the language client lands (issue 4).
export async function startLanguageClient(_context: vscode.ExtensionContext): Promise<void> {}
export async function stopLanguageClient(): Promise<void> {}
