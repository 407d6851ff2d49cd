// The background nasm runs behind diagnostics are bounded: a memory (address-space) limit and a time
// limit stop a runaway input with a diagnostic that says which limit, at most one run per unit is alive,
// and a newer text cancels (kills) the older run. Real nasm, real prlimit, the real server over stdio.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../../toolchain/tools';
import { bundleServer, TestClient } from './lspClient';

const hasTools = !!findExecutable('nasm') && !!findExecutable('prlimit');
let cli: string;
let dir: string;
/** The server's own TMPDIR: every nasm it starts names a file under it, so /proc shows ours only. */
let serverTmp: string;

/** Live processes whose command line names the server's scratch folder (its nasm runs). */
function nasmRunsAlive(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (cmdline.includes(serverTmp) && state !== 'Z') pids.push(Number(entry));
    } catch { /* ended meanwhile */ }
  }
  return pids;
}

/** Samples the live runs every 25 ms until stopped: the most seen at once and every pid seen. */
function watchRuns(): { stop: () => { most: number; pids: Set<number> } } {
  let most = 0;
  const pids = new Set<number>();
  const timer = setInterval(() => {
    const alive = nasmRunsAlive();
    most = Math.max(most, alive.length);
    for (const pid of alive) pids.add(pid);
  }, 25);
  return { stop: () => { clearInterval(timer); return { most, pids }; } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A definition doubled 100 times: 2^100 copies of `a` — nasm would eat all memory. */
const MACRO_BOMB = ['section .text', 'global _start', '_start:', '%define grow a', '%rep 100', '%xdefine grow grow grow', '%endrep', '  mov eax, 60', '  syscall', ''].join('\n');
/** Ten million preprocessor steps (tens of seconds), then a reference to `name`, which is undefined. */
const slowThenUndefined = (name: string) => ['%assign n 0', '%rep 10000', '%rep 1000', '%assign n n+1', '%endrep', '%endrep',
  'section .text', 'global _start', '_start:', `  mov eax, ${name}`, '  syscall', ''].join('\n');
const quickThenUndefined = (name: string) => ['section .text', 'global _start', '_start:', `  mov eax, ${name}`, '  syscall', ''].join('\n');

beforeAll(async () => {
  if (!hasTools) return;
  cli = await bundleServer();
  dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-nasm-limits-'));
  serverTmp = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-nasm-limits-tmp-'));
  mkdirSync(path.join(dir, 'src'));
});

afterAll(() => {
  if (!hasTools) return;
  rmSync(dir, { recursive: true, force: true });
  rmSync(serverTmp, { recursive: true, force: true });
});

async function startServer(limits: { memoryMB: number; timeSeconds: number }): Promise<TestClient> {
  return TestClient.start(cli, { settings: { nasmLimits: limits } }, dir, undefined, {}, { ...process.env, TMPDIR: serverTmp });
}

const uri = (name: string) => `file://${path.join(dir, 'src', name)}`;
const messagesOf = (client: TestClient, name: string): string[] => (client.diagnostics.get(uri(name)) ?? []).map((d) => d.message as string);

describe.skipIf(!hasTools)('bounded nasm runs', () => {
  it('a macro that grows without bound is stopped by the memory limit, says so, and leaves nothing running', async () => {
    const client = await startServer({ memoryMB: 256, timeSeconds: 60 });
    try {
      await client.open(uri('bomb.asm'), MACRO_BOMB);
      const stopped = await client.waitFor(() => messagesOf(client, 'bomb.asm').find((m) => m.startsWith('nasm stopped')), 50_000);
      expect(stopped).toContain('used more than 256 MB (limit syscallLens.diagnostics.nasmMemoryLimitMB)');
      const diagnostic = client.diagnostics.get(uri('bomb.asm'))!.find((d) => d.message === stopped);
      expect(diagnostic.severity).toBe(1);
      // nasm names the line it was on: the doubling inside the %rep.
      expect(diagnostic.range.start.line).toBe(5);
      expect(client.logs.some((l) => l.message.includes('nasm stopped: used more than 256 MB'))).toBe(true);
      expect(nasmRunsAlive()).toEqual([]);
    } finally {
      await client.stop();
    }
  });

  it('a run longer than the time limit is stopped and says so', async () => {
    const client = await startServer({ memoryMB: 1024, timeSeconds: 1 });
    try {
      await client.open(uri('slow.asm'), slowThenUndefined('never_reached'));
      const stopped = await client.waitFor(() => messagesOf(client, 'slow.asm').find((m) => m.startsWith('nasm stopped')), 30_000);
      expect(stopped).toContain('ran longer than 1 s (limit syscallLens.diagnostics.nasmTimeLimitSeconds)');
      await client.waitFor(() => nasmRunsAlive().length === 0, 5_000);
    } finally {
      await client.stop();
    }
  });

  it('edits while nasm runs cancel the older run: one run at a time, and the diagnostics are those of the latest text', async () => {
    const client = await startServer({ memoryMB: 1024, timeSeconds: 60 });
    const watch = watchRuns();
    try {
      const file = uri('edited.asm');
      // Each text takes nasm tens of seconds; a new one arrives every 0.7 s (the debounce is 0.6 s).
      await client.open(file, slowThenUndefined('first_name'));
      await sleep(700);
      for (const [version, name] of [[2, 'second_name'], [3, 'third_name']] as const) {
        await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: file, version }, contentChanges: [{ text: slowThenUndefined(name) }] });
        await sleep(700);
      }
      // The last text is quick: only its run completes.
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: file, version: 4 }, contentChanges: [{ text: quickThenUndefined('last_name') }] });
      const messages = await client.waitFor(() => {
        const now = messagesOf(client, 'edited.asm');
        return now.some((m) => m.includes('last_name')) && now;
      }, 30_000);
      expect(messages.join('\n')).not.toMatch(/first_name|second_name|third_name/);
      const { most, pids } = watch.stop();
      expect(most).toBe(1);
      expect(pids.size).toBeGreaterThanOrEqual(2);
      expect(client.logs.filter((l) => l.message.includes('nasm run cancelled')).length).toBeGreaterThanOrEqual(2);
      await client.waitFor(() => nasmRunsAlive().length === 0, 5_000);
    } finally {
      watch.stop();
      await client.stop();
    }
  });

  it('closing the file ends its run', async () => {
    const client = await startServer({ memoryMB: 1024, timeSeconds: 60 });
    try {
      await client.open(uri('closed.asm'), slowThenUndefined('whatever'));
      await client.waitFor(() => nasmRunsAlive().length === 1, 10_000);
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uri('closed.asm') } });
      await client.waitFor(() => nasmRunsAlive().length === 0, 5_000);
      await client.waitFor(() => client.logs.some((l) => l.message.includes('nasm run cancelled')), 5_000);
    } finally {
      await client.stop();
    }
  });
});
