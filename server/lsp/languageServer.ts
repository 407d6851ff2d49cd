// The state one LSP connection shares across its handlers: the workspace model, settings, trust,
// the workspace folders and what the client supports.
import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS, type ServerSettings } from '../protocol';
import { uriToPath, Workspace } from '../workspace';
import { NO_CLIENT_SUPPORT, type ClientSupport } from './capabilities';
import { DiagnosticsPublisher } from './diagnostics';
import { Foreground } from './foreground';

export class LanguageServer {
  readonly workspace = new Workspace();
  settings: ServerSettings = DEFAULT_SETTINGS;
  /** Settings a workspace folder overrides, by folder path. */
  readonly folderSettings = new Map<string, ServerSettings>();
  client: ClientSupport = NO_CLIENT_SUPPORT;

  /**
   * VS Code workspace trust; other editors start trusted. In an untrusted folder nasm never runs and
   * no `%include` outside the workspace folders is read.
   */
  get trusted(): boolean { return this.workspace.trusted; }
  set trusted(trusted: boolean) { this.workspace.setTrust(trusted); }

  /** `initialize` has been answered: requests are served from now on. */
  initialized = false;
  /**
   * Reading the workspace folders' NASM files, started after `initialized`. Requests on open documents
   * never wait for it; those that must see every file (references, rename, workspace symbols) do.
   */
  indexing: Promise<void> = Promise.resolve();
  /** Workspace folders, as paths. */
  roots: string[] = [];
  readonly diagnostics: DiagnosticsPublisher;

  constructor(
    readonly connection: Connection,
    /** Background work (the index, nasm on open) waits for `foreground.idle()`: requests come first. */
    readonly foreground = new Foreground(),
  ) {
    this.diagnostics = new DiagnosticsPublisher(connection, this.workspace, (uri) => ({ settings: this.settingsFor(uri), trusted: this.trusted }), () => {
      if (this.settings.inlayHints.bytes && this.client.inlayHintRefresh) void this.connection.languages.inlayHint.refresh();
    }, () => foreground.idle());
  }

  /** The settings that apply to a file: its folder's, else the window's. */
  settingsFor(uri: string): ServerSettings {
    const file = uriToPath(uri);
    const folder = file ? this.workspace.folderOf(file) : undefined;
    return (folder && this.folderSettings.get(folder)) || this.settings;
  }

  private readonly closeListeners: ((uri: string) => void)[] = [];

  /** Lets a request family drop what it keeps for a document when the editor closes it. */
  onClose(listener: (uri: string) => void): void { this.closeListeners.push(listener); }

  /** The editor closed `uri`: everything kept for it goes. */
  closed(uri: string): void {
    for (const listener of this.closeListeners) listener(uri);
  }

  /** The documents the editor has open. */
  openDocuments() {
    return this.workspace.all().filter((document) => this.workspace.isOpen(document.uri));
  }

  /** After settings or trust change: new diagnostics, and the client asked to re-query inlay hints. */
  refreshAll(): void {
    for (const document of this.openDocuments()) this.diagnostics.schedule(document.uri, true);
    if (this.client.inlayHintRefresh) void this.connection.languages.inlayHint.refresh();
  }
}
