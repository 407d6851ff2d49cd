// Wires the LSP connection to the workspace model and the feature modules. Each handler only
// translates between LSP types and the features; the features know nothing about LSP transport.
import * as path from 'node:path';
import {
  CodeActionKind, DiagnosticSeverity, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, InlayHintKind, MessageType, ShowMessageNotification,
  TextDocumentSyncKind, type CodeAction, type Connection, type Diagnostic, type InitializeResult,
} from 'vscode-languageserver/node';
import { Debouncer } from './diagnosticsScheduler';
import type { AsmDocument } from './document/document';
import { syscallInlayHints } from './features/inlayHints';
import { namedConstantActions } from './features/namedConstant';
import { hoverAt } from './features/hover';
import { lintBlock, type Edit, type Lint } from './features/syscallLints';
import { lintDocument } from './features/documentLints';
import { registerNavigation } from './features/navigationHandlers';
import { registerEditing, SEMANTIC_TOKENS_LEGEND } from './features/editingHandlers';
import { discardScratch, runNasm, type NasmDiagnostic } from './nasmDiagnostics';
import {
  DEFAULT_SETTINGS, settingsFromConfiguration, TRUST_NOTIFICATION, type InitializationOptions, type ServerSettings, type TrustParams,
} from './protocol';
import { NASM_EXTENSIONS, uriToPath, Workspace } from './workspace';

const LINT_DELAY_MS = 150;
const NASM_DELAY_MS = 600;
const SOURCE = 'syscall-lens';

function toLspEdit(edit: Edit) {
  return { range: { start: { line: edit.line, character: edit.start }, end: { line: edit.line, character: edit.end } }, newText: edit.newText };
}

function lintToDiagnostic(lint: Lint): Diagnostic {
  return {
    range: { start: { line: lint.line, character: lint.start }, end: { line: lint.line, character: lint.end } },
    severity: lint.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    code: lint.code, source: SOURCE, message: lint.message,
  };
}

export class LanguageServer {
  readonly workspace = new Workspace();
  settings: ServerSettings = DEFAULT_SETTINGS;
  trusted = true;
  private configurationSupported = false;
  private inlayRefreshSupported = false;
  private registerWatchers = false;
  private roots: string[] = [];
  private readonly lintTimer = new Debouncer(LINT_DELAY_MS);
  private readonly nasmTimer = new Debouncer(NASM_DELAY_MS);
  /** nasm diagnostics, by the document nasm ran on, then by the file they belong to. */
  private readonly nasmResults = new Map<string, Map<string, Diagnostic[]>>();
  private readonly lintResults = new Map<string, Diagnostic[]>();
  private readonly published = new Set<string>();
  private toolMissingReported = false;

  constructor(readonly connection: Connection) {}

  lints(document: AsmDocument): Lint[] {
    return lintDocument(this.workspace, document);
  }

