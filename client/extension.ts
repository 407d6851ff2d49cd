import type * as vscode from 'vscode';
import { startLanguageClient, stopLanguageClient } from './languageClient';
import { registerDebugging } from './debug';
import { endInlineSessions } from './inlineAdapter';
import { registerDebugCodeLens } from './debugCodeLens';
import { registerExamples } from './examples';
import { registerNasmDotS } from './nasmDotS';
import { registerOutputChannel } from './output';
import { registerSizeView } from './sizeView';
import { registerToolStatus } from './status/toolStatus';
import { registerSyscallTable } from './syscallTable/panel';
import { LastTraces } from './trace/lastTraces';
import { registerTracing } from './trace/register';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  registerOutputChannel(context);
  registerNasmDotS(context);
  registerToolStatus(context);
  registerSyscallTable(context);
  registerExamples(context);
  registerDebugging(context);
  const lastTraces = new LastTraces(context.workspaceState);
  registerTracing(context, lastTraces);
  registerSizeView(context, lastTraces);
  // After tracing: VS Code puts the lenses of later providers first, so "Debug" comes before "Trace".
  registerDebugCodeLens(context);
  await startLanguageClient(context);
}

export async function deactivate(): Promise<void> {
  // Debug sessions run inside this process: their gdb and programs end with the extension.
  await Promise.all([stopLanguageClient(), endInlineSessions()]);
}
