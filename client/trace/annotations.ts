import * as path from 'node:path';
import * as vscode from 'vscode';
import { entryPointLine } from '../entryPoint';
import { annotationText, type LineCall, type TraceModel } from '../../trace/model/model';
import { COMMANDS } from '../contributions';
import { descriptorNotes, lineCallHover } from './viewModel';

const TRACEABLE = [{ language: 'nasm' }, { language: 'c' }];

/**
 * Inline results after each source line that made syscalls (`write → 14 ×5`), a gutter mark on
 * lines whose calls failed, and a hover listing the line's calls. Cleared when the file changes.
 */
export class TraceAnnotations implements vscode.Disposable {
  private readonly okType: vscode.TextEditorDecorationType;
  private readonly failedType: vscode.TextEditorDecorationType;
  private readonly disposables: vscode.Disposable[] = [];
  private model: TraceModel | undefined;
  /** Files edited since the trace: their line numbers no longer match. */
  private readonly stale = new Set<string>();

  constructor(extensionUri: vscode.Uri, private readonly enabled: () => boolean) {
    const after = { margin: '0 0 0 2em', fontStyle: 'italic' };
    this.okType = vscode.window.createTextEditorDecorationType({
      after: { ...after, color: new vscode.ThemeColor('editorCodeLens.foreground') },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.failedType = vscode.window.createTextEditorDecorationType({
      after: { ...after, color: new vscode.ThemeColor('editorError.foreground') },
      gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'failed-call.svg'),
      gutterIconSize: '70%',
      overviewRulerColor: new vscode.ThemeColor('editorError.foreground'),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.disposables.push(
      this.okType, this.failedType,
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length === 0 || !this.callsOf(event.document.uri.fsPath)) return;
        this.stale.add(event.document.uri.fsPath);
        this.refresh();
      }),
      vscode.languages.registerHoverProvider(TRACEABLE, { provideHover: (document, position) => this.hover(document, position) }),
    );
  }

  /** Shows a (new) trace; a new trace clears the previous one's annotations. */
  show(model: TraceModel | undefined): void {
    if (model !== this.model) this.stale.clear();
    this.model = model;
    this.refresh();
  }

  private callsOf(file: string): Map<number, Map<string, LineCall>> | undefined {
    if (!this.model || this.stale.has(file)) return undefined;
    return this.model.lines.get(file) ?? this.model.lines.get(path.resolve(file));
  }

  refresh(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const lines = this.enabled() ? this.callsOf(editor.document.uri.fsPath) : undefined;
      const ok: vscode.DecorationOptions[] = [];
      const failed: vscode.DecorationOptions[] = [];
      for (const [line, calls] of lines ?? []) {
        if (line < 1 || line > editor.document.lineCount) continue;
        const end = editor.document.lineAt(line - 1).range.end;
        const list = [...calls.values()];
        const option = { range: new vscode.Range(end, end), renderOptions: { after: { contentText: annotationText(list) } } };
        (list.some((c) => c.errors > 0) ? failed : ok).push(option);
      }
      editor.setDecorations(this.okType, ok);
      editor.setDecorations(this.failedType, failed);
    }
  }

  private hover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const calls = this.callsOf(document.uri.fsPath)?.get(position.line + 1);
    if (!calls) return undefined;
    const markdown = new vscode.MarkdownString(undefined, true);
    markdown.appendMarkdown('**Traced syscalls on this line**\n\n');
    for (const call of calls.values()) {
      markdown.appendMarkdown(`- ${lineCallHover(call)}\n`);
      // Which descriptor is which: `fd 3 ← open("/etc/hostname") at readfile.asm:41`.
      const last = this.model?.get(call.seqs.at(-1) ?? -1);
      if (last?.kind === 'syscall' && this.model) {
        for (const fd of descriptorNotes(last, this.model)) markdown.appendMarkdown(`  - \`${fd.text.replace(/`/g, "'")}\`\n`);
      }
    }
    return new vscode.Hover(markdown, document.lineAt(position.line).range);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** "Trace" above `_start` (NASM) or `main` (C or NASM linked with libc). */
export class TraceCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  /** `describeRun`: what the program will be given (`notes.txt < input.txt`), '' for nothing. */
  constructor(private readonly describeRun: (document: vscode.Uri) => string = () => '') {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    // Tracing builds and runs the program: nothing to offer in an untrusted folder.
    if (!vscode.workspace.isTrusted) return [];
    const line = entryPointLine(document.languageId, Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text));
    if (line !== undefined) {
      const range = new vscode.Range(line, 0, line, 0);
      const given = this.describeRun(document.uri);
      const shown = given.length > 40 ? `${given.slice(0, 39)}…` : given;
      return [
        new vscode.CodeLens(range, {
          title: `$(pulse) Trace${shown ? ` ${shown}` : ''}`, command: COMMANDS.trace, arguments: [document.uri],
          tooltip: `Build and run this program under strace, with every syscall mapped to its line${given ? `, given: ${given}` : ''}`,
        }),
        new vscode.CodeLens(range, {
          title: 'Arguments…', command: COMMANDS.traceWithArguments, arguments: [document.uri],
          tooltip: 'The arguments and the stdin file this program is traced with (asked once, remembered for this file)',
        }),
      ];
    }
    return [];
  }
}

export const TRACEABLE_DOCUMENTS = TRACEABLE;
