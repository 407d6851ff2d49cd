// A large workspace is indexed in the background: requests on the open document are answered before
// the index is complete (order of the answers, not their timing).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGeneratedWorkspace } from '../../support/nasmWorkspace';
import { bundleServer, TestClient } from './lspClient';

let cli: string;
let dir: string;
let client: TestClient;
const INDEXED = /^Indexed (\d+) NASM files? in the workspace/;

beforeAll(async () => {
  cli = await bundleServer();
  dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-big-workspace-'));
  writeGeneratedWorkspace(dir, 160_000);
});

afterAll(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a workspace of 160 000 lines', () => {
  it('answers hover, outline and semantic tokens on the open document before the index is complete', async () => {
    client = await TestClient.start(cli, { settings: { diagnosticsEnabled: false } }, dir);
    const file = path.join(dir, 'project3', 'module5.asm');
    const uri = `file://${file}`;
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const syscallLine = lines.findIndex((l) => l.trim() === 'syscall');
    const order: string[] = [];
    const indexed = client.waitFor(() => client.logs.find((l) => INDEXED.test(l.message)), 60_000).then((log) => { order.push('indexed'); return log; });
    await client.open(uri, text);
    const document = { textDocument: { uri } };
    const [hover, outline, tokens] = await Promise.all([
      client.request('textDocument/hover', { ...document, position: { line: syscallLine, character: 10 } }).then((r) => { order.push('hover'); return r; }),
      client.request<any[]>('textDocument/documentSymbol', document).then((r) => { order.push('documentSymbol'); return r; }),
      client.request('textDocument/semanticTokens/full', document).then((r) => { order.push('semanticTokens'); return r; }),
    ]);
    const log = await indexed;
    expect(order.indexOf('indexed')).toBe(3);
    // The answers are real ones: the exit call (its constant from the sibling consts.inc), the procedures.
    expect(hover.contents.value).toContain('exit(error_code=1)');
    const names = (symbols: any[]): string[] => symbols.flatMap((s) => [s.name, ...names(s.children ?? [])]);
    expect(names(outline)).toContain('p3_m5_proc0');
    expect(tokens.data.length).toBeGreaterThan(1000);
    expect(Number(INDEXED.exec(log.message)![1])).toBeGreaterThan(300);
  });

});
