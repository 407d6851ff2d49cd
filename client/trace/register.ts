import * as vscode from 'vscode';
import { readConfig } from '../config';
import { COMMANDS, settingId, SETTINGS } from '../contributions';
import { TraceAnnotations, TraceCodeLensProvider, TRACEABLE_DOCUMENTS } from './annotations';
import { TraceController } from './controller';
import type { LastTraces } from './lastTraces';
import { TraceViewProvider } from './traceView';

/** The strace panel, its commands, and the trace annotations in the editor. */
export function registerTracing(context: vscode.ExtensionContext, lastTraces?: LastTraces): void {
  const annotations = new TraceAnnotations(context.extensionUri, () => readConfig().traceAnnotations);
  let controller: TraceController | undefined;
  const view = new TraceViewProvider(context.extensionUri, (message) => controller?.handle(message));
  controller = new TraceController(view, annotations, context.workspaceState, lastTraces);
  const c = controller;
  const codeLenses = new TraceCodeLensProvider((uri) => c.describeRun(uri));
  context.subscriptions.push(
    annotations, c,
    vscode.window.registerWebviewViewProvider(TraceViewProvider.viewType, view, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.languages.registerCodeLensProvider(TRACEABLE_DOCUMENTS, codeLenses),
    vscode.workspace.onDidGrantWorkspaceTrust(() => codeLenses.refresh()),
    vscode.commands.registerCommand(COMMANDS.trace, (uri?: vscode.Uri) => c.trace(uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand(COMMANDS.traceWithArguments, (uri?: vscode.Uri) => c.traceWithArguments(uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand(COMMANDS.stop, () => c.stop()),
    vscode.commands.registerCommand(COMMANDS.openLog, (uri?: vscode.Uri) => c.openLog(uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand(COMMANDS.exportJsonl, () => c.exportJsonl()),
    vscode.commands.registerCommand(COMMANDS.compare, () => c.compare()),
    // From the panel's row context menu VS Code passes the row's data-vscode-context object.
    vscode.commands.registerCommand(COMMANDS.failThisCall, (arg?: { seq?: number }) => {
      if (typeof arg?.seq === 'number') return c.failCall(arg.seq);
      void vscode.window.showInformationMessage('Right-click a syscall row in the Syscall Lens trace panel to fail it.');
      return undefined;
    }),
    c.onDidChangeRunOptions(() => codeLenses.refresh()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(settingId(SETTINGS.traceAnnotations))) annotations.refresh();
      if (event.affectsConfiguration(settingId(SETTINGS.traceConfigurations))) codeLenses.refresh();
    }),
  );
}
