// Lints and nasm runs behind diagnostics wait for the requests already received (lsp/foreground.ts):
// the first hover on a file just opened is answered before its nasm run is started. Real nasm; the
// publisher's idle signal is held back by the test, as a queue of requests would hold it.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Connection, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticsPublisher } from '../../../server/lsp/diagnostics';
import { DEFAULT_SETTINGS } from '../../../server/protocol';
import { pathToUri, Workspace } from '../../../server/workspace';
import { findExecutable } from '../../../toolchain/tools';

const hasNasm = !!findExecutable('nasm') && !!findExecutable('prlimit');
let dir: string;

beforeAll(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-diagnostics-order-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasNasm)('diagnostics of a file just opened', () => {
  it('run only once the requests already received are answered', async () => {
    const published: PublishDiagnosticsParams[] = [];
    // The part of an LSP connection the publisher uses: it records what would go to the editor.
    const connection = {
      sendDiagnostics: async (params: PublishDiagnosticsParams) => { published.push(params); },
      sendNotification: async () => undefined,
      console: { log: () => undefined, error: () => undefined },
    } as unknown as Connection;
    let answered!: () => void;
    const requestsAnswered = new Promise<void>((resolve) => { answered = resolve; });
    const workspace = new Workspace();
    workspace.setFolders([dir]);
    const publisher = new DiagnosticsPublisher(connection, workspace, () => ({ settings: DEFAULT_SETTINGS, trusted: true }), () => undefined, () => requestsAnswered);
    try {
      const uri = pathToUri(path.join(dir, 'prog.asm'));
      // A lint (rdx is never set for write) and a nasm error (an undefined symbol).
      workspace.open(uri, 'section .text\nglobal _start\n_start:\n  mov eax, 1\n  mov edi, 1\n  lea rsi, [rel msg]\n  syscall\n  mov eax, UNDEFINED_NAME\nmsg: db "hi", 10\n', 1);
      publisher.schedule(uri, true);
      // Long past the lint delay (150 ms) and nasm's start on open (at once): nothing ran yet.
      await sleep(1500);
      expect(published).toEqual([]);
      answered();
      const deadline = Date.now() + 30_000;
      const has = (source: string) => published.some((p) => p.uri === uri && p.diagnostics.some((d) => d.source === source));
      while (!(has('nasm') && published.some((p) => p.diagnostics.some((d) => d.source !== 'nasm'))) && Date.now() < deadline) await sleep(50);
      const last = published.filter((p) => p.uri === uri).at(-1)!;
      expect(last.diagnostics.some((d) => d.source === 'nasm' && /UNDEFINED_NAME/.test(d.message))).toBe(true);
      expect(last.diagnostics.some((d) => d.source !== 'nasm' && /rdx|count/.test(d.message))).toBe(true);
    } finally {
      publisher.dispose();
    }
  });
});
