// The language server in this process, over a pair of in-memory JSON-RPC streams, with a client
// connection to drive it: for benches that measure the server's own event loop and heap.
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../../server/lsp/start';

export interface InProcessServer {
  client: MessageConnection;
  /** Resolves when the server logs that the workspace index is complete. */
  indexed: Promise<void>;
  /**
   * The next nasm listing: the server asks the client to refresh inlay hints after each one (with
   * `inlayHints.bytes` on and the client's refreshSupport), whether or not nasm had anything to say.
   */
  nextListing: () => Promise<void>;
  stop: () => Promise<void>;
}

/** A step that never answers fails the run, naming the step. */
export function within<T>(promise: Promise<T>, what: string, ms = 120_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer to ${what} within ${ms / 1000} s`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts a server, initialized on `folder` with `settings` (initializationOptions), not yet sent `initialized`. */
export async function startInProcessServer(folder: string, settings: Record<string, unknown>): Promise<InProcessServer> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  const server = startServer(serverConnection);
  serverConnection.listen();
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const indexed = new Promise<void>((resolve) => client.onNotification('window/logMessage', (p: { message: string }) => {
    if (p.message.startsWith('Indexed ')) resolve();
  }));
  const listingWaiters: (() => void)[] = [];
  client.onRequest('workspace/inlayHint/refresh', () => {
    for (const resolve of listingWaiters.splice(0)) resolve();
    return null;
  });
  client.listen();
  const folderUri = `file://${folder}`;
  await within(client.sendRequest('initialize', {
    processId: process.pid, rootUri: folderUri, workspaceFolders: [{ uri: folderUri, name: 'bench' }], capabilities: { workspace: { inlayHint: { refreshSupport: true } } },
    initializationOptions: { settings },
  }), 'initialize');
  return {
    client,
    indexed: within(indexed, 'the index'),
    nextListing: () => within(new Promise<void>((resolve) => { listingWaiters.push(resolve); }), 'the next nasm listing'),
    stop: async () => {
      await within(client.sendRequest('shutdown'), 'shutdown');
      client.dispose();
      server.diagnostics.dispose();
      serverConnection.dispose();
      toServer.destroy();
      toClient.destroy();
    },
  };
}
