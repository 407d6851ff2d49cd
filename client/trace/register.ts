import * as vscode from 'vscode';
import { readConfig } from '../config';
import { TraceAnnotations, TraceCodeLensProvider, TRACEABLE_DOCUMENTS } from './annotations';
import { TraceController } from './controller';
import { TraceViewProvider } from './traceView';

/** The strace panel, its commands, and the trace annotations in the editor. */
export function registerTracing(context: vscode.ExtensionContext): void {
  const annotations = new TraceAnnotations(context.extensionUri, () => readConfig().traceAnnotations);
  let controller: TraceController | undefined;
  const view = new TraceViewProvider(context.extensionUri, (message) => controller?.handle(message));
  controller = new TraceController(view, annotations);
  const c = controller;
  const codeLenses = new TraceCodeLensProvider();
  context.subscriptions.push(
    annotations, c,
    vscode.window.registerWebviewViewProvider(TraceViewProvider.viewType, view, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.languages.registerCodeLensProvider(TRACEABLE_DOCUMENTS, codeLenses),
    vscode.workspace.onDidGrantWorkspaceTrust(() => codeLenses.refresh()),
    vscode.commands.registerCommand('syscallLens.trace', (uri?: vscode.Uri) => c.trace(uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand('syscallLens.stop', () => c.stop()),
    vscode.commands.registerCommand('syscallLens.openLog', (uri?: vscode.Uri) => c.openLog(uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand('syscallLens.exportJsonl', () => c.exportJsonl()),
    vscode.commands.registerCommand('syscallLens.compare', () => c.compare()),
    // From the panel's row context menu VS Code passes the row's data-vscode-context object.
    vscode.commands.registerCommand('syscallLens.failThisCall', (arg?: { seq?: number }) => {
      if (typeof arg?.seq === 'number') return c.failCall(arg.seq);
      void vscode.window.showInformationMessage('Right-click a syscall row in the Syscall Lens trace panel to fail it.');
      return undefined;
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('syscallLens.trace.annotations')) annotations.refresh();
    }),
  );
}
