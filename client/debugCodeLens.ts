// "Debug" above `_start` (NASM) or `main` (C, or NASM linked with libc), beside the trace panel's
// "Trace": F5 for this file without opening launch.json.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, DEBUG_TYPE } from './contributions';
import { entryPointLine } from './entryPoint';

const DEBUGGABLE = [{ language: 'nasm' }, { language: 'c' }];

class DebugCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    // Debugging builds and runs the program: nothing to offer in an untrusted folder.
    if (!vscode.workspace.isTrusted || document.uri.scheme !== 'file') return [];
    const lines = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text);
    const line = entryPointLine(document.languageId, lines);
    if (line === undefined) return [];
    return [new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
      title: '$(debug-alt) Debug', tooltip: 'Build this program with debug information and debug it under gdb (F5)',
      command: COMMANDS.debugFile, arguments: [document.uri],
    })];
  }
}

async function debugFile(uri?: vscode.Uri): Promise<boolean> {
  const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  if (!target || target.scheme !== 'file') {
    void vscode.window.showInformationMessage('Open an .asm or .c file to debug it.');
    return false;
  }
  const folder = vscode.workspace.getWorkspaceFolder(target);
  // The configuration F5 would make; the debug provider builds it and fills in the rest.
  return vscode.debug.startDebugging(folder, { type: DEBUG_TYPE, request: 'launch', name: `Debug ${path.basename(target.fsPath)}`, program: target.fsPath });
}

export function registerDebugCodeLens(context: vscode.ExtensionContext): void {
  const provider = new DebugCodeLensProvider();
  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(DEBUGGABLE, provider),
    vscode.workspace.onDidGrantWorkspaceTrust(() => provider.refresh()),
    vscode.commands.registerCommand(COMMANDS.debugFile, debugFile),
  );
}
