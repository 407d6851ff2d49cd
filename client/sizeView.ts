// "Show Program Size": builds the active source the way F5 and Trace do (buildOptionsFor, prepareTarget)
// and opens the size report — the text `syscall-lens size FILE` prints (trace/map/sizeText) — as a
// read-only document beside the source. Running the command again on the same file refreshes it and
// says what changed since the previous build. "Compare Program Size With…" puts two programs side by
// side, bytes and the syscall counts of their last traces together, as `syscall-lens size A B --trace`.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sourceKindOf } from '../toolchain/build';
import { buildCargoProgram, CargoBuildError, isRustSource } from '../toolchain/cargo';
import { prepareTarget, TargetError } from '../toolchain/target';
import { ToolNotFoundError } from '../toolchain/tools';
import { ElfFormatError } from '../trace/map/elf';
import { demangleLabels, programSize } from '../trace/map/programSize';
import { compareSizes, sizeComparisonText, sizeReportText, type MeasuredProgram } from '../trace/map/sizeText';
import { buildOptionsFor, ensureTrusted } from './config';
import { COMMANDS } from './contributions';
import type { LastTraces } from './trace/lastTraces';

export const SIZE_SCHEME = 'syscall-lens-size';
/** As many labels as the CLI lists by default. */
const LABELS = 10;
/** Sources offered in the comparison list, at most. */
const OFFERED_SOURCES = 200;

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

/** One measured build: what the report and the comparison show. */
interface Build extends MeasuredProgram {
  /** The file measured (a source, or a program). */
  file: string;
  program: string;
  builtAt: Date;
  /** Why the syscall count is missing or may be out of date, for a note under the figures. */
  syscallNote?: string;
}

/** The report's address: one per source, named after it so the tab says whose size it is. */
function reportUri(source: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: SIZE_SCHEME, path: `/${path.basename(source.fsPath)} size`, query: source.toString() });
}

function comparisonUri(a: Build, b: Build): vscode.Uri {
  return vscode.Uri.from({ scheme: SIZE_SCHEME, path: `/${a.name} vs ${b.name} size`, query: `${a.file}\n${b.file}` });
}

const isMeasurable = (file: string) => !!sourceKindOf(file) || isRustSource(file);

class SizeView {
  /** The last build of each file measured, for "since the last build" and as a comparison point. */
  private readonly previous = new Map<string, Build>();

  constructor(private readonly documents: SizeDocuments, private readonly lastTraces: LastTraces | undefined) {}

  /** The source the command is about: the active editor's, or the one behind an open size report. */
  private activeSource(): vscode.Uri | undefined {
    const document = vscode.window.activeTextEditor?.document;
    if (document?.uri.scheme === SIZE_SCHEME && document.uri.query && !document.uri.query.includes('\n')) return vscode.Uri.parse(document.uri.query);
    if (!document || document.uri.scheme !== 'file' || !isMeasurable(document.fileName)) return undefined;
    return document.uri;
  }

