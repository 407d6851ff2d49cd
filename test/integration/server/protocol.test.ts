// Protocol behaviour any LSP client relies on, through `syscall-lens lsp --stdio`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleServer, TestClient } from './lspClient';

let cli: string;
let dir: string;
const uri = (name: string) => `file://${path.join(dir, name)}`;
const at = (line: number, character: number) => ({ line, character });

beforeAll(async () => {
  cli = await bundleServer();
  dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-protocol-'));
});

async function openFile(client: TestClient, name: string, text: string): Promise<void> {
  writeFileSync(path.join(dir, name), text);
  await client.open(uri(name), text);
}

describe('the handshake', () => {
  it('answers requests before initialize with ServerNotInitialized (-32002), then serves them', async () => {
    const client = TestClient.spawn(cli);
    try {
      const early = await client.request('textDocument/hover', { textDocument: { uri: uri('x.asm') }, position: at(0, 0) }).catch((e: { code: number }) => e);
      expect(early).toMatchObject({ code: -32002 });
      await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
      await client.connection.sendNotification('initialized', {});
      await expect(client.request('textDocument/hover', { textDocument: { uri: uri('x.asm') }, position: at(0, 0) })).resolves.toBeNull();
    } finally {
      await client.stop();
    }
  });
});

describe('a client asking for plain text (no Markdown)', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start(cli, undefined, dir, undefined, { textDocument: { hover: { contentFormat: ['plaintext'] } } });
  });
  afterAll(() => client.stop());

  it('gets plain-text hovers', async () => {
    await openFile(client, 'plain.asm', '        mov     eax, 60\n        xor     edi, edi\n        syscall\n');
    const hover = await client.request('textDocument/hover', { textDocument: { uri: uri('plain.asm') }, position: at(2, 10) });
    expect(hover.contents.kind).toBe('plaintext');
    expect(hover.contents.value).toContain('exit');
    expect(hover.contents.value).not.toMatch(/\*\*|```/);
  });
});

describe('editing requests', () => {
  let client: TestClient;
  beforeAll(async () => { client = await TestClient.start(cli, undefined, dir); });
  afterAll(() => client.stop());

  it('refuses a bad rename with RequestFailed (-32803) and the reason', async () => {
    await openFile(client, 'rename.asm', '_start:\n.loop:  jmp     .loop\n');
    const refused = await client.request('textDocument/rename', { textDocument: { uri: uri('rename.asm') }, position: at(1, 2), newName: 'global_name' })
      .catch((e: { code: number; message: string }) => e);
    expect(refused).toMatchObject({ code: -32803, message: expect.stringContaining('local label keeps its leading dot') });
  });

  it('gives syscall-number items a text edit over the typed word and a filter text, common calls first', async () => {
    await openFile(client, 'complete.asm', '_start:\n        mov     rax, ex\n');
    const items = await client.request<any[]>('textDocument/completion', { textDocument: { uri: uri('complete.asm') }, position: at(1, 23) });
    const exit = items.find((i) => i.label === 'exit');
    expect(exit).toMatchObject({ filterText: 'exit', textEdit: { range: { start: at(1, 21), end: at(1, 23) }, newText: '60 ; exit' } });
    const rank = (name: string) => items.find((i) => i.label === name).sortText;
    expect(rank('exit') < rank('kexec_load')).toBe(true);
    expect(rank('kexec_load') < rank('afs_syscall')).toBe(true);
  });

  it('ranks the syscall instruction before syscall snippets, and indents snippets once', async () => {
    await openFile(client, 'start.asm', '_start:\n        sys\n');
    const items = await client.request<any[]>('textDocument/completion', { textDocument: { uri: uri('start.asm') }, position: at(1, 11) });
    const sorted = items.filter((i) => i.label.startsWith('sys')).sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
    expect(sorted[0].label).toBe('syscall');
    const snippet = items.find((i) => i.label === 'sys_write');
    expect(snippet.insertTextMode).toBe(1);
    expect(snippet.insertText.split('\n').slice(1).every((l: string) => l.startsWith('        mov') || l.startsWith('        syscall'))).toBe(true);
  });

  it('offers the nearest label for a symbol nasm says is not defined', async () => {
    await openFile(client, 'typo.asm', '        section .text\n        global  _start\n_start:\n        jmp     finsh\nfinish:\n        ret\n');
    const diagnostic = await client.waitFor(() => client.diagnostics.get(uri('typo.asm'))?.find((d) => d.source === 'nasm'));
    const actions = await client.request<any[]>('textDocument/codeAction', {
      textDocument: { uri: uri('typo.asm') }, range: diagnostic.range, context: { diagnostics: [diagnostic] },
    });
    const fix = actions.find((a) => a.title === 'Did you mean `finish`?');
    expect(fix.edit.changes[uri('typo.asm')]).toEqual([{ range: { start: at(3, 16), end: at(3, 21) }, newText: 'finish' }]);
  });
});
