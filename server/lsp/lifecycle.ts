// initialize, initialized, shutdown.
import {
  DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { version } from '../../package.json';
import { discardScratch } from '../nasmDiagnostics';
import { settingsFromConfiguration, type InitializationOptions } from '../protocol';
import { NASM_EXTENSIONS, uriToPath } from '../workspace';
import { clientSupport, serverCapabilities } from './capabilities';
import type { LanguageServer } from './languageServer';
import { applySettings, loadSettings } from './settings';

const SERVER_NAME = 'syscall-lens';

export function registerLifecycle(server: LanguageServer): void {
  const { connection } = server;
  let clientWatchesFiles = false;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const options: InitializationOptions = params.initializationOptions ?? {};
    server.client = clientSupport(params.capabilities);
    if (typeof options.trusted === 'boolean') server.trusted = options.trusted;
    clientWatchesFiles = !!options.clientWatchesFiles;
    const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri }] : []);
    server.roots = folders.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    applySettings(server, settingsFromConfiguration(options.settings ?? {}));
    server.initialized = true;
    return { capabilities: serverCapabilities(), serverInfo: { name: SERVER_NAME, version } };
  });

  connection.onInitialized(() => {
    if (server.client.configuration && server.client.configurationRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'syscallLens' }).catch(() => undefined);
    }
    if (!clientWatchesFiles && server.client.watcherRegistration) {
      // Other editors keep the include graph fresh only if asked to watch the files.
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: NASM_EXTENSIONS.map((ext) => ({ globPattern: `**/*${ext}` })),
      }).catch(() => undefined);
    }
    void loadSettings(server).then(() => {
      // Index after answering initialize, so the editor is never kept waiting.
      for (const root of server.roots) server.workspace.indexFolder(root);
      server.refreshAll();
    });
  });

  connection.onShutdown(() => {
    server.diagnostics.dispose();
    for (const document of server.openDocuments()) discardScratch(document.uri);
  });
}
