// "Show Program Size": builds the active source the way F5 and Trace do (buildOptionsFor, prepareTarget)
// and opens the size report — the text `syscall-lens size FILE` prints (trace/map/sizeText) — as a
// read-only document beside the source. Running the command again on the same file refreshes it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sourceKindOf } from '../toolchain/build';
import { prepareTarget, TargetError } from '../toolchain/target';
import { ToolNotFoundError } from '../toolchain/tools';
import { ElfFormatError } from '../trace/map/elf';
import { programSize } from '../trace/map/programSize';
import { sizeReportText } from '../trace/map/sizeText';
import { buildOptionsFor, ensureTrusted } from './config';
import { COMMANDS } from './contributions';

export const SIZE_SCHEME = 'syscall-lens-size';
/** As many labels as the CLI lists by default. */
const LABELS = 10;

class SizeDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'This size report is gone. Run "Syscall Lens: Show Program Size" on the source again.';
  }

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  forget(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The report's address: one per source, named after it so the tab says whose size it is. */
function reportUri(source: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: SIZE_SCHEME, path: `/${path.basename(source.fsPath)} size`, query: source.toString() });
}

async function showSize(documents: SizeDocuments): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.uri.scheme !== 'file' || !sourceKindOf(document.fileName)) {
    void vscode.window.showInformationMessage('Open an .asm, .nasm or .c file to see the size of the program it builds.');
    return;
  }
  if (!ensureTrusted('build programs')) return;
  if (document.isDirty) await document.save();
  const file = document.fileName;
  let text: string;
  try {
    const target = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Building ${path.basename(file)}` },
      () => prepareTarget(file, buildOptionsFor(document.uri)),
    );
    text = sizeReportText(path.basename(file), programSize(target.program), { labels: LABELS });
  } catch (error) {
    if (error instanceof TargetError || error instanceof ToolNotFoundError || error instanceof ElfFormatError) {
      void vscode.window.showErrorMessage(`No size report: ${error.message}`);
      return;
    }
    throw error;
  }
  const uri = reportUri(document.uri);
  documents.set(uri, `${text}\n\nbuilt from ${vscode.workspace.asRelativePath(document.uri)}\n`);
  const report = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(report, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
}

export function registerSizeView(context: vscode.ExtensionContext): void {
  const documents = new SizeDocuments();
  context.subscriptions.push(
    documents,
    vscode.workspace.registerTextDocumentContentProvider(SIZE_SCHEME, documents),
    vscode.workspace.onDidCloseTextDocument((d) => { if (d.uri.scheme === SIZE_SCHEME) documents.forget(d.uri); }),
    vscode.commands.registerCommand(COMMANDS.showProgramSize, () => showSize(documents)),
  );
}
