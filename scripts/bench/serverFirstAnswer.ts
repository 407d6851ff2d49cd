// First answer on a large workspace, as an editor sees it: the language server is spawned (dist/server.js
// over stdio, as `syscall-lens lsp --stdio` runs it) on a folder of ~160 000 generated lines; the client
// answers workspace/configuration (nasm diagnostics on, the default), sends initialized, opens one file and
// hovers its first `syscall` at once. Printed: the time from spawn to that answer (target ≤ 300 ms) against
// the same server on a folder holding only that file's project and against `node -e 0` (node's own start),
// all in the same run; the server's CPU time when it answered; and hovers while the index is still running
// against the same hovers once it is done.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { within } from '../../test/support/inProcessServer';
import { writeGeneratedWorkspace } from '../../test/support/nasmWorkspace';

const WORKSPACE_LINES = 160_000;
const RUNS = 5;
const SERVER = path.resolve('dist', 'server.js');
const INDEXED = /^Indexed (\d+) NASM files?/;

/** CPU time (user + system) a live process has used, in ms (Linux clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Run {
  initializeMs: number;
  hoverMs: number;
  hoverCpuMs: number;
  /** Hovers answered while the index was still running, and after it, in ms (wall). */
  whileIndexing: number[];
  afterIndex: number[];
}

type Hover = { contents: { value: string } } | null;

/** Spawns the server on `folder`, opens `file` and hovers it at once; then hovers again and again until the index is done. */
async function firstAnswer(folder: string, file: string): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], shell: false });
  const client: MessageConnection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let indexDone = false;
  const indexed = new Promise<void>((resolve) => client.onNotification('window/logMessage', (p: { message: string }) => {
    if (INDEXED.test(p.message)) { indexDone = true; resolve(); }
  }));
  client.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ diagnosticsEnabled: true })));
  for (const method of ['client/registerCapability', 'workspace/inlayHint/refresh', 'workspace/semanticTokens/refresh']) client.onRequest(method, () => null);
  client.onNotification('textDocument/publishDiagnostics', () => undefined);
  client.onNotification('window/showMessage', () => undefined);
  client.listen();
  try {
    const folderUri = `file://${folder}`;
    await within(client.sendRequest('initialize', {
      processId: process.pid, rootUri: folderUri, workspaceFolders: [{ uri: folderUri, name: 'bench' }],
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, inlayHint: { refreshSupport: true } } },
    }), 'initialize');
    const initializeMs = performance.now() - started;
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const uri = `file://${file}`;
    const hover = (line: number) => client.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: { line, character: 10 } });
    void client.sendNotification('initialized', {});
    void client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nasm', version: 1, text } });
    const syscallLine = lines.findIndex((l) => l.trim() === 'syscall');
    const first = await within(hover(syscallLine), 'the first hover');
    const hoverMs = performance.now() - started;
    const hoverCpuMs = cpuMs(child.pid!);
    if (!first?.contents.value.includes('exit')) throw new Error(`the first hover did not explain the exit call: ${JSON.stringify(first)}`);
    // Hovers on lines all over the file, one after the other, while the index runs; then as many after it.
    const timed = async (line: number) => { const start = performance.now(); await hover(line); return performance.now() - start; };
    const whileIndexing: number[] = [];
    for (let i = 0; !indexDone; i++) whileIndexing.push(await timed((i * 37) % lines.length));
    await within(indexed, 'the index');
    const afterIndex: number[] = [];
    for (let i = 0; i < Math.max(whileIndexing.length, 50); i++) afterIndex.push(await timed((i * 37) % lines.length));
    return { initializeMs, hoverMs, hoverCpuMs, whileIndexing, afterIndex };
  } finally {
    await within(client.sendRequest('shutdown'), 'shutdown').catch(() => undefined);
    void client.sendNotification('exit');
    await new Promise<void>((resolve) => { if (child.exitCode !== null) resolve(); else child.once('exit', () => resolve()); });
    client.dispose();
  }
}

/** `node -e 0` from spawn to exit: what node's own start costs on this machine now. */
async function nodeStart(): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve) => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore', shell: false }).once('exit', () => resolve()));
  return performance.now() - started;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const median = (values: number[]) => percentile(values, 50);
const ms = (v: number) => `${v.toFixed(0)} ms`;
const range = (values: number[]) => `${ms(median(values))} (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`;

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-bench-first-'));
  try {
    const large = path.join(root, 'large');
    const files = writeGeneratedWorkspace(large, WORKSPACE_LINES);
    const opened = files.find((f) => f.endsWith(path.join('project3', 'module5.asm')))!;
    // The same project (the file and its two includes) alone in a folder.
    const small = path.join(root, 'small', 'project3');
    mkdirSync(small, { recursive: true });
    for (const name of ['module5.asm', 'consts.inc', 'macros.inc']) writeFileSync(path.join(small, name), readFileSync(path.join(path.dirname(opened), name)));

    const node: number[] = [];
    const alone: Run[] = [];
    const inLarge: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      node.push(await nodeStart());
      alone.push(await firstAnswer(path.dirname(small), path.join(small, 'module5.asm')));
      inLarge.push(await firstAnswer(large, opened));
    }
    const first = inLarge.map((r) => r.hoverMs);
    const within300 = first.filter((v) => v <= 300).length;
    console.log(`workspace: ${files.length} files, ${WORKSPACE_LINES} lines; opened ${path.relative(large, opened)}; ${RUNS} runs, median (min–max)`);
    console.log(`first hover from spawning the server: ${range(first)} in the large workspace vs ${range(alone.map((r) => r.hoverMs))} alone = ` +
      `${(median(first) / median(alone.map((r) => r.hoverMs))).toFixed(2)}× (target ≤ 300 ms: ${within300}/${RUNS} runs)`);
    console.log(`  of which node's own start (node -e 0) ${range(node)}; initialize answered after ${range(inLarge.map((r) => r.initializeMs))}; ` +
      `server CPU time at the first answer ${range(inLarge.map((r) => r.hoverCpuMs))} (alone ${range(alone.map((r) => r.hoverCpuMs))})`);
    const during = inLarge.flatMap((r) => r.whileIndexing);
    const after = inLarge.flatMap((r) => r.afterIndex);
    const tail = (values: number[]) => `p50 ${ms(percentile(values, 50))}, p99 ${ms(percentile(values, 99))}`;
    console.log(during.length === 0 ? `hovers while the index runs: none (every index finished before the first hover was answered); after it ${tail(after)}`
      : `hovers while the index runs: ${tail(during)} wall (${during.length} hovers) vs after it ${tail(after)} = ` +
        `p99 ${(percentile(during, 99) / percentile(after, 99)).toFixed(2)}×`);
    console.log(`  (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs during this run)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => { console.error(error); process.exit(1); });
