// The syscall table in an editor tab: the webview lists and filters (from the bundled database);
// this side reads the local man pages and inserts or copies the NASM that makes a call.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { lookupSyscallByName, syscallCallLines, type Abi, type SyscallInfo } from '../../syscalls';
import { manPageErrors, manPageText } from '../../syscalls/manpage';
import { manPageName } from '../../syscalls/table';
import { COMMANDS } from '../contributions';
import { webviewHtml } from '../webviewHtml';
import { callInsertion } from './insertion';
import type { TableHostMessage, TableMessage, TableState } from './protocol';

export const SYSCALL_TABLE_VIEW_TYPE = 'syscallLens.syscallTable';
export const MAN_PAGE_SCHEME = 'syscall-man';

/** Editors Insert can write into: NASM sources (and any other text editor the user picked last). */
function isInsertTarget(editor: vscode.TextEditor | undefined): editor is vscode.TextEditor {
  return editor !== undefined && editor.document.uri.scheme !== MAN_PAGE_SCHEME && editor.document.uri.scheme !== 'output';
}

export class SyscallTablePanel implements vscode.Disposable {
  private static current: SyscallTablePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private lastEditor: vscode.TextEditor | undefined;
  private ready = false;
  private pending: Partial<TableState> | undefined;

  static disposeCurrent(): void {
    SyscallTablePanel.current?.dispose();
  }

  static show(extensionUri: vscode.Uri, state?: Partial<TableState>): SyscallTablePanel {
    const existing = SyscallTablePanel.current;
    if (existing) {
      existing.panel.reveal();
      if (state) existing.send({ type: 'show', state });
      return existing;
    }
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(SYSCALL_TABLE_VIEW_TYPE, 'Syscall Table', column, {
      enableScripts: true, retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    SyscallTablePanel.current = new SyscallTablePanel(panel, extensionUri, state);
    return SyscallTablePanel.current;
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state?: Partial<TableState>) {
    this.pending = state;
    this.lastEditor = [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors].find(isInsertTarget);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'images', 'activity.svg');
    panel.webview.html = webviewHtml(panel.webview, extensionUri, { script: 'syscallTable.js', style: 'syscallTable.css', title: 'Syscall Table' });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: TableMessage) => void this.handle(message)),
      panel.onDidDispose(() => this.dispose()),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (!isInsertTarget(editor)) return;
        this.lastEditor = editor;
        this.sendEditor();
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (this.lastEditor?.document !== document) return;
        this.lastEditor = vscode.window.visibleTextEditors.find(isInsertTarget);
        this.sendEditor();
      }),
    );
  }

  private send(message: TableHostMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private sendEditor(): void {
    this.send({ type: 'editor', ...(this.lastEditor ? { name: path.basename(this.lastEditor.document.fileName) } : {}) });
  }

  private async handle(message: TableMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendEditor();
        this.send({ type: 'show', ...(this.pending ? { state: this.pending } : {}) });
        this.pending = undefined;
        return;
      case 'select': return this.sendManPage(message.abi, message.name);
      case 'insert': return this.insert(message.abi, message.name);
      case 'copy': {
        const syscall = known(message.abi, message.name);
        if (!syscall) return;
        await vscode.env.clipboard.writeText(syscallCallLines(syscall, { placeholders: false }).join('\n') + '\n');
        void vscode.window.setStatusBarMessage(`Copied the NASM for ${syscall.name}`, 3000);
        return;
      }
      case 'openManPage': {
        const uri = vscode.Uri.from({ scheme: MAN_PAGE_SCHEME, path: `/${manPageName(message.name)}.2` });
        await vscode.window.showTextDocument(uri, { preview: true, viewColumn: vscode.ViewColumn.Beside });
        return;
      }
    }
  }

  private async sendManPage(abi: Abi, name: string): Promise<void> {
    const syscall = known(abi, name);
    if (!syscall) return;
    const [errors, text] = await Promise.all([manPageErrors(syscall.name), manPageText(syscall.name, 80)]);
    this.send({
      type: 'manPage', abi, name,
      ...(errors ? { errors } : {}),
      ...(text !== undefined ? { text } : { missing: `No local man page for ${syscall.name}(2). Install man-db and manpages-dev (sudo apt-get install man-db manpages-dev), or read ${syscall.manUrl}` }),
    });
  }

  /** Inserts the call as a snippet: in place of the cursor's line when it is blank, else below it. */
  private async insert(abi: Abi, name: string): Promise<void> {
    const syscall = known(abi, name);
    const target = this.lastEditor;
    if (!syscall) return;
    if (!target) {
      void vscode.window.showInformationMessage('Open a NASM file first: Insert puts the call at its cursor.');
      return;
    }
    const editor = await vscode.window.showTextDocument(target.document, target.viewColumn);
    const document = editor.document;
    const lineNumber = editor.selection.active.line;
    const lines = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text);
    const insertion = callInsertion(lines, lineNumber, syscallCallLines(syscall, { placeholders: true }));
    const line = document.lineAt(lineNumber);
    // The indentation is ours (that of the code around the cursor), so VS Code must not add its own.
    await editor.insertSnippet(new vscode.SnippetString(insertion.text), insertion.replaceLine ? line.range : line.range.end, { undoStopBefore: true, undoStopAfter: true, keepWhitespace: true });
  }

  dispose(): void {
    if (SyscallTablePanel.current === this) SyscallTablePanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function known(abi: Abi, name: string): SyscallInfo | undefined {
  const found = lookupSyscallByName(abi, name);
  return found.known ? found.syscall : undefined;
}

/** `syscall-man:/write.2`: the installed man page as read-only text. */
export class ManPageContentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const name = uri.path.replace(/^\//, '').replace(/\.2$/, '');
    return (await manPageText(name, 80)) ?? `No local man page for ${name}(2).\nInstall it with: sudo apt-get install man-db manpages-dev\n`;
  }
}

export function registerSyscallTable(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(MAN_PAGE_SCHEME, new ManPageContentProvider()),
    vscode.commands.registerCommand(COMMANDS.showSyscallTable, (arg?: { abi?: Abi; name?: string } | string) => {
      // From a command link or keybinding: a syscall name, or { abi, name }.
      const request = typeof arg === 'string' ? { name: arg } : arg;
      const state: Partial<TableState> | undefined = request?.name
        ? { abi: request.abi ?? 'x86_64', selected: request.name.replace(/^(SYS_|__NR_)/, ''), query: '' }
        : undefined;
      SyscallTablePanel.show(context.extensionUri, state);
    }),
    { dispose: () => SyscallTablePanel.disposeCurrent() },
  );
}
