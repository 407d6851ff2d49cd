// A DAP client in the same process as the adapter, as VS Code's extension host holds the inline adapter
// (debug-adapter/inline.ts): messages go in through handleMessage and come back through
// onDidSendMessage, with no framing and no process between. Used by the inline integration test and the
// debugger bench. runInTerminal is answered by `runInTerminal` when given, as the extension does.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** What the inline bundle (dist/debug-adapter-inline.js) exports: debug-adapter/inline.ts. */
export type InlineBundle = typeof import('../../debug-adapter/inline');
export type InlineAdapter = import('../../debug-adapter/inline').InlineSession;

type Waiter = { event: string; resolve: (event: DebugProtocol.Event) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

export class InlineClient {
  private seq = 1;
  private readonly pending = new Map<number, { resolve: (r: DebugProtocol.Response) => void; reject: (e: Error) => void }>();
  private waiters: Waiter[] = [];
  /** Every event so far, oldest first. */
  readonly events: DebugProtocol.Event[] = [];
  /** The relays started for runInTerminal requests (ended by the session's end, as in the extension). */
  readonly terminals: ChildProcess[] = [];
  private readonly subscription: { dispose(): void };
  timeoutMs = 45_000;

  constructor(readonly adapter: InlineAdapter, private readonly answerTerminals = false) {
    this.subscription = adapter.onDidSendMessage((message) => this.receive(message as DebugProtocol.ProtocolMessage));
  }

  request<R extends DebugProtocol.Response = DebugProtocol.Response>(command: string, args?: unknown): Promise<R> {
    const seq = this.seq++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(seq, {
        resolve: (response) => (response.success ? resolve(response as R) : reject(new Error(response.message ?? `${command} failed`))),
        reject,
      });
      this.adapter.handleMessage({ type: 'request', seq, command, arguments: args } as DebugProtocol.Request);
    });
  }

  waitForEvent<E extends DebugProtocol.Event = DebugProtocol.Event>(event: string, timeoutMs = this.timeoutMs): Promise<E> {
    return new Promise<E>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${event} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = { event, resolve: resolve as (e: DebugProtocol.Event) => void, reject, timer };
      this.waiters.push(waiter);
    });
  }

  /** initialize, then launch with configurationDone after `initialized`; resolves with the first stop. */
  async launch(args: Record<string, unknown>, initialize: Partial<DebugProtocol.InitializeRequestArguments> = {}): Promise<DebugProtocol.StoppedEvent> {
    const stopped = this.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    await this.request('initialize', { adapterID: 'syscall-gdb', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', ...initialize });
    const configured = this.waitForEvent('initialized').then(() => this.request('configurationDone'));
    await Promise.all([configured, this.request('launch', args)]);
    return stopped;
  }

  /** Stops listening; the adapter itself is the caller's to end. */
  close(): void {
    this.subscription.dispose();
    for (const waiter of this.waiters) clearTimeout(waiter.timer);
    this.waiters = [];
  }

  private receive(message: DebugProtocol.ProtocolMessage): void {
    if (message.type === 'response') {
      const response = message as DebugProtocol.Response;
      const pending = this.pending.get(response.request_seq);
      this.pending.delete(response.request_seq);
      pending?.resolve(response);
    } else if (message.type === 'event') {
      const event = message as DebugProtocol.Event;
      this.events.push(event);
      const waiter = this.waiters.find((w) => w.event === event.event);
      if (!waiter) return;
      this.waiters = this.waiters.filter((w) => w !== waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(event);
    } else if (message.type === 'request') {
      this.answer(message as DebugProtocol.Request);
    }
  }

  /** runInTerminal as the extension runs it (client/programTerminal.ts): the command with pipes, no shell. */
  private answer(request: DebugProtocol.Request): void {
    const reply = (body: Partial<DebugProtocol.Response>) => this.adapter.handleMessage({
      type: 'response', seq: this.seq++, request_seq: request.seq, command: request.command, success: true, ...body,
    } as DebugProtocol.Response);
    if (request.command !== 'runInTerminal' || !this.answerTerminals) return reply({ success: false, message: `${request.command} is not supported` });
    const args = request.arguments as DebugProtocol.RunInTerminalRequestArguments;
    const env = { ...process.env };
    for (const [key, value] of Object.entries(args.env ?? {})) {
      if (value === null) delete env[key];
      else env[key] = value;
    }
    const [file, ...rest] = args.args;
    const child = spawn(file!, rest, { cwd: args.cwd || undefined, env, shell: false, stdio: ['pipe', 'pipe', 'ignore'] });
    this.terminals.push(child);
    child.once('spawn', () => reply({ body: { processId: child.pid } }));
    child.once('error', (error) => reply({ success: false, message: error.message }));
  }
}

/** Loads the inline bundle fresh into this process (as the extension host does on its first F5). */
export function loadInlineBundle(file: string): InlineBundle {
  const absolute = path.resolve(file);
  return createRequire(absolute)(absolute) as InlineBundle;
}
