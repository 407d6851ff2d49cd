// Entry of the NASM language server. createConnection() picks the transport from argv
// (--stdio, --node-ipc, --socket=N), so any LSP client can run `syscall-lens lsp --stdio`.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { tuneHeapForParsing } from './runtime';
import { startServer } from './lsp/start';

tuneHeapForParsing();
// A signal ends the server through process.exit, so a nasm it started ends with it (toolchain/tools.ts).
for (const [signal, number] of [['SIGTERM', 15], ['SIGHUP', 1], ['SIGINT', 2]] as const) process.once(signal, () => process.exit(128 + number));

const connection = createConnection(ProposedFeatures.all);
startServer(connection);
connection.listen();
