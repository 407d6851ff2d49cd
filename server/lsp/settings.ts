// Settings (workspace/configuration, pushed didChangeConfiguration, initializationOptions) and trust.
import { settingsFromConfiguration, TRUST_NOTIFICATION, type ServerSettings, type TrustParams } from '../protocol';
import { pathToUri } from '../workspace';
import type { LanguageServer } from './languageServer';

export function applySettings(server: LanguageServer, settings: ServerSettings): void {
  server.settings = settings;
  server.workspace.setFolders(server.roots);
  server.workspace.includePaths = settings.includePaths;
  server.workspace.setDefines(undefined, settings.defines);
  server.workspace.defaultBits = settings.outputFormat === 'elf32' ? 32 : 64;
}

/** A folder's own settings (VS Code: the folder's .vscode/settings.json over the window's). */
export function applyFolderSettings(server: LanguageServer, folder: string, settings: ServerSettings): void {
  server.folderSettings.set(folder, settings);
  server.workspace.folderIncludePaths.set(folder, settings.includePaths);
  server.workspace.setDefines(folder, settings.defines);
}

/** Asks the client for the `syscallLens` section, for the window and for each workspace folder, when it can answer. */
export async function loadSettings(server: LanguageServer): Promise<void> {
  if (!server.client.configuration) return;
  const items = [{ section: 'syscallLens' }, ...server.roots.map((root) => ({ section: 'syscallLens', scopeUri: pathToUri(root) }))];
  const sections: unknown[] | undefined = await server.connection.workspace.getConfiguration(items).catch(() => undefined);
  if (!sections?.[0]) return;
  applySettings(server, settingsFromConfiguration(sections[0], server.settings));
  server.roots.forEach((root, i) => {
    if (sections[i + 1]) applyFolderSettings(server, root, settingsFromConfiguration(sections[i + 1], server.settings));
  });
}

export function registerSettings(server: LanguageServer): void {
  const { connection } = server;
  connection.onDidChangeConfiguration((change) => {
    const pushed = (change.settings as { syscallLens?: unknown } | undefined)?.syscallLens;
    if (pushed) applySettings(server, settingsFromConfiguration(pushed, server.settings));
    void loadSettings(server).then(() => server.refreshAll());
  });
  connection.onNotification(TRUST_NOTIFICATION, (params: TrustParams) => {
    server.trusted = !!params.trusted;
    // Trust decides which includes are read, so lints and hints change with it, not only nasm's messages.
    server.refreshAll();
  });
}
