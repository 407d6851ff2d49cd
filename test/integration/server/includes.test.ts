// nasm diagnostics in a real project, through `syscall-lens lsp --stdio`: an include-only file is checked
// by assembling its root (includePaths relative to the workspace folder), unsaved text included, and
// each file gets the output format it asks for.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleServer, TestClient } from './lspClient';
import { copyProject } from './project';

const PROJECT = path.resolve(__dirname, '../../fixtures/server/multifile');
let cli: string;
let dir: string;
let client: TestClient;
const uri = (name: string) => `file://${path.join(dir, name)}`;
const text = (name: string) => readFileSync(path.join(dir, name), 'utf8');
const nasmMessages = (name: string) => (client.diagnostics.get(uri(name)) ?? []).filter((d) => d.source === 'nasm');
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

beforeAll(async () => {
  cli = await bundleServer();
  dir = copyProject(PROJECT, 'syscall-lens-includes-');
  client = await TestClient.start(cli, undefined, dir, { includePaths: ['inc'] });
});
afterAll(() => client.stop());

describe('an include-only file', () => {
  it('gets no false errors: its root is assembled, with includePaths resolved against the workspace folder', async () => {
    await client.open(uri('io.asm'), text('io.asm'));
    await settle();
    expect(nasmMessages('io.asm')).toEqual([]);
  });

  it('reports its own errors, from the text in the editor, at their line', async () => {
    const lines = text('io.asm').split('\n');
    const line = lines.findIndex((l) => l.includes('mov     rbx, rsi'));
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: uri('io.asm'), version: 2 },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: lines[line]!.length } }, text: '        mov     rbx, undefined_thing' }],
    });
    const messages = await client.waitFor(() => nasmMessages('io.asm').length ? nasmMessages('io.asm') : undefined);
    expect(messages).toEqual([expect.objectContaining({ severity: 1, message: expect.stringContaining('undefined_thing'), range: expect.objectContaining({ start: expect.objectContaining({ line }) }) })]);
    expect(nasmMessages('main.asm')).toEqual([]);
  });
});

describe('output format per file', () => {
  it('assembles an org file as a flat binary and a bits 32 file as elf32, with no setting', async () => {
    const boot = '        org     0x7c00\n        bits    16\nstart:  jmp     start\n        times   510 - ($ - $$) db 0\n        dw      0xaa55\n';
    const legacy = '        bits    32\n        section .text\n        global  _start\n_start: mov     eax, 1\n        xor     ebx, ebx\n        int     0x80\n        push    dword [esp]\n';
    writeFileSync(path.join(dir, 'boot.asm'), boot);
    writeFileSync(path.join(dir, 'legacy.asm'), legacy);
    await client.open(uri('boot.asm'), boot);
    await client.open(uri('legacy.asm'), legacy);
    await settle();
    expect(nasmMessages('boot.asm')).toEqual([]);
    expect(nasmMessages('legacy.asm')).toEqual([]);
  });
});

describe('a workspace folder overriding the output format', () => {
  it('assembles that folder\'s files as elf32, the other folder\'s as elf64', async () => {
    const legacyDir = copyProject(path.resolve(__dirname, '../../fixtures/server/format'), 'syscall-lens-folder32-');
    const modernDir = copyProject(path.resolve(__dirname, '../../fixtures/server/format'), 'syscall-lens-folder64-');
    // No `bits` line: only the folder setting can make this assemble (push eax is not encodable in 64-bit mode).
    const source = '        section .text\n        global  _start\n_start: push    eax\n        pop     ebx\n        mov     eax, 1\n        int     0x80\n';
    for (const folder of [legacyDir, modernDir]) writeFileSync(path.join(folder, 'old.asm'), source);
    const settings = (item: { scopeUri?: string }) => ({ outputFormat: item.scopeUri === `file://${legacyDir}` ? 'elf32' : 'elf64' });
    const folders = TestClient.spawn(cli, settings);
    try {
      await folders.connection.sendRequest('initialize', {
        processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } },
        workspaceFolders: [{ uri: `file://${legacyDir}`, name: 'legacy' }, { uri: `file://${modernDir}`, name: 'modern' }],
      });
      await folders.connection.sendNotification('initialized', {});
      await settle();
      await folders.open(`file://${legacyDir}/old.asm`, source);
      await folders.open(`file://${modernDir}/old.asm`, source);
      const modern = await folders.waitFor(() => folders.diagnostics.get(`file://${modernDir}/old.asm`)?.filter((d) => d.source === 'nasm').length
        ? folders.diagnostics.get(`file://${modernDir}/old.asm`) : undefined);
      expect(modern!.some((d) => d.message.includes('64-bit mode'))).toBe(true);
      expect((folders.diagnostics.get(`file://${legacyDir}/old.asm`) ?? []).filter((d) => d.source === 'nasm')).toEqual([]);
    } finally {
      await folders.stop();
    }
  });
});
