// The language server as any LSP client sees it: `syscall-lens lsp --stdio`, driven over JSON-RPC,
// with the real nasm behind its diagnostics.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleServer, TestClient } from './lspClient';

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const PROJECT = path.resolve(__dirname, '../../fixtures/server/project');
let cli: string;
let dir: string;
const uri = (name: string) => `file://${path.join(dir, name)}`;
const text = (name: string) => readFileSync(path.join(dir, name), 'utf8');
const at = (line: number, character: number) => ({ line, character });

function positionOf(source: string, needle: string): { line: number; character: number } {
  const lines = source.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  return { line, character: lines[line]!.indexOf(needle) + 1 };
}

beforeAll(async () => {
  cli = await bundleServer();
  dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-lsp-project-'));
  cpSync(PROJECT, dir, { recursive: true });
  cpSync(path.join(EXAMPLES, 'hello.asm'), path.join(dir, 'hello.asm'));
});

describe('a client with no VS Code options (Neovim, eglot)', () => {
  let client: TestClient;
  beforeAll(async () => { client = await TestClient.start(cli, undefined, dir); });
  afterAll(() => client.stop());

  it('hovering `mov rax, 60` in hello.asm explains exit', async () => {
    await client.open(uri('hello.asm'), text('hello.asm'));
    const hover = await client.request('textDocument/hover', { textDocument: { uri: uri('hello.asm') }, position: positionOf(text('hello.asm'), 'rax, 60') });
    expect(hover.contents.value).toContain('**exit** — syscall 60');
    expect(hover.contents.value).toContain('man7.org/linux/man-pages/man2/exit.2.html');
  });

  it('shows the decoded call after each syscall and parameter names at the setters', async () => {
    const hints = await client.request<any[]>('textDocument/inlayHint', { textDocument: { uri: uri('hello.asm') }, range: { start: at(0, 0), end: at(100, 0) } });
    const labels = hints.map((h) => h.label);
    expect(labels).toEqual(expect.arrayContaining(['write(1, msg, 14)', 'exit(0)', 'fd:', 'buf:', 'count:']));
  });

  it('follows incremental edits line by line', async () => {
    const source = text('hello.asm');
    const { line } = positionOf(source, 'rax, 60');
    const lineText = source.split('\n')[line]!;
    const start = lineText.indexOf('60');
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: uri('hello.asm'), version: 2 },
      contentChanges: [{ range: { start: at(line, start), end: at(line, start + 2) }, text: '231' }],
    });
    const hover = await client.request('textDocument/hover', { textDocument: { uri: uri('hello.asm') }, position: at(line, start) });
    expect(hover.contents.value).toContain('**exit_group** — syscall 231');
  });

  it('reports nasm errors in the file they belong to, linked from the %include line, with macro context', async () => {
    await client.open(uri('broken.asm'), text('broken.asm'));
    const main = await client.waitFor(() => client.diagnostics.get(uri('broken.asm'))?.filter((d) => d.source === 'nasm').length ? client.diagnostics.get(uri('broken.asm')) : undefined);
    const include = await client.waitFor(() => client.diagnostics.get(uri('bad.inc')));
    expect(include).toEqual([expect.objectContaining({ severity: 1, source: 'nasm', message: 'invalid combination of opcode and operands', range: expect.objectContaining({ start: at(1, 8) }) })]);
    const includeLine = main.find((d) => d.range.start.line === 1);
    expect(includeLine.message).toContain('bad.inc, line 2');
    expect(includeLine.relatedInformation[0].location.uri).toBe(uri('bad.inc'));
    expect(main.find((d) => d.range.start.line === 7)).toMatchObject({ severity: 1, message: 'invalid combination of opcode and operands' });
    const fromMacro = main.find((d) => d.range.start.line === 8 && d.severity === 2);
    expect(fromMacro.relatedInformation[0]).toMatchObject({ message: "from macro `twice' defined here", location: { uri: uri('broken.asm'), range: { start: at(3, 0) } } });
    // …and again at the macro's body line, where the code to fix is, linked back to the invocation.
    const atBody = main.find((d) => d.range.start.line === 3 && d.severity === 2);
    expect(atBody.message).toBe(`${fromMacro.message} (expanded at broken.asm:9)`);
    expect(atBody.relatedInformation[0]).toMatchObject({ message: 'the macro is invoked here', location: { uri: uri('broken.asm'), range: { start: at(8, 0) } } });
  });

  it('finds definitions and references across %include and global/extern', async () => {
    await client.open(uri('main.asm'), text('main.asm'));
    const main = text('main.asm');
    const call = positionOf(main, 'call    print_twice');
    call.character += 8;
    const toUtil = await client.request<any[]>('textDocument/definition', { textDocument: { uri: uri('main.asm') }, position: call });
    expect(toUtil).toEqual([expect.objectContaining({ uri: uri('util.asm'), range: expect.objectContaining({ start: at(8, 0) }) })]);
    const toMacro = await client.request<any[]>('textDocument/definition', { textDocument: { uri: uri('main.asm') }, position: positionOf(main, 'exit_with') });
    expect(toMacro[0].uri).toBe(uri('defs.inc'));
    const references = await client.request<any[]>('textDocument/references', { textDocument: { uri: uri('main.asm') }, position: call, context: { includeDeclaration: true } });
    expect(references.map((r) => `${path.basename(r.uri)}:${r.range.start.line}`).sort()).toEqual(['main.asm:2', 'main.asm:7', 'util.asm:1', 'util.asm:8']);
  });

  it('renames a local label only within its scope', async () => {
    await client.open(uri('util.asm'), text('util.asm'));
    const util = text('util.asm');
    const edit = await client.request('textDocument/rename', { textDocument: { uri: uri('util.asm') }, position: positionOf(util, '.again:'), newName: '.repeat' });
    const edits = edit.changes[uri('util.asm')];
    expect(edits.map((e: any) => e.range.start.line).sort()).toEqual([10, 17]);
    expect(edits.every((e: any) => e.newText === '.repeat')).toBe(true);
  });

  it('offers the r10 fix and the named-constant action', async () => {
    const source = '        section .text\n_start:\n        mov eax, 9\n        xor edi, edi\n        mov esi, 4096\n        mov edx, 3\n        mov ecx, 0x22\n        mov r8, -1\n        xor r9d, r9d\n        syscall\n';
    writeFileSync(path.join(dir, 'mmap.asm'), source);
    await client.open(uri('mmap.asm'), source);
    const actions = await client.request<any[]>('textDocument/codeAction', { textDocument: { uri: uri('mmap.asm') }, range: { start: at(2, 0), end: at(9, 0) }, context: { diagnostics: [] } });
    const fix = actions.find((a) => a.title === 'Use r10d');
    expect(fix.edit.changes[uri('mmap.asm')]).toEqual([{ range: { start: at(6, 12), end: at(6, 15) }, newText: 'r10d' }]);
    const named = actions.find((a) => /SYS_mmap/.test(a.title));
    expect(named.edit.changes[uri('mmap.asm')]).toEqual([
      { range: { start: at(0, 0), end: at(0, 0) }, newText: 'SYS_mmap equ 9\n' },
      { range: { start: at(2, 17), end: at(2, 18) }, newText: 'SYS_mmap' },
    ]);
  });

  it('serves completion, signature help, semantic tokens, folding, highlights and formatting', async () => {
    const source = '%macro say 2\n%endmacro\n        section .text\n_start:\n  mov rax, \n  say msg, \n  mov eax, 1\n  mov rdi, \n';
    writeFileSync(path.join(dir, 'editing.asm'), source);
    await client.open(uri('editing.asm'), source);
    const doc = { textDocument: { uri: uri('editing.asm') } };
    const completion = await client.request<any[]>('textDocument/completion', { ...doc, position: at(4, 11) });
    expect(completion.find((c) => c.label === 'exit')).toMatchObject({ insertText: '60 ; exit', detail: 'syscall 60' });
    const macroHelp = await client.request('textDocument/signatureHelp', { ...doc, position: at(5, 11) });
    expect(macroHelp).toMatchObject({ signatures: [{ label: 'say %1, %2' }], activeParameter: 1 });
    const syscallHelp = await client.request('textDocument/signatureHelp', { ...doc, position: at(7, 11) });
    expect(syscallHelp.signatures[0].label).toBe('write(unsigned int fd, const char *buf, size_t count)');
    expect(syscallHelp.activeParameter).toBe(0);
    const tokens = await client.request('textDocument/semanticTokens/full', doc);
    expect(tokens.data.length % 5).toBe(0);
    expect(tokens.data.length).toBeGreaterThan(0);
    const folds = await client.request<any[]>('textDocument/foldingRange', doc);
    expect(folds).toEqual(expect.arrayContaining([expect.objectContaining({ startLine: 0, endLine: 1 })]));
    const formatting = await client.request<any[]>('textDocument/formatting', { ...doc, options: { tabSize: 8, insertSpaces: true } });
    expect(formatting).toContainEqual({ range: { start: at(6, 0), end: at(6, 12) }, newText: '        mov     eax, 1' });
    const highlights = await client.request<any[]>('textDocument/documentHighlight', { textDocument: { uri: uri('util.asm') }, position: positionOf(text('util.asm'), 'message.length') });
    expect(highlights.map((h) => h.range.start.line).sort((a, b) => a - b)).toEqual([5, 14]);
  });

  it('clears a closed file\'s diagnostics, those it caused in its includes too', async () => {
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uri('broken.asm') } });
    await client.waitFor(() => client.diagnostics.get(uri('bad.inc'))?.length === 0);
    expect(client.diagnostics.get(uri('broken.asm'))).toEqual([]);
  });

  it('outlines sections, labels and their local labels', async () => {
    const symbols = await client.request<any[]>('textDocument/documentSymbol', { textDocument: { uri: uri('util.asm') } });
    const text = symbols.find((s) => s.name === '.text');
    expect(text.children[0]).toMatchObject({ name: 'print_twice', children: [expect.objectContaining({ name: '.again' })] });
  });
});

