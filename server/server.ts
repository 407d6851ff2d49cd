// Wires the LSP connection to the workspace model and the feature modules. Each handler only
// translates between LSP types and the features; the features know nothing about LSP transport.
import * as path from 'node:path';
import {
  CodeActionKind, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, InlayHintKind, TextDocumentSyncKind,
  type CodeAction, type Connection, type InitializeResult,
} from 'vscode-languageserver/node';
import { DiagnosticsPublisher, lintToDiagnostic } from './diagnostics';
import { registerEditing, SEMANTIC_TOKENS_LEGEND } from './features/editingHandlers';
import { hoverAt } from './features/hover';
import { syscallInlayHints } from './features/inlayHints';
import { namedConstantActions } from './features/namedConstant';
import { registerNavigation } from './features/navigationHandlers';
import { lintBlock, type Edit } from './features/syscallLints';
import { discardScratch } from './nasmDiagnostics';
import {
  DEFAULT_SETTINGS, settingsFromConfiguration, TRUST_NOTIFICATION, type InitializationOptions, type ServerSettings, type TrustParams,
} from './protocol';
import { NASM_EXTENSIONS, uriToPath, Workspace } from './workspace';

function toLspEdit(edit: Edit) {
  return { range: { start: { line: edit.line, character: edit.start }, end: { line: edit.line, character: edit.end } }, newText: edit.newText };
}

export class LanguageServer {
  readonly workspace = new Workspace();
  settings: ServerSettings = DEFAULT_SETTINGS;
  trusted = true;
  private configurationSupported = false;
  private inlayRefreshSupported = false;
  private registerWatchers = false;
  private roots: string[] = [];
  readonly diagnostics: DiagnosticsPublisher;

  constructor(readonly connection: Connection) {
    this.diagnostics = new DiagnosticsPublisher(connection, this.workspace, () => ({ settings: this.settings, trusted: this.trusted }));
  }

  /** After settings or trust change: new diagnostics, and the client asked to re-query inlay hints. */
  refreshAll(): void {
    for (const document of this.workspace.all()) {
      if (this.workspace.isOpen(document.uri)) this.diagnostics.schedule(document.uri, true);
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
    void server.loadSettings().then(() => server.refreshAll());
  });
  connection.onNotification(TRUST_NOTIFICATION, (params: TrustParams) => {
    server.trusted = !!params.trusted;
    for (const document of workspace.all()) if (workspace.isOpen(document.uri)) void server.diagnostics.refreshNasm(document.uri);
  });

  connection.onDidOpenTextDocument(({ textDocument }) => {
    workspace.open(textDocument.uri, textDocument.text, textDocument.version);
    server.diagnostics.schedule(textDocument.uri, true);
  });
  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const document = workspace.get(textDocument.uri);
    if (!document) return;
    for (const change of contentChanges) document.applyChange(change, textDocument.version);
    server.diagnostics.schedule(textDocument.uri, false);
  });
  connection.onDidSaveTextDocument(({ textDocument }) => server.diagnostics.schedule(textDocument.uri, true));
  connection.onDidCloseTextDocument(({ textDocument }) => {
    workspace.close(textDocument.uri);
    server.diagnostics.forget(textDocument.uri);
    discardScratch(textDocument.uri);
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      if (change.type === 3) workspace.forget(change.uri); else workspace.refreshFromDisk(change.uri);
    }
    for (const document of workspace.all()) if (workspace.isOpen(document.uri)) server.diagnostics.schedule(document.uri, false);
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
    server.diagnostics.dispose();
    for (const document of workspace.all()) if (workspace.isOpen(document.uri)) discardScratch(document.uri);
  });
  return server;
}
