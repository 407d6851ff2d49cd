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
    // Index after answering initialize and in short slices, each after every message already received
    // has been handled, so the editor is never kept waiting: open documents are answered in between,
    // and the diagnostics are refreshed with the whole project once read.
    server.indexing = loadSettings(server).then(async () => {
      const started = performance.now();
      let files = 0;
      for (const root of server.roots) files += await server.workspace.indexFolderInBackground(root, { pause: () => server.foreground.idle() });
      connection.console.log(`Indexed ${files} NASM file${files === 1 ? '' : 's'} in the workspace in ${Math.round(performance.now() - started)} ms.`);
      server.refreshAll();
    }).catch((error: unknown) => connection.console.error(`Indexing the workspace failed: ${error instanceof Error ? error.message : String(error)}`));
  });

  connection.onShutdown(() => {
    server.diagnostics.dispose();
    for (const document of server.openDocuments()) discardScratch(document.uri);
  });
}
