// Starts the NASM language server (dist/server.js) over IPC and keeps it told about settings and
// workspace trust. Everything language-specific lives in the server.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { TRUST_NOTIFICATION, type InitializationOptions, type ServerSettings, type TrustParams } from '../server/protocol';
import { readConfig } from './config';
import { COMMANDS, SETTINGS, SETTINGS_SECTION } from './contributions';
import { registerShellcode } from './shellcode';

let client: LanguageClient | undefined;

/** The server's view of the settings, from the one typed reading of them in config.ts. */
function serverSettings(scope?: vscode.ConfigurationScope): ServerSettings {
  const config = readConfig(scope);
  return {
    nasmPath: config.tools.nasm,
    includePaths: config.includePaths,
    defines: config.defines,
    outputFormat: config.outputFormat,
    diagnosticsEnabled: config.diagnosticsEnabled,
    nasmLimits: config.nasmLimits,
    inlayHints: config.inlayHints,
    buildDirectory: config.buildDirectory ?? '',
  };
}

export async function startLanguageClient(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const initializationOptions: InitializationOptions = { settings: serverSettings(), trusted: vscode.workspace.isTrusted, clientWatchesFiles: true };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{asm,nasm,inc}');
  context.subscriptions.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'nasm' }],
    initializationOptions,
    synchronize: { fileEvents: watcher },
    middleware: {
      workspace: {
        // Answer workspace/configuration with the typed settings rather than the raw section.
        configuration: (params, token, next) => {
          if (params.items.every((item) => item.section === SETTINGS_SECTION)) {
            return params.items.map((item) => serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined));
          }
          return next(params, token);
        },
      },
    },
  };
  client = new LanguageClient('syscallLens', 'Syscall Lens (NASM)', serverOptions, clientOptions);
  registerShellcode(context, client);
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.toggleBytes, toggleBytes),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void client?.sendNotification(TRUST_NOTIFICATION, { trusted: true } satisfies TrustParams);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SETTINGS_SECTION)) void client?.sendNotification('workspace/didChangeConfiguration', { settings: null });
    }),
  );
  await client.start();
}

export async function stopLanguageClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.stop();
}

/** The bytes inlay hints on or off, for every folder (the server re-reads its settings on the change). */
async function toggleBytes(): Promise<void> {
  const setting = SETTINGS.inlayHintsBytes;
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const on = !config.get<boolean>(setting.key, setting.default);
  await config.update(setting.key, on, vscode.ConfigurationTarget.Global);
  if (on && !vscode.workspace.isTrusted) {
    void vscode.window.showInformationMessage('The bytes come from nasm, which Syscall Lens runs only in a trusted folder.');
  }
}
