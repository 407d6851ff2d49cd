// Shellcode in the editor: the length of a file in shellcode mode in the status bar (from the
// language server's nasm run), and "Copy as" the file's bytes as a \x string, a C array or Python
// bytes (the same text `syscall-lens bytes --as` prints, nasm/shellcode.ts shellcodeAs).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { shellcodeAs, type ShellcodeForm } from '../nasm/shellcode';
import {
  SHELLCODE_BYTES_REQUEST, SHELLCODE_STATUS_NOTIFICATION, type ShellcodeBytesParams, type ShellcodeBytesResult, type ShellcodeStatus,
} from '../server/protocol';
import { COMMANDS } from './contributions';

export const SHELLCODE_STATUS_ITEM_ID = 'syscallLens.shellcodeLength';

const FORMS: Record<ShellcodeForm, { command: string; name: string }> = {
  string: { command: COMMANDS.copyShellcodeAsString, name: '\\x string' },
  c: { command: COMMANDS.copyShellcodeAsC, name: 'C array' },
  python: { command: COMMANDS.copyShellcodeAsPython, name: 'Python bytes' },
};

/** How long "Copy as" waits for nasm to assemble the text the editor shows (it runs shortly after each edit). */
const PENDING_WAIT_MS = 5_000;

export function registerShellcode(context: vscode.ExtensionContext, client: LanguageClient): void {
  const item = vscode.window.createStatusBarItem(SHELLCODE_STATUS_ITEM_ID, vscode.StatusBarAlignment.Right, 100);
  item.name = 'Shellcode length';
  item.command = COMMANDS.copyShellcodeAsString;
  const statuses = new Map<string, ShellcodeStatus>();
  const render = () => {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const status = uri ? statuses.get(uri) : undefined;
    if (!status?.shellcode) { item.hide(); return; }
    const problems = [
      status.badLines ? `${status.badLines} line${status.badLines === 1 ? '' : 's'} with bad bytes` : '',
      status.absolute ? `${status.absolute} absolute address${status.absolute === 1 ? '' : 'es'}` : '',
    ].filter(Boolean);
    item.text = `${problems.length ? '$(warning)' : '$(file-binary)'} ${status.length} byte${status.length === 1 ? '' : 's'}`;
    item.tooltip = [
      `Shellcode: ${status.length} bytes (nasm's listing of this file)`,
      problems.length ? problems.join(', ') : 'no bad bytes, no absolute addresses',
      status.unchecked ? `${status.unchecked} bytes from incbin not checked` : '',
      'Click to copy it as a \\x string',
    ].filter(Boolean).join('\n');
    item.show();
  };
  context.subscriptions.push(
    item,
    client.onNotification(SHELLCODE_STATUS_NOTIFICATION, (status: ShellcodeStatus) => {
      statuses.set(status.uri, status);
      render();
    }),
    vscode.window.onDidChangeActiveTextEditor(render),
    vscode.workspace.onDidCloseTextDocument((document) => { statuses.delete(document.uri.toString()); render(); }),
    ...Object.entries(FORMS).map(([form, { command }]) => vscode.commands.registerCommand(command, () => copyAs(client, form as ShellcodeForm))),
  );
}

async function copyAs(client: LanguageClient, form: ShellcodeForm): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== 'nasm') {
    void vscode.window.showInformationMessage('Open a NASM file to copy its shellcode.');
    return;
  }
  const params: ShellcodeBytesParams = { uri: document.uri.toString() };
  const deadline = Date.now() + PENDING_WAIT_MS;
  let answer = await client.sendRequest<ShellcodeBytesResult>(SHELLCODE_BYTES_REQUEST, params);
  while ('pending' in answer && answer.pending && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    answer = await client.sendRequest<ShellcodeBytesResult>(SHELLCODE_BYTES_REQUEST, params);
  }
  if ('problem' in answer) {
    void vscode.window.showWarningMessage(`No shellcode copied: ${answer.problem}`);
    return;
  }
  const bytes = Uint8Array.from(Buffer.from(answer.hex, 'hex'));
  await vscode.env.clipboard.writeText(shellcodeAs(bytes, form));
  vscode.window.setStatusBarMessage(`Copied ${bytes.length} bytes as ${FORMS[form].name}`, 4_000);
}
