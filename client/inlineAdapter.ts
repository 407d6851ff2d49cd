// The debug adapter inside the extension host (debug-adapter/inline.ts, dist/debug-adapter-inline.js),
// loaded at the first debug session so that activation does not pay for it. No node process of its own
// to start, no process hop per message. The extension answers the adapter's runInTerminal requests
// itself (programTerminal.ts), so the program's terminal shows the program and not a relay's command line.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { StartedGdb } from '../debug-adapter/session';
import type * as InlineBundle from '../debug-adapter/inline';
import { loadWithCodeCache, type CachedBundle } from '../debug-adapter/codeCache';
import { openProgramTerminal, type TerminalRequest } from './programTerminal';

/** Where the adapter's bundle is, and where its code cache is kept (the extension's global storage). */
export interface BundlePlace {
  extensionUri: vscode.Uri;
  cacheDir: string;
}

let loaded: CachedBundle<typeof InlineBundle> | undefined;

/** The adapter's bundle, loaded once, on first use, with the code cache an earlier window left (codeCache.ts). */
export function adapterBundle(place: BundlePlace): typeof InlineBundle {
  loaded ??= loadWithCodeCache<typeof InlineBundle>(path.join(place.extensionUri.fsPath, 'dist', 'debug-adapter-inline.js'), place.cacheDir);
  return loaded.exports;
}

/** Once a session has run, the cache can hold the functions it compiled; written off the way of any F5. */
function saveBundleCache(): void {
  setTimeout(() => loaded?.saveCache(), 2_000).unref();
}

/** Every session not yet ended: the extension ends them (and their processes) when it deactivates. */
const live = new Set<InlineAdapter>();

export class InlineAdapter implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private readonly session: InlineBundle.InlineSession;
  private ownSeq = 1;
  private ended: Promise<void> | undefined;

  constructor(bundle: typeof InlineBundle, ahead?: StartedGdb) {
    this.session = new bundle.InlineSession(ahead);
    this.session.onDidSendMessage((message) => this.fromAdapter(message as DebugProtocol.ProtocolMessage));
    live.add(this);
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    this.session.handleMessage(message as DebugProtocol.ProtocolMessage);
  }

  dispose(): void {
    void this.end();
  }

  /** Ends the session's whole tree (build, gdb, program, terminal relay). */
  end(): Promise<void> {
    this.ended ??= this.session.end().finally(() => {
      live.delete(this);
      this.sent.dispose();
      saveBundleCache();
    });
    return this.ended;
  }

  private fromAdapter(message: DebugProtocol.ProtocolMessage): void {
    if (message.type === 'request' && (message as DebugProtocol.Request).command === 'runInTerminal') {
      const args = (message as DebugProtocol.RunInTerminalRequest).arguments;
      // An external terminal is VS Code's to open (it knows the user's terminal emulator).
      if (args.kind !== 'external') {
        void this.runInTerminal(message.seq, args as TerminalRequest);
        return;
      }
    }
    this.sent.fire(message as vscode.DebugProtocolMessage);
  }

  private async runInTerminal(requestSeq: number, args: TerminalRequest): Promise<void> {
    const answer = { type: 'response', seq: this.ownSeq++, request_seq: requestSeq, command: 'runInTerminal' };
    try {
      const processId = await openProgramTerminal(args);
      this.handleMessage({ ...answer, success: true, body: { processId } } as vscode.DebugProtocolMessage);
    } catch (error) {
      this.handleMessage({ ...answer, success: false, message: (error as Error).message } as vscode.DebugProtocolMessage);
    }
  }
}

/** Ends every session still running (extension deactivation). */
export async function endInlineSessions(): Promise<void> {
  await Promise.all([...live].map((adapter) => adapter.end().catch(() => undefined)));
}
