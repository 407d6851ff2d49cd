// The binary lens in the language server: hovers show the bytes nasm's own listing gives a line,
// and a file that asks for shellcode checks gets them as diagnostics. Real nasm behind both.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleServer, TestClient } from './lspClient';

const LISTINGS = path.resolve(__dirname, '../../fixtures/nasm/listing');
const SHELLCODE = path.resolve(__dirname, '../../fixtures/nasm/shellcode');
let client: TestClient;
let cli: string;
let dir: string;
const uri = (name: string) => `file://${path.join(dir, name)}`;
const text = (name: string) => readFileSync(path.join(dir, name), 'utf8');
const lineOf = (name: string, needle: string) => text(name).split('\n').findIndex((l) => l.includes(needle));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-binary-lens-'));
  cpSync(LISTINGS, dir, { recursive: true });
  cpSync(SHELLCODE, dir, { recursive: true });
  cli = await bundleServer();
  client = await TestClient.start(cli, undefined, dir);
});
afterAll(() => client.stop());

async function hoverText(name: string, needle: string): Promise<string> {
  const line = lineOf(name, needle);
  const character = text(name).split('\n')[line]!.indexOf(needle.trim()) + 1;
  // The listing comes with nasm's run after the open; ask until it is there.
  for (let i = 0; i < 100; i++) {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: uri(name) }, position: { line, character } });
    const value: string | undefined = hover?.contents?.value;
    if (value?.includes("nasm's listing")) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no bytes in the hover of "${needle}"`);
}

describe('hover shows the bytes of a line', () => {
  it('for an instruction, a macro call (its whole expansion) and data', async () => {
    await client.open(uri('corpus.asm'), text('corpus.asm'));
    expect(await hoverText('corpus.asm', 'mov     rsi, greeting')).toContain("**10 bytes** at .text+0xa (nasm's listing): `48 be [00 00 00 00 00 00 00 00]`");
    expect(await hoverText('corpus.asm', 'sys     60')).toContain("**7 bytes** at .text+0x5e, its whole expansion (nasm's listing): `b8 3c 00 00 00 0f 05`");
    expect(await hoverText('corpus.asm', 'buffer: resb 64')).toContain('**64 bytes reserved** at .bss+0x0');
  });
});

describe('hover on a label shows where nasm put it and its size', () => {
  /** The hover at `needle` (its first character) once it carries the label's place. */
  async function labelHover(name: string, needle: string): Promise<string> {
    const lines = text(name).split('\n');
    const line = lines.findIndex((l) => l.includes(needle));
    const character = lines[line]!.indexOf(needle) + 1;
    for (let i = 0; i < 100; i++) {
      const hover = await client.request('textDocument/hover', { textDocument: { uri: uri(name) }, position: { line, character } });
      const value: string | undefined = hover?.contents?.value;
      if (value?.includes('to the next label')) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no label place in the hover of "${needle}"`);
  }

  it('for data, reserved space, a procedure and its local label, at the definition and at a use', async () => {
    await client.open(uri('labels.asm'), text('labels.asm'));
    expect(await labelHover('labels.asm', 'msg:')).toContain("`msg`: .data+0x0, **6 bytes** to the next label (nasm's listing)");
    expect(await labelHover('labels.asm', 'pad:')).toContain('`pad`: .data+0x6, **3 bytes**');
    expect(await labelHover('labels.asm', 'buf:')).toContain('`buf`: .bss+0x0, **32 bytes**');
    expect(await labelHover('labels.asm', '_start:')).toContain('`_start`: .text+0x0, **14 bytes**');
    // A procedure's local labels are inside it; the local label runs to the next label or the end.
    expect(await labelHover('labels.asm', 'print:')).toContain('`print`: .text+0xe, **25 bytes**');
    expect(await labelHover('labels.asm', '.again:')).toContain('`print.again`: .text+0x24, **3 bytes**');
    // At a use, the same facts as at the definition.
    expect(await labelHover('labels.asm', 'print') /* first: `call print` */).toContain('`print`: .text+0xe, **25 bytes**');
    expect(await labelHover('labels.asm', 'msg]')).toContain('`msg`: .data+0x0, **6 bytes**');
  });

  it('for a flat binary with org, the absolute address too', async () => {
    await client.open(uri('boot.asm'), text('boot.asm'));
    expect(await labelHover('boot.asm', 'banner:')).toContain('`banner`: .text+0x5 (address 0x7c05), **5 bytes**');
    expect(await labelHover('boot.asm', 'start:')).toContain('`start`: .text+0x0 (address 0x7c00), **5 bytes**');
  });

  it('not while the listing is of an older text', async () => {
    const name = 'labels.asm';
    await labelHover(name, 'msg:');
    const edited = text(name).replace('msg:    db "hello", 10', 'msg:    db "hello, world", 10');
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(name), version: 2 }, contentChanges: [{ text: edited }] });
    // Either nasm has not run on the edit yet (no place), or it has and the size is the new one.
    const hover = await client.request('textDocument/hover', { textDocument: { uri: uri(name) }, position: { line: 2, character: 1 } });
    expect(hover?.contents?.value ?? '').not.toContain('**6 bytes**');
  });
});

