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

  /**
   * Brings the view back to the front when showing something else of its area hid it: moved to the
   * bottom panel, the view shares it with the terminal, and showing the program's terminal switches
   * the panel to it. The terminal stays a click away, as the panel's tab.
   */
  async keepInFront(show: () => void): Promise<void> {
    const view = this.view;
    const wasVisible = view?.visible ?? false;
    show();
    if (!view || !wasVisible) return;
    if (view.visible) {
      // The switch is reported a moment later (if it happens at all: not in the side bar).
      await new Promise<void>((resolve) => {
        const changed = view.onDidChangeVisibility(() => done());
        const timer = setTimeout(() => done(), 1000);
        function done() { clearTimeout(timer); changed.dispose(); resolve(); }
      });
    }
    if (this.view === view && !view.visible) view.show(true);
  }

  async reveal(): Promise<void> {
    if (this.view) this.view.show(true);
    else await vscode.commands.executeCommand(`${TraceViewProvider.viewType}.focus`);
  }
}
