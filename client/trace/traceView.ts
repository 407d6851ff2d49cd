import * as vscode from 'vscode';
import { webviewHtml } from '../webviewHtml';
import { TRACE_VIEW_ID } from '../contributions';
import type { HostMessage, PanelMessage } from './protocol';

/** The trace panel: a webview view in the Syscall Lens activity-bar container. */
export class TraceViewProvider implements vscode.WebviewViewProvider {
  static readonly viewType = TRACE_VIEW_ID;
  private view: vscode.WebviewView | undefined;
  private ready = false;

  constructor(private readonly extensionUri: vscode.Uri, private readonly onMessage: (message: PanelMessage) => void) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    view.webview.html = webviewHtml(view.webview, this.extensionUri, { script: 'webview.js', style: 'trace.css', title: 'Syscall Lens trace' });
    view.webview.onDidReceiveMessage((message: PanelMessage) => {
      // Until the script runs nothing can be delivered; on 'ready' the controller sends its whole state.
      if (message.type === 'ready') this.ready = true;
      this.onMessage(message);
    });
    view.onDidDispose(() => {
      this.view = undefined;
      this.ready = false;
    });
  }

  post(message: HostMessage): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }

  async reveal(): Promise<void> {
    if (this.view) this.view.show(true);
    else await vscode.commands.executeCommand(`${TraceViewProvider.viewType}.focus`);
  }
}