describe('shellcode diagnostics', () => {
  it('mark each line whose bytes hold a bad byte, when the file asks for the checks', async () => {
    await client.open(uri('write-nul.asm'), text('write-nul.asm'));
    const diagnostics = await client.waitFor(() => {
      const list = (client.diagnostics.get(uri('write-nul.asm')) ?? []).filter((d) => d.message.startsWith('Shellcode:'));
      return list.length ? list : undefined;
    });
    expect(diagnostics.map((d) => d.range.start.line)).toEqual(
      ['mov     rax, 1', 'mov     rdi, 1', 'lea     rsi', 'mov     rdx, 6', 'mov     rax, 60', 'mov     rdi, 0'].map((n) => lineOf('write-nul.asm', n)),
    );
    expect(diagnostics[5].message).toBe('Shellcode: NUL 0x00 at .text+0x1e (4 times) — a string copy would cut the code here');
  });

  const shellcodeDiagnostics = (name: string) => client.waitFor(() => {
    const list = (client.diagnostics.get(uri(name)) ?? []).filter((d) => d.message.startsWith('Shellcode:'));
    return list.length ? list : undefined;
  });
  const quickFixes = async (name: string, diagnostic: any): Promise<any[]> =>
    client.request('textDocument/codeAction', { textDocument: { uri: uri(name) }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
  const shellcodeFixTitles = async (name: string, diagnostic: any) =>
    (await quickFixes(name, diagnostic)).filter((a) => a.title.startsWith('Shellcode:')).map((a) => a.title.replace(/ \(.*$/, ''));

  it('flag relative references to another section or an extern, naming the symbol, and not those inside .text', async () => {
    const name = 'cross-section.asm';
    await client.open(uri(name), text(name));
    const diagnostics = await client.waitFor(() => {
      const list = (client.diagnostics.get(uri(name)) ?? []).filter((d) => d.message.includes('relative reference'));
      return list.length ? list : undefined;
    });
    expect(diagnostics.map((d) => [d.range.start.line, /to (.*?):/.exec(d.message)![1]])).toEqual([
      [lineOf(name, '[rel msg]'), 'msg in .data'],
      [lineOf(name, '[rel greeting]'), 'greeting in .rodata'],
      [lineOf(name, '[rel banner]'), 'banner in .rodata'],
      [lineOf(name, 'call    helper'), 'external symbol helper'],
      [lineOf(name, '[rel flag]'), 'flag in .data'],
    ]);
    expect(diagnostics[0].message).toBe('Shellcode: relative reference at .text+0x3 to msg in .data: the linker fixes that distance, so the bytes of .text alone are not position-independent');
  });

  it('offer rewrites proven by re-assembly, and the rewritten file has no bad byte left but the lea', async () => {
    const name = 'write-nul.asm';
    await client.open(uri(name), text(name));
    const diagnostics = await shellcodeDiagnostics(name);
    const byLine = new Map(diagnostics.map((d) => [d.range.start.line, d]));
    const at = (needle: string) => byLine.get(lineOf(name, needle))!;
    expect(await shellcodeFixTitles(name, at('mov     rdi, 0'))).toEqual(['Shellcode: xor edi, edi']);
    expect(await shellcodeFixTitles(name, at('mov     rax, 60'))).toEqual(['Shellcode: push 60 / pop rax', 'Shellcode: xor eax, eax / mov al, 60']);
    expect(await shellcodeFixTitles(name, at('lea     rsi'))).toEqual([]);
    // Asked for every line at once (each proof in a scratch folder of its own), the answers stay per line.
    const all = await Promise.all(diagnostics.map((d) => shellcodeFixTitles(name, d)));
    expect(all.map((titles) => titles.length)).toEqual([2, 2, 0, 2, 2, 1]);
    const first = (await quickFixes(name, at('mov     rdi, 0'))).find((a) => a.title.startsWith('Shellcode:'));
    expect(first.title).toBe('Shellcode: xor edi, edi (2 bytes, no bad byte — re-assembled; sets the flags (mov leaves them alone))');
    expect(first.diagnostics).toEqual([at('mov     rdi, 0')]);

    // Apply the first rewrite of every line, bottom-up: nasm then flags only the lea.
    const lines = text(name).split('\n');
    for (const diagnostic of [...diagnostics].sort((a, b) => b.range.start.line - a.range.start.line)) {
      const action = (await quickFixes(name, diagnostic)).find((a) => a.title.startsWith('Shellcode:'));
      if (!action) continue;
      const [edit] = action.edit.changes[uri(name)];
      const line = edit.range.start.line;
      expect(edit.range.end).toEqual({ line, character: lines[line]!.length });
      lines.splice(line, 1, ...edit.newText.split('\n'));
    }
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(name), version: 2 }, contentChanges: [{ text: lines.join('\n') }] });
    const after = await client.waitFor(() => {
      const list = (client.diagnostics.get(uri(name)) ?? []).filter((d) => d.message.startsWith('Shellcode:'));
      return list.length === 1 ? list : undefined;
    });
    expect(after[0].range.start.line).toBe(lines.findIndex((l) => l.includes('lea     rsi')));
  });

  it('offer rewrites that depend on the lines around: a zeroed register, the conditional after a compare', async () => {
    const name = 'fixes.asm';
    await client.open(uri(name), text(name));
    const diagnostics = await shellcodeDiagnostics(name);
    const at = (needle: string) => diagnostics.find((d: any) => d.range.start.line === lineOf(name, needle));
    expect(await shellcodeFixTitles(name, at('mov     eax, 1'))).toEqual(['Shellcode: mov al, 1', 'Shellcode: push 1 / pop rax']);
    expect(await shellcodeFixTitles(name, at('cmp     r12, 0'))).toEqual(['Shellcode: test r12, r12']);
    expect(await shellcodeFixTitles(name, at('add     rax, 0'))).toEqual(['Shellcode: test rax, rax']);
  });

  it('offer no rewrite whose own bytes are bad (bad=00,31 rules out xor)', async () => {
    const name = 'write-nul-31.asm';
    writeFileSync(path.join(dir, name), text('write-nul.asm').replace('; syscall-lens: shellcode', '; syscall-lens: shellcode bad=00,31'));
    await client.open(uri(name), text(name));
    const diagnostics = await shellcodeDiagnostics(name);
    const at = (needle: string) => diagnostics.find((d) => d.range.start.line === lineOf(name, needle))!;
    expect(await shellcodeFixTitles(name, at('mov     rdi, 0'))).toEqual([]);
    expect(await shellcodeFixTitles(name, at('mov     rax, 60'))).toEqual(['Shellcode: push 60 / pop rax']);
  });

  it('stay away from files that do not ask', async () => {
    await client.open(uri('corpus.asm'), text('corpus.asm'));
    await hoverText('corpus.asm', 'sys     60');
    expect((client.diagnostics.get(uri('corpus.asm')) ?? []).filter((d) => d.message.startsWith('Shellcode:'))).toEqual([]);
  });
});