  /** Builds (a source, as F5 does) or reads (a program) and measures; shows why on failure. */
  private async measure(uri: vscode.Uri): Promise<Build | undefined> {
    const file = uri.fsPath;
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document?.isDirty) await document.save();
    try {
      const program = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Building ${path.basename(file)}` },
        async () => isRustSource(file) ? buildCargoProgram(file) : (await prepareTarget(file, isMeasurable(file) ? { ...buildOptionsFor(uri), run: false } : { build: false, run: false })).program,
      );
      const build: Build = { name: path.basename(file), file, program, report: await demangleLabels(programSize(program)), builtAt: new Date() };
      const trace = this.lastTraces?.of(file, program);
      if (!trace) build.syscallNote = `${build.name} has no complete trace yet (Syscall Lens: Trace Program)`;
      else {
        build.syscalls = trace.syscalls;
        if (trace.stale) build.syscallNote = `${build.name}: ${trace.syscalls} syscalls in a trace of an earlier build (${new Date(trace.tracedAt).toLocaleTimeString()})`;
      }
      return build;
    } catch (error) {
      if (error instanceof TargetError || error instanceof ToolNotFoundError || error instanceof ElfFormatError || error instanceof CargoBuildError) {
        void vscode.window.showErrorMessage(`No size report for ${path.basename(file)}: ${error.message}`);
        return undefined;
      }
      throw error;
    }
  }

  /** The source of the active editor, once the folder is trusted to build it; else says what to do. */
  private sourceToBuild(missing: string): vscode.Uri | undefined {
    const source = this.activeSource();
    if (!source) {
      void vscode.window.showInformationMessage(missing);
      return undefined;
    }
    return ensureTrusted('build programs') ? source : undefined;
  }

  async show(): Promise<void> {
    const source = this.sourceToBuild('Open an .asm, .nasm, .c or Cargo .rs file to see the size of the program it builds.');
    if (!source) return;
    const build = await this.measure(source);
    if (!build) return;
    const before = this.previous.get(build.file);
    this.previous.set(build.file, build);
    const parts = [sizeReportText(build.name, build.report, { labels: LABELS, syscalls: build.syscalls })];
    if (build.syscallNote) parts.push(`(${build.syscallNote})`);
    if (before) parts.push(sinceLastBuild(before, build));
    parts.push(`built from ${vscode.workspace.asRelativePath(source)}`);
    await this.open(reportUri(source), parts.join('\n\n') + '\n');
  }

  async compare(): Promise<void> {
    const source = this.sourceToBuild('Open an .asm, .nasm, .c or Cargo .rs file (or its size report) to compare its size with another program.');
    if (!source) return;
    const other = await this.pickOther(source);
    if (!other) return;
    const a = other.kind === 'previous' ? other.build : await this.measure(source);
    if (!a) return;
    const b = other.kind === 'previous' ? await this.measure(source) : await this.measure(other.uri);
    if (!b) return;
    if (other.kind === 'previous') this.previous.set(b.file, b);
    const left = other.kind === 'previous' ? { ...a, name: `${a.name} (${a.builtAt.toLocaleTimeString()})` } : a;
    const notes = [left, b].flatMap((m) => (m.syscallNote ? [`(${m.syscallNote})`] : []));
    const text = [sizeComparisonText(left, b), ...notes].join('\n\n');
    await this.open(comparisonUri(left, b), `${text}\n\n${left.name}: ${left.program}\n${b.name}: ${b.program}\n`);
  }

  /** Another source or program of the workspace, a program chosen from disk, or the previous build of this file. */
  private async pickOther(source: vscode.Uri): Promise<{ kind: 'previous'; build: Build } | { kind: 'file'; uri: vscode.Uri } | undefined> {
    type Item = vscode.QuickPickItem & { choice: 'previous' | 'browse' | vscode.Uri };
    const items: Item[] = [];
    const previous = this.previous.get(source.fsPath);
    if (previous) {
      items.push({ label: `$(history) Previous build of ${previous.name}`, description: `built ${previous.builtAt.toLocaleTimeString()}, ${previous.report.fileSize} bytes`, choice: 'previous' });
    }
    const found = await vscode.workspace.findFiles('**/*.{asm,nasm,c,rs}', '**/{node_modules,target,.git}/**', OFFERED_SOURCES);
    const sources = found.filter((uri) => uri.fsPath !== source.fsPath && isMeasurable(uri.fsPath))
      .sort((x, y) => vscode.workspace.asRelativePath(x).localeCompare(vscode.workspace.asRelativePath(y)));
    for (const uri of sources) items.push({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(path.dirname(uri.fsPath)), choice: uri });
    items.push({ label: '$(file-binary) Choose a program…', description: 'a built ELF executable', choice: 'browse' });
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `Compare the size of ${path.basename(source.fsPath)} with…`, matchOnDescription: true });
    if (!picked) return undefined;
    if (picked.choice === 'previous') return previous && { kind: 'previous', build: previous };
    if (picked.choice !== 'browse') return { kind: 'file', uri: picked.choice };
    const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Compare size' });
    return chosen?.[0] && { kind: 'file', uri: chosen[0] };
  }

  private async open(uri: vscode.Uri, text: string): Promise<void> {
    this.documents.set(uri, text);
    const report = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(report, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
  }
}

/** The figures that changed since the previous build of the same file, or that none did. */
function sinceLastBuild(before: Build, now: Build): string {
  const rows = compareSizes(before, now).rows.filter((row) => row.a !== row.b);
  const heading = `since the previous build (${before.builtAt.toLocaleTimeString()})`;
  if (rows.length === 0) return `${heading}: no size changed`;
  const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
  return [`${heading}:`, ...rows.map((row) => `  ${row.what.padEnd(24)} ${String(row.a ?? '-').padStart(9)} → ${String(row.b ?? '-').padStart(9)}${row.a !== null && row.b !== null ? `  ${signed(row.b - row.a)}` : ''}`)].join('\n');
}

export function registerSizeView(context: vscode.ExtensionContext, lastTraces?: LastTraces): void {
  const documents = new SizeDocuments();
  const view = new SizeView(documents, lastTraces);
  context.subscriptions.push(
    documents,
    vscode.workspace.registerTextDocumentContentProvider(SIZE_SCHEME, documents),
    vscode.workspace.onDidCloseTextDocument((d) => { if (d.uri.scheme === SIZE_SCHEME) documents.forget(d.uri); }),
    vscode.commands.registerCommand(COMMANDS.showProgramSize, () => view.show()),
    vscode.commands.registerCommand(COMMANDS.compareProgramSize, () => view.compare()),
  );
}