  private publish(uri: string): void {
    const diagnostics = [...(this.lintResults.get(uri) ?? [])];
    for (const byFile of this.nasmResults.values()) diagnostics.push(...(byFile.get(uri) ?? []));
    if (diagnostics.length === 0 && !this.published.has(uri)) return;
    if (diagnostics.length) this.published.add(uri); else this.published.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics });
  }

  refreshLints(uri: string): void {
    const document = this.workspace.get(uri);
    if (!document || !this.workspace.isOpen(uri)) return;
    this.lintResults.set(uri, this.lints(document).map(lintToDiagnostic));
    this.publish(uri);
  }

  async refreshNasm(uri: string): Promise<void> {
    const document = this.workspace.get(uri);
    if (!document || !this.workspace.isOpen(uri)) return;
    const previous = this.nasmResults.get(uri);
    if (!this.trusted || !this.settings.diagnosticsEnabled) {
      this.nasmResults.delete(uri);
      for (const target of previous?.keys() ?? []) this.publish(target);
      return;
    }
    const version = document.version;
    const outcome = await runNasm(document, this.workspace, this.settings).catch((error: unknown) => ({
      kind: 'failed' as const, message: `nasm could not be run: ${error instanceof Error ? error.message : String(error)}`,
    }));
    if (document.version !== version) return; // a newer run is scheduled
    if (outcome.kind !== 'ok') {
      // One message for the whole session, not one per keystroke.
      if (!this.toolMissingReported) {
        this.toolMissingReported = true;
        void this.connection.sendNotification(ShowMessageNotification.type, {
          type: outcome.kind === 'tool-missing' ? MessageType.Warning : MessageType.Error, message: outcome.message,
        });
      }
      return;
    }
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of outcome.diagnostics) {
      const list = byFile.get(d.uri) ?? [];
      list.push(this.nasmToDiagnostic(d));
      byFile.set(d.uri, list);
    }
    this.nasmResults.set(uri, byFile);
    for (const target of new Set([...byFile.keys(), ...(previous?.keys() ?? [])])) this.publish(target);
  }

  private nasmToDiagnostic(d: NasmDiagnostic): Diagnostic {
    const document = this.workspace.get(d.uri);
    const text = document?.lineText(d.line) ?? '';
    const indent = text.length - text.trimStart().length;
    return {
      range: { start: { line: d.line, character: indent }, end: { line: d.line, character: Math.max(indent, text.trimEnd().length) } },
      severity: d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      source: 'nasm', message: d.message,
      ...(d.related.length ? {
        relatedInformation: d.related.map((r) => ({
          location: { uri: r.uri, range: { start: { line: r.line, character: 0 }, end: { line: r.line, character: 0 } } },
          message: r.message,
        })),
      } : {}),
    };
  }

  /** A closed document's lints and the nasm messages it caused (also in its includes) go away. */
  forgetDiagnostics(uri: string): void {
    this.lintTimer.cancel(uri);
    this.nasmTimer.cancel(uri);
    this.lintResults.delete(uri);
    const byFile = this.nasmResults.get(uri);
    this.nasmResults.delete(uri);
    for (const target of new Set([uri, ...(byFile?.keys() ?? [])])) this.publish(target);
  }

  scheduleDiagnostics(uri: string, nasmNow: boolean): void {
    this.lintTimer.schedule(uri, () => this.refreshLints(uri));
    this.nasmTimer.schedule(uri, () => void this.refreshNasm(uri), nasmNow ? 0 : NASM_DELAY_MS);
  }

  private refreshAll(): void {
    for (const document of this.workspace.all()) {
      if (this.workspace.isOpen(document.uri)) this.scheduleDiagnostics(document.uri, true);
    }
    if (this.inlayRefreshSupported) void this.connection.languages.inlayHint.refresh();
  }

  async loadSettings(): Promise<void> {
    if (this.configurationSupported) {
      const section = await this.connection.workspace.getConfiguration({ section: 'syscallLens' }).catch(() => undefined);
      if (section) this.applySettings(settingsFromConfiguration(section, this.settings));
    }
  }

  applySettings(settings: ServerSettings): void {
    this.settings = settings;
    const root = this.roots[0] ?? process.cwd();
    this.workspace.includePaths = settings.includePaths.map((p) => path.resolve(root, p));
    this.workspace.defaultBits = settings.outputFormat === 'elf32' ? 32 : 64;
  }

  initialize(params: { capabilities: any; initializationOptions?: InitializationOptions; workspaceFolders?: { uri: string }[] | null; rootUri?: string | null }): InitializeResult {
    const options = params.initializationOptions ?? {};
    this.configurationSupported = !!params.capabilities?.workspace?.configuration;
    this.inlayRefreshSupported = !!params.capabilities?.workspace?.inlayHint?.refreshSupport;
    if (typeof options.trusted === 'boolean') this.trusted = options.trusted;
    this.registerWatchers = !options.clientWatchesFiles && !!params.capabilities?.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri }] : []);
    this.roots = folders.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    this.applySettings(settingsFromConfiguration(options.settings ?? {}));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        completionProvider: { triggerCharacters: [' ', ',', '%', '.'] },
        signatureHelpProvider: { triggerCharacters: [' ', ','] },
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
      },
      serverInfo: { name: 'syscall-lens', version: '0.1.0' },
    };
  }

  initialized(): void {
    if (this.configurationSupported) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'syscallLens' }).catch(() => undefined);
    }
    if (this.registerWatchers) {
      // Other editors keep the include graph fresh only if asked to watch the files.
      void this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: NASM_EXTENSIONS.map((ext) => ({ globPattern: `**/*${ext}` })),
      }).catch(() => undefined);
    }
    void this.loadSettings().then(() => {
      // Index after answering initialize, so the editor is never kept waiting.
      for (const root of this.roots) this.workspace.indexFolder(root);
      this.refreshAll();
    });
  }

  codeActions(uri: string, range: { start: { line: number }; end: { line: number } }): CodeAction[] {
    const document = this.workspace.get(uri);
    if (!document) return [];
    const analysis = this.workspace.analysis(document);
    const actions: CodeAction[] = [];
    const seenBlocks = new Set<number>();
    const bitsAt = (line: number) => document.structure.bitsAt(line, this.workspace.defaultBits);
    for (let line = range.start.line; line <= range.end.line && line < document.lineCount; line++) {
      const block = analysis.blockAt(line);
      if (seenBlocks.has(block.start)) continue;
      seenBlocks.add(block.start);
      for (const lint of lintBlock(block, document, bitsAt, analysis.entryMask(block.start))) {
        if (!lint.fix || lint.line < range.start.line || lint.line > range.end.line) continue;
        actions.push({
          title: lint.fix.title, kind: CodeActionKind.QuickFix, diagnostics: [lintToDiagnostic(lint)], isPreferred: true,
          edit: { changes: { [uri]: lint.fix.edits.map(toLspEdit) } },
        });
      }
      for (const action of namedConstantActions(block, document, range.start.line, range.end.line,
        (name) => this.workspace.constantValue(document, name, line))) {
        actions.push({ title: action.title, kind: CodeActionKind.RefactorRewrite, edit: { changes: { [uri]: action.edits.map(toLspEdit) } } });
      }
    }
    return actions;
  }
}