describe('shellcode length and bytes for the client', () => {
  it('announces the length and findings of a file in shellcode mode, and gives its bytes as one block', async () => {
    const statuses: any[] = [];
    client.connection.onNotification('syscallLens/shellcodeStatus', (status: any) => statuses.push(status));
    const name = 'exit-clean.asm';
    await client.open(uri(name), text(name));
    const status = await client.waitFor(() => statuses.find((s) => s.uri === uri(name)));
    expect(status).toEqual({ uri: uri(name), shellcode: true, length: 7, badLines: 0, absolute: 0, unchecked: 0 });
    expect(await client.request('syscallLens/shellcodeBytes', { uri: uri(name) })).toEqual({ hex: '6a3c5831ff0f05' });

    // write-nul.asm: the six lines its diagnostics mark (five movs and the lea's displacement).
    const nul = 'write-nul-status.asm';
    writeFileSync(path.join(dir, nul), text('write-nul.asm'));
    await client.open(uri(nul), text(nul));
    expect(await client.waitFor(() => statuses.find((s) => s.uri === uri(nul)))).toMatchObject({ shellcode: true, badLines: 6, absolute: 0 });

    // corpus.asm has .data and .text: no single block, said why; and it is not in shellcode mode.
    await client.open(uri('corpus.asm'), text('corpus.asm'));
    await hoverText('corpus.asm', 'sys     60');
    expect(await client.request('syscallLens/shellcodeBytes', { uri: uri('corpus.asm') })).toMatchObject({ problem: expect.stringContaining('shellcode is one block') });
    expect(statuses.filter((s) => s.uri === uri('corpus.asm'))).toEqual([]);

    // A text nasm cannot assemble has no listing: no '0 bytes' is announced, and no bytes are given.
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(name), version: 2 }, contentChanges: [{ text: text(name).replace('pop     rax', 'pop     rax, rbx, rcx') }] });
    await client.waitFor(() => (client.diagnostics.get(uri(name)) ?? []).some((d) => d.severity === 1));
    expect(statuses.filter((s) => s.uri === uri(name)).map((s) => s.length)).not.toContain(0);
    expect(await client.request('syscallLens/shellcodeBytes', { uri: uri(name) })).toEqual({ problem: 'nasm did not assemble this file (see its errors).' });

    // Dropping the comment turns the mode off: the client hears it once.
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(name), version: 3 }, contentChanges: [{ text: text(name).replace('; syscall-lens: shellcode', '; plain') }] });
    expect(await client.waitFor(() => statuses.find((s) => s.uri === uri(name) && !s.shellcode))).toEqual({ uri: uri(name), shellcode: false, length: 0, badLines: 0, absolute: 0, unchecked: 0 });
  });
});

