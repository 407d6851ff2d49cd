import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
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
    view.webview.html = this.html(view.webview, dist, media);
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

  private html(webview: vscode.Webview, dist: vscode.Uri, media: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'trace.css'));
    // Strict CSP: only our own stylesheet and the one nonce-tagged script; no inline code at all.
    const csp = `default-src 'none'; style-src ${webview.cspSource}; font-src ${webview.cspSource}; img-src ${webview.cspSource}; script-src 'nonce-${nonce}';`;
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Syscall Lens trace</title>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }
}
