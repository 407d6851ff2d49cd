import type * as vscode from 'vscode';
import { startLanguageClient, stopLanguageClient } from './languageClient';
import { registerDebugging } from './debug';
import { registerTracing } from './trace/register';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  registerDebugging(context);
  registerTracing(context);
  await startLanguageClient(context);
}

export async function deactivate(): Promise<void> {
  await stopLanguageClient();
}
