// Entry of the NASM language server. createConnection() picks the transport from argv
// (--stdio, --node-ipc, --socket=N), so any LSP client can run `syscall-lens lsp --stdio`.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { tuneHeapForParsing } from './runtime';
import { startServer } from './lsp/start';

tuneHeapForParsing();

const connection = createConnection(ProposedFeatures.all);
startServer(connection);
connection.listen();
