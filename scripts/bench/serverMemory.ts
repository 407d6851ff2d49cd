// Memory after closing files: the language server (in this process) on a folder of 51 generated
// 10 000-line files; each is opened, used as an editor would (hover, outline, semantic tokens, inlay
// hints, the real nasm's diagnostics and listing) and closed. The heap after a full GC is printed
// against the heap before the first open, in the same run (target: within 10 %).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tuneHeapForParsing } from '../../server/runtime';
import { findExecutable } from '../../toolchain/tools';
import { startInProcessServer, within } from '../../test/support/inProcessServer';
import { writeGeneratedWorkspace } from '../../test/support/nasmWorkspace';

/** Measured, plus one opened and closed before the measure starts. */
const FILES = 51;
const LINES_PER_FILE = 10_000;

const gc = (globalThis as { gc?: () => void }).gc;

/** Heap in use after collecting everything collectable (a few rounds: weak maps clear in later ones). */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  if (!gc) throw new Error('run with --expose-gc (npm run bench does)');
  tuneHeapForParsing();
  const root = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-bench-memory-'));
  try {
    const files = writeGeneratedWorkspace(root, FILES * LINES_PER_FILE, LINES_PER_FILE, FILES).filter((f) => f.endsWith('.asm'));
    const nasm = !!findExecutable('nasm');
    const server = await startInProcessServer(root, { diagnosticsEnabled: nasm, inlayHints: { syscallCall: true, parameterNames: true, bytes: true } });
    const { client } = server;
    await client.sendNotification('initialized', {});
    await server.indexed;
    const useAndClose = async (file: string): Promise<void> => {
      const uri = `file://${file}`;
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n');
      const document = { textDocument: { uri } };
      const listed = server.nextListing();
      await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nasm', version: 1, text } });
      await within(Promise.all([
        client.sendRequest('textDocument/hover', { ...document, position: { line: lines.findIndex((l) => l.trim() === 'syscall'), character: 10 } }),
        client.sendRequest('textDocument/documentSymbol', document),
        client.sendRequest('textDocument/semanticTokens/full', document),
        client.sendRequest('textDocument/inlayHint', { ...document, range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } } }),
      ]), 'the requests on an open file');
      // nasm's run (diagnostics and listing) ends before the file is closed, as when a user reads its messages.
      if (nasm) await listed;
      await client.sendNotification('textDocument/didClose', document);
    };
    // One file more is opened and closed first: what a first hover loads once (the syscall table, the
    // decoders, compiled code) is not memory a closed file left behind. Both starting points are printed.
    const cold = await settledHeap();
    const [warmUp, ...measured] = files;
    await useAndClose(warmUp!);
    const before = await settledHeap();
    const started = performance.now();
    for (const file of measured) await useAndClose(file);
    const elapsed = performance.now() - started;
    const after = await settledHeap();
    const mb = (v: number) => `${(v / 1e6).toFixed(1)} MB`;
    const count = measured.length;
    console.log(`open, use and close ${count} files of ${LINES_PER_FILE} lines (${nasm ? 'with' : 'without'} nasm diagnostics, ${(elapsed / 1000).toFixed(1)} s): ` +
      `heap ${mb(after)} after vs ${mb(before)} before = ${((after / before - 1) * 100).toFixed(1)}% (target within 10%); ` +
      `${mb((after - before) / count)} per closed file`);
    console.log(`  from the cold server (before any file was opened: ${mb(cold)}): ${((after / cold - 1) * 100).toFixed(1)}%`);
    await server.stop();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  // The server's connection watches the client's process id on a timer: end here.
  process.exit(0);
}

void main().catch((error: unknown) => { console.error(error); process.exit(1); });
