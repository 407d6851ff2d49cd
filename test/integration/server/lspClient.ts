// A real LSP client for tests: spawns `syscall-lens lsp --stdio` (bundled from source) and speaks
// JSON-RPC to it with vscode-jsonrpc.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const ROOT = path.resolve(__dirname, '../../..');

/** Bundles the CLI and the server side by side, as dist/ has them. */
export async function bundleServer(): Promise<string> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-lsp-test-'));
  const common = { bundle: true, platform: 'node' as const, target: 'node20', format: 'cjs' as const, logLevel: 'error' as const, absWorkingDir: ROOT };
  await esbuild.build({ ...common, entryPoints: { server: 'server/main.ts', cli: 'cli/main.ts' }, outdir: out });
  return path.join(out, 'cli.js');
}

export interface PublishedDiagnostics { uri: string; diagnostics: any[] }

export class TestClient {
  readonly diagnostics = new Map<string, any[]>();
  readonly messages: { type: number; message: string }[] = [];
  /** window/logMessage lines (the editor's log). */
  readonly logs: { type: number; message: string }[] = [];
  /** client/registerCapability requests the server made. */
  readonly registrations: unknown[] = [];
  initializeResult: any;
  private readonly waiters: (() => void)[] = [];

  private constructor(readonly process: ChildProcess, readonly connection: MessageConnection) {}

  static async start(
    cli: string, initializationOptions?: unknown, rootDir?: string, settings?: unknown, capabilities: Record<string, unknown> = {},
    /** The server's environment (e.g. a private TMPDIR, to see the nasm runs it starts). */
    env?: NodeJS.ProcessEnv,
  ): Promise<TestClient> {
    const client = TestClient.spawn(cli, settings, env);
    client.initializeResult = await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: rootDir ? `file://${rootDir}` : null,
      workspaceFolders: rootDir ? [{ uri: `file://${rootDir}`, name: 'test' }] : null,
      capabilities: { workspace: { configuration: settings !== undefined }, ...capabilities },
      ...(initializationOptions !== undefined ? { initializationOptions } : {}),
    });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  /** The server started and listened to, not yet initialized. */
  static spawn(cli: string, settings?: unknown, env?: NodeJS.ProcessEnv): TestClient {
    const child = spawn(process.execPath, [cli, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], shell: false, env: env ?? process.env });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new TestClient(child, connection);
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => {
      client.diagnostics.set(p.uri, p.diagnostics);
      client.notify();
    });
    connection.onNotification('window/showMessage', (p: { type: number; message: string }) => { client.messages.push(p); client.notify(); });
    connection.onNotification('window/logMessage', (p: { type: number; message: string }) => { client.logs.push(p); client.notify(); });
    // Settings may depend on the scope asked for (a workspace folder's own settings).
    connection.onRequest('workspace/configuration', (p: { items: { scopeUri?: string }[] }) =>
      p.items.map((item) => (typeof settings === 'function' ? settings(item) : settings ?? null)));
    connection.onRequest('client/registerCapability', (p: unknown) => { client.registrations.push(p); return null; });
    connection.onRequest('workspace/inlayHint/refresh', () => null);
    connection.listen();
    return client;
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves when `predicate` holds, re-checking after every notification. */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > deadline) throw new Error('timed out waiting for the server');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  open(uri: string, text: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nasm', version: 1, text } });
  }

  request<T = any>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch { /* already gone */ }
    this.connection.dispose();
    this.process.kill();
  }
}
