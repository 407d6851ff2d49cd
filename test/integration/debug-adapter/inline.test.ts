// The adapter inside a long-lived node process, as the extension host runs it (debug-adapter/inline.ts):
// this test's own process loads the bundle and speaks DAP to it without framing, against real gdb, nasm
// and ld. Each session ends its whole tree (keeper, gdb, program, terminal relay) on disconnect and on
// dispose, never ends the host, and session after session leaves no process or listener behind.
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { findExecutable } from '../../../toolchain/tools';
import { InlineClient, loadInlineBundle, type InlineBundle } from '../../support/inlineDap';
import { buildDirectory, bundleAdapter, descendants, eventually, fixture, isGone } from './harness';

let bundle: InlineBundle;
beforeAll(async () => { bundle = loadInlineBundle(path.join(path.dirname(await bundleAdapter()), 'debug-adapter-inline.js')); });

const clients: InlineClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map(async (client) => { client.close(); await client.adapter.end(); }));
});

function newClient(answerTerminals = false, ahead?: ReturnType<InlineBundle['startGdb']>): InlineClient {
  const client = new InlineClient(new bundle.InlineSession(ahead), answerTerminals);
  clients.push(client);
  return client;
}

/** Processes this test process started that still run (zombies excepted). */
const running = () => descendants(process.pid).filter((p) => !isGone(p.pid));


async function programPid(client: InlineClient): Promise<number> {
  const reply = await client.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: '-exec info inferiors', context: 'repl' });
  return Number(/process (\d+)/.exec(reply.body.result)![1]);
}

async function topLine(client: InlineClient): Promise<number> {
  const trace = await client.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1, levels: 1 });
  return trace.body.stackFrames[0]!.line;
}

const HELLO = fixture('hello.asm');
const launchHello = (client: InlineClient, extra: Record<string, unknown> = {}, initialize = {}) =>
  client.launch({ program: HELLO, terminal: 'none', buildDirectory: buildDirectory(), ...extra }, initialize);

describe('the adapter in the host process', () => {
  it('launches, steps, stops at a syscall, and a disconnect ends the keeper, gdb and the program', async () => {
    const before = new Set(running().map((p) => p.pid));
    const client = newClient();
    const first = await launchHello(client);
    expect(first.body.reason).toBe('entry');
    const entryLine = await topLine(client);

    const stepped = client.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    await client.request('next', { threadId: 1 });
    expect((await stepped).body.reason).toBe('step');
    expect(await topLine(client)).toBe(entryLine + 1);

    await client.request('setExceptionBreakpoints', { filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'write' }] });
    const atSyscall = client.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    await client.request('continue', { threadId: 1 });
    const syscall = await atSyscall;
    expect(syscall.body.reason).toBe('syscall');
    expect(syscall.body.description).toMatch(/^syscall write\(fd=1 \(stdout\), buf=0x[0-9a-f]+ \("Hello, world!", 10\), count=14\)$/);

    const program = await programPid(client);
    const started = running().filter((p) => !before.has(p.pid));
    expect(started.some((p) => p.pid === program)).toBe(true);
    expect(started.some((p) => /keeper\.py/.test(p.command))).toBe(true);
    expect(started.some((p) => /gdb --interpreter=mi3/.test(p.command))).toBe(true);

    await client.request('disconnect', {});
    expect(await eventually(() => started.every((p) => isGone(p.pid)))).toBe(true);
  });

  it('a session disposed at a stop (VS Code closing it, the extension deactivating) ends its tree', async () => {
    const before = new Set(running().map((p) => p.pid));
    const client = newClient();
    await launchHello(client);
    const program = await programPid(client);
    const started = running().filter((p) => !before.has(p.pid));
    expect(started.map((p) => p.pid)).toContain(program);
    await client.adapter.end();
    expect(await eventually(() => started.every((p) => isGone(p.pid)))).toBe(true);
  });

  it('answers runInTerminal through the host, and the terminal relay ends with the session', async () => {
    const client = newClient(true);
    await launchHello(client, { terminal: 'integrated' }, { supportsRunInTerminalRequest: true });
    const [relay] = client.terminals;
    expect(relay?.pid).toBeDefined();
    // python3 runs the relay, not gdb's Python: its start-up is on the way to the first stop.
    expect(path.basename(relay!.spawnfile)).toMatch(/^python3/);
    let shown = '';
    relay!.stdout!.on('data', (chunk: Buffer) => { shown += chunk.toString(); });
    const exited = client.waitForEvent<DebugProtocol.ExitedEvent>('exited');
    await client.request('continue', { threadId: 1 });
    expect((await exited).body.exitCode).toBe(10);
    expect(await eventually(() => shown.includes('Hello, world!'))).toBe(true);
    await client.request('disconnect', {});
    expect(await eventually(() => isGone(relay!.pid!))).toBe(true);
  });

  it('debugs with a gdb the host started ahead (as the build starts), and ends one no session took', async () => {
    const ahead = bundle.startGdb(findExecutable('gdb')!);
    const keeper = (await ahead.gdb).pid!;
    const client = newClient(false, ahead);
    await launchHello(client);
    const program = await programPid(client);
    // The program runs under that gdb: program → gdb → the keeper the host started.
    expect(descendants(keeper).map((p) => p.pid)).toContain(program);
    await client.request('disconnect', {});
    expect(await eventually(() => isGone(keeper))).toBe(true);

    const unused = bundle.startGdb(ahead.gdbPath);
    const unusedKeeper = (await unused.gdb).pid!;
    bundle.endGdb(unused);
    expect(await eventually(() => isGone(unusedKeeper))).toBe(true);
  });

  it('never ends the host: its client going away is no reason to exit', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    try {
      const client = newClient();
      await launchHello(client);
      client.close();
      // What DebugSession does when its input stream closes or fails.
      client.adapter.emit('close', {});
      client.adapter.emit('error', {});
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(exit).not.toHaveBeenCalled();
    } finally {
      exit.mockRestore();
    }
  });

  it('session after session leaves no process, listener or handle behind', async () => {
    const events = ['exit', 'beforeExit', 'SIGTERM', 'SIGINT', 'SIGHUP', 'uncaughtException', 'unhandledRejection'] as const;
    const listeners = () => events.map((event) => process.listenerCount(event));
    // Handles by kind (timers, pipes, processes); the test runner's own come and go, so none may be added.
    const handles = () => {
      const counts: Record<string, number> = {};
      for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
      return counts;
    };
    const added = (now: Record<string, number>) => Object.entries(now).filter(([kind, n]) => n > (before.handles[kind] ?? 0)).map(([kind]) => kind);
    const before = { listeners: listeners(), pids: new Set(running().map((p) => p.pid)), handles: handles() };
    // Processes started since (an earlier test's may still be ending: they are not this test's concern).
    const started = () => running().filter((p) => !before.pids.has(p.pid));
    for (let i = 0; i < 3; i++) {
      const client = newClient();
      await launchHello(client);
      const stepped = client.waitForEvent('stopped');
      await client.request('next', { threadId: 1 });
      await stepped;
      await client.request('disconnect', {});
      client.close();
      clients.splice(clients.indexOf(client), 1);
    }
    await eventually(() => started().length === 0);
    expect(started()).toEqual([]);
    expect(listeners()).toEqual(before.listeners);
    // Timers and pipes of the sessions are gone too (gdb's kill timer is cleared when it exits).
    await eventually(() => added(handles()).length === 0);
    expect(added(handles())).toEqual([]);
  });
});