export function startServer(connection: Connection): LanguageServer {
  const server = new LanguageServer(connection);
  const { workspace } = server;

  connection.onInitialize((params) => server.initialize(params as Parameters<LanguageServer['initialize']>[0]));
  connection.onInitialized(() => server.initialized());
  connection.onDidChangeConfiguration((change) => {
    const fromPush = (change.settings as { syscallLens?: unknown } | undefined)?.syscallLens;
    if (fromPush) server.applySettings(settingsFromConfiguration(fromPush, server.settings));
    void server.loadSettings().then(() => {
      for (const document of workspace.all()) if (workspace.isOpen(document.uri)) server.scheduleDiagnostics(document.uri, true);
    });
  });
  connection.onNotification(TRUST_NOTIFICATION, (params: TrustParams) => {
    server.trusted = !!params.trusted;
    for (const document of workspace.all()) if (workspace.isOpen(document.uri)) void server.refreshNasm(document.uri);
  });

  connection.onDidOpenTextDocument(({ textDocument }) => {
    workspace.open(textDocument.uri, textDocument.text, textDocument.version);
    server.scheduleDiagnostics(textDocument.uri, true);
  });
  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return;
    for (const change of contentChanges) document.applyChange(change, textDocument.version);
    server.scheduleDiagnostics(textDocument.uri, false);
  });
  connection.onDidSaveTextDocument(({ textDocument }) => server.scheduleDiagnostics(textDocument.uri, true));
  connection.onDidCloseTextDocument(({ textDocument }) => {
    workspace.close(textDocument.uri);
    server.forgetDiagnostics(textDocument.uri);
    discardScratch(textDocument.uri);
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      if (change.type === 3) workspace.forget(change.uri); else workspace.refreshFromDisk(change.uri);
    }
    for (const document of workspace.all()) if (workspace.isOpen(document.uri)) server.scheduleDiagnostics(document.uri, false);
  });

  connection.onHover(({ textDocument, position }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return null;
    const hover = hoverAt(workspace, document, position.line, position.character);
    if (!hover) return null;
    return {
      contents: { kind: 'markdown', value: hover.markdown },
      range: { start: { line: hover.line, character: hover.start }, end: { line: hover.line, character: hover.end } },
    };
  });

  connection.languages.inlayHint.on(({ textDocument, range }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return [];
    const analysis = workspace.analysis(document);
    const blocks = [];
    for (let line = range.start.line; line <= Math.min(range.end.line, document.lineCount - 1);) {
      const block = analysis.blockAt(line);
      blocks.push(block);
      line = block.end + 1;
    }
    return syscallInlayHints(blocks, range.start.line, range.end.line, server.settings.inlayHints, (b) => analysis.entryMask(b.start)).map((hint) => ({
      position: { line: hint.line, character: hint.character },
      label: hint.label,
      kind: hint.kind === 'parameter' ? InlayHintKind.Parameter : undefined,
      paddingLeft: hint.kind === 'call',
      paddingRight: hint.kind === 'parameter',
    }));
  });

  connection.onCodeAction(({ textDocument, range }) => server.codeActions(textDocument.uri, range));
  registerNavigation(connection, server);
  registerEditing(connection, server);
  connection.onShutdown(() => {
    for (const document of workspace.all()) if (workspace.isOpen(document.uri)) discardScratch(document.uri);
  });
  return server;
}