describe('the bytes inlay hints', () => {
  it('are off by default, and with inlayHints.bytes show each line\'s bytes at its end', async () => {
    const name = 'exit-clean.asm';
    const lines = text(name).split('\n');
    const range = { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: 0 } };
    await client.open(uri(name), text(name));
    await hoverText(name, 'push    60');
    const plain: { label: string }[] = await client.request('textDocument/inlayHint', { textDocument: { uri: uri(name) }, range });
    expect(plain.map((h) => h.label)).not.toContain('6a 3c');

    const withBytes = await TestClient.start(cli, { settings: { inlayHints: { bytes: true } } }, dir);
    try {
      await withBytes.open(uri(name), text(name));
      let labels: [number, string][] = [];
      for (let i = 0; i < 100 && labels.length < 4; i++) {
        const answer: { label: string; position: { line: number; character: number } }[] = await withBytes.request('textDocument/inlayHint', { textDocument: { uri: uri(name) }, range });
        labels = answer.filter((h) => /^[0-9a-f]{2}( |$)/.test(h.label)).map((h) => [h.position.line, h.label]);
        if (labels.length < 4) await new Promise((r) => setTimeout(r, 100));
      }
      expect(labels).toEqual([[3, '6a 3c'], [4, '58'], [5, '31 ff'], [6, '0f 05']]);
    } finally {
      await withBytes.stop();
    }
  });
});
