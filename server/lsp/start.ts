// Wires one LSP connection to the workspace model and the features, one request family a module.
import type { Connection } from 'vscode-languageserver/node';
import { registerCodeActions, registerShellcodeBytes } from './codeActions';
import { registerCompletion } from './completion';
import { registerFormatting } from './formatting';
import { registerHover } from './hover';
import { registerInlayHints } from './inlayHints';
import { Foreground } from './foreground';
import { guardUntilInitialized } from './guard';
import { LanguageServer } from './languageServer';
import { registerLifecycle } from './lifecycle';
import { registerNavigation } from './navigation';
import { registerPresentation } from './presentation';
import { registerSettings } from './settings';
import { registerSymbols } from './symbols';
import { registerSync } from './sync';

export function startServer(connection: Connection): LanguageServer {
  // Everything but the handshake waits for `initialize` (-32002 before it).
  const foreground = new Foreground();
  const server: LanguageServer = new LanguageServer(guardUntilInitialized(connection, () => server.initialized, () => foreground.noteMessage()), foreground);
  for (const register of [
    registerLifecycle, registerSettings, registerSync, registerHover, registerInlayHints, registerCodeActions,
    registerNavigation, registerSymbols, registerCompletion, registerPresentation, registerFormatting,
    registerShellcodeBytes,
  ]) register(server);
  return server;
}
