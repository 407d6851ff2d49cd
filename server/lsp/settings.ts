// Settings (workspace/configuration, pushed didChangeConfiguration, initializationOptions) and trust.
import { settingsFromConfiguration, TRUST_NOTIFICATION, type ServerSettings, type TrustParams } from '../protocol';
import type { LanguageServer } from './languageServer';

export function applySettings(server: LanguageServer, settings: ServerSettings): void {
  server.settings = settings;
  server.workspace.setFolders(server.roots);
  server.workspace.includePaths = settings.includePaths;
  server.workspace.defaultBits = settings.outputFormat === 'elf32' ? 32 : 64;
}

/** Asks the client for the `syscallLens` section, when it can answer. */
export async function loadSettings(server: LanguageServer): Promise<void> {
  if (!server.client.configuration) return;
  const section = await server.connection.workspace.getConfiguration({ section: 'syscallLens' }).catch(() => undefined);
  if (section) applySettings(server, settingsFromConfiguration(section, server.settings));
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