describe('trust and tools', () => {
  it('never runs nasm in an untrusted folder', async () => {
    const client = await TestClient.start(cli, { trusted: false }, dir);
    try {
      await client.open(uri('broken.asm'), text('broken.asm'));
      await new Promise((r) => setTimeout(r, 1500));
      expect((client.diagnostics.get(uri('broken.asm')) ?? []).filter((d) => d.source === 'nasm')).toEqual([]);
      expect(client.diagnostics.get(uri('bad.inc'))).toBeUndefined();
      await client.connection.sendNotification('syscallLens/trustChanged', { trusted: true });
      await client.waitFor(() => client.diagnostics.get(uri('bad.inc'))?.length);
    } finally {
      await client.stop();
    }
  });

  it('says once, clearly, that nasm is missing', async () => {
    const client = await TestClient.start(cli, { settings: { nasmPath: '/nonexistent/nasm' } }, dir);
    try {
      await client.open(uri('broken.asm'), text('broken.asm'));
      await client.open(uri('hello.asm'), text('hello.asm'));
      await client.waitFor(() => client.messages.length > 0);
      await new Promise((r) => setTimeout(r, 1000));
      expect(client.messages).toEqual([{ type: 2, message: expect.stringContaining('sudo apt-get install nasm') }]);
    } finally {
      await client.stop();
    }
  });

  it('names itself with the package version and registers nothing dynamically the client cannot take', async () => {
    const client = await TestClient.start(cli, undefined, dir, {});
    try {
      const { version } = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
      expect(client.initializeResult.serverInfo).toEqual({ name: 'syscall-lens', version });
      await client.open(uri('hello.asm'), text('hello.asm'));
      await client.request('textDocument/hover', { textDocument: { uri: uri('hello.asm') }, position: at(0, 0) });
      expect(client.registrations).toEqual([]);
    } finally {
      await client.stop();
    }
  });

  it('reads settings through workspace/configuration', async () => {
    const client = await TestClient.start(cli, undefined, dir, { inlayHints: { syscallCall: false, parameterNames: true } });
    try {
      await client.open(uri('hello.asm'), text('hello.asm'));
      await new Promise((r) => setTimeout(r, 300));
      const hints = await client.request<any[]>('textDocument/inlayHint', { textDocument: { uri: uri('hello.asm') }, range: { start: at(0, 0), end: at(100, 0) } });
      expect(hints.map((h) => h.label)).toEqual(['fd:', 'buf:', 'count:', 'error_code:']);
    } finally {
      await client.stop();
    }
  });
});
