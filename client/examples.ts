// "Open an Example Program": the example sources ship in the extension; they are copied into the
// extension's storage (the installed copy is read-only and replaced on update), then opened, so F5
// and Trace can build them beside their source. A copy the user already edited is kept.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, WALKTHROUGH_ID } from './contributions';


export async function openExample(context: vscode.ExtensionContext, name = 'hello.asm'): Promise<vscode.TextEditor | undefined> {
  const shipped = context.asAbsolutePath('examples');
  const copy = path.join(context.globalStorageUri.fsPath, 'examples');
  try {
    mkdirSync(copy, { recursive: true });
    for (const file of readdirSync(shipped)) {
      if (!/\.(asm|c|md)$/.test(file) || existsSync(path.join(copy, file))) continue;
      copyFileSync(path.join(shipped, file), path.join(copy, file));
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`Could not copy the examples to ${copy}: ${(error as Error).message}`);
    return undefined;
  }
  return vscode.window.showTextDocument(vscode.Uri.file(path.join(copy, name)));
}

export function registerExamples(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.openExample, (name?: string) => openExample(context, typeof name === 'string' ? name : undefined)),
    vscode.commands.registerCommand(COMMANDS.openWalkthrough, () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false)),
  );
}
