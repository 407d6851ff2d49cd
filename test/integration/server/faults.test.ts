// Fault injection against the real language server (`syscall-lens lsp --stdio`): hostile and huge
// %include targets, untrusted folders, and edits other editors send (\r before \n). After each fault
// the server still answers, shows nothing it must not, and says why.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_INCLUDE_BYTES } from '../../../server/includePolicy';
import { bundleServer, TestClient } from './lspClient';

let cli: string;
let base: string;
let project: string;
let outside: string;
const uri = (file: string) => `file://${file}`;
const SECRET = 'hunter2-credential';

beforeAll(async () => {
  cli = await bundleServer();
  base = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-lsp-faults-'));
  project = path.join(base, 'project');
  outside = path.join(base, 'elsewhere');
  mkdirSync(project);
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secrets.inc'), `secret_token: db "${SECRET}"\n`);
  writeFileSync(path.join(outside, '.git-credentials'), `secret_token: db "https://user:${SECRET}@example.com"\n`);
  execFileSync('mkfifo', [path.join(project, 'pipe.inc')], { timeout: 10_000 });
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A program that includes `includes` and uses `secret_token`, written to the project and opened. */
async function openProgram(client: TestClient, name: string, includes: string[]): Promise<string> {
  const file = path.join(project, name);
  const text = [...includes.map((i) => `%include "${i}"`), 'section .text', 'global _start', '_start:',
    '  lea rsi, [rel secret_token]', '  mov rax, 60', '  xor edi, edi', '  syscall', ''].join('\n');
  writeFileSync(file, text);
  await client.open(uri(file), text);
  return file;
}

async function hoverText(client: TestClient, file: string, needle: string): Promise<string> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  const hover = await client.request('textDocument/hover', { textDocument: { uri: uri(file) }, position: { line, character: lines[line]!.indexOf(needle) + 1 } });
  return hover?.contents?.value ?? '';
}

const includeWarnings = (client: TestClient, file: string) =>
  (client.diagnostics.get(uri(file)) ?? []).filter((d) => d.code === 'include-not-read');

/** Every live descendant of `pid`, by pid (from /proc; no names involved). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* ended meanwhile */ }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const [child, ppid] of parents) if (ppid === parent) { found.push(child); queue.push(child); }
  }
  return found;
}

function alive(pid: number): boolean {
  try { return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

/** Stops the server and waits for it; the processes it had started must be gone too. */
async function stopLeavingNothing(client: TestClient, started: number[]): Promise<void> {
  const exited = new Promise((resolve) => client.process.once('exit', resolve));
  await client.stop();
  await exited;
  await client.waitFor(() => started.every((pid) => !alive(pid)), 5_000).catch(() => undefined);
  expect(started.filter(alive)).toEqual([]);
}

/** The server's resident memory, from the kernel (by pid). */
function residentBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
  return Number(kb) * 1024;
}

describe('hostile %include targets', () => {
  it('in an untrusted folder, a file outside it is never shown; trusting the folder shows it', async () => {
    const client = await TestClient.start(cli, { trusted: false }, project);
    try {
      const file = await openProgram(client, 'untrusted.asm', ['../elsewhere/secrets.inc', path.join(outside, 'secrets.inc')]);
      const warnings = await client.waitFor(() => includeWarnings(client, file).length === 2 && includeWarnings(client, file));
      expect(warnings[0].message).toContain('outside the workspace folder, and the folder is not trusted');
      expect(await hoverText(client, file, 'secret_token')).not.toContain(SECRET);
      await client.connection.sendNotification('syscallLens/trustChanged', { trusted: true });
      await client.waitFor(() => includeWarnings(client, file).length === 0);
      expect(await hoverText(client, file, 'secret_token')).toContain(SECRET);
    } finally {
      await client.stop();
    }
  });

  it('in any folder, a file that is not a NASM source, a FIFO and /dev/zero are refused, and the server keeps answering', async () => {
    const client = await TestClient.start(cli, { trusted: true }, project);
    try {
      const file = await openProgram(client, 'hostile.asm', ['../elsewhere/.git-credentials', 'pipe.inc', '/dev/zero']);
      const warnings = await client.waitFor(() => includeWarnings(client, file).length === 3 && includeWarnings(client, file));
      expect(warnings.map((w) => w.message)).toEqual([
        expect.stringContaining('only NASM sources'), expect.stringContaining('not a regular file'), expect.stringContaining('not a regular file'),
      ]);
      expect(await hoverText(client, file, 'secret_token')).not.toContain(SECRET);
      expect(await hoverText(client, file, 'rax, 60')).toContain('**exit**');
      // nasm itself (the diagnostics run) blocks on the FIFO: it must end with the server.
      const started = await client.waitFor(() => { const d = descendants(client.process.pid!); return d.length > 0 && d; });
      await stopLeavingNothing(client, started);
    } finally {
      await client.stop();
    }
  });

  it('60 large system headers: reads up to the budget, warns on the rest, stays answering and bounded', async () => {
    const headers = path.join(base, 'headers');
    mkdirSync(headers);
    const names = Array.from({ length: 60 }, (_, i) => `header_${i}.inc`);
    names.forEach((name, h) => {
      const lines: string[] = [];
      for (let i = 0; i < 20_000; i++) lines.push(`%define H${h}_NAME_${i} (${i} * 8) ; field ${i} of header ${h}`);
      writeFileSync(path.join(headers, name), lines.join('\n'));
    });
    const perFile = readFileSync(path.join(headers, names[0]!)).length;
    const client = await TestClient.start(cli, { trusted: true, settings: { includePaths: [headers] } }, project);
    try {
      const file = await openProgram(client, 'headers.asm', names);
      const readable = Math.floor(MAX_INCLUDE_BYTES / perFile);
      const warnings = await client.waitFor(() => includeWarnings(client, file).length > 0 && includeWarnings(client, file), 60_000);
      expect(warnings).toHaveLength(names.length - readable);
      expect(warnings[0].message).toMatch(/the includes already read total .* MiB, and this one would pass the 8 MiB limit/);
      expect(await hoverText(client, file, 'rax, 60')).toContain('**exit**');
      expect(await hoverText(client, file, 'header_0.inc')).toContain(path.join(headers, 'header_0.inc'));
      expect(await hoverText(client, file, `header_${names.length - 1}.inc`)).toContain('not read: the includes already read total');
      expect(residentBytes(client.process.pid!)).toBeLessThan(1024 * 1024 * 1024);
    } finally {
      await client.stop();
    }
  });
});

describe('edits other editors send', () => {
  it('a \\r typed before an existing \\n leaves the same lines, hints and symbols as a fresh server', async () => {
    const client = await TestClient.start(cli, { trusted: true }, project);
    try {
      const lines = ['section .data', 'msg: db "hi", 10', '', 'len equ $ - msg', 'section .text', 'global _start', '_start:',
        '  mov eax, 1', '  mov edi, 1', '  lea rsi, [rel msg]', '  mov edx, len', '  syscall', '  mov eax, 60', '  xor edi, edi', '  syscall', ''];
      const edited = path.join(project, 'crlf.asm');
      await client.open(uri(edited), lines.join('\n'));
      let version = 2;
      const change = async (line: number, character: number, text: string, endLine = line, endCharacter = character) =>
        client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri: uri(edited), version: version++ },
          contentChanges: [{ range: { start: { line, character }, end: { line: endLine, character: endCharacter } }, text }],
        });
      for (let line = 0; line < 6; line++) await change(line, lines[line]!.length, '\r'); // every break becomes \r\n
      await change(2, 0, 'mov ecx, 1'); // an instruction between msg and `len equ $ - msg`
      await change(2, 0, '', 2, 'mov ecx, 1'.length); // and gone again
      const expected = [...lines.slice(0, 6).map((l) => `${l}\r\n`), lines.slice(6).join('\n')].join('');
      const fresh = path.join(project, 'fresh.asm');
      await client.open(uri(fresh), expected);
      const hints = (file: string) => client.request<any[]>('textDocument/inlayHint', { textDocument: { uri: uri(file) }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
      const symbols = (file: string) => client.request<any[]>('textDocument/documentSymbol', { textDocument: { uri: uri(file) } });
      expect(await hints(edited)).toEqual(await hints(fresh));
      expect(await symbols(edited)).toEqual(await symbols(fresh));
      expect((await hints(edited)).map((h) => h.label)).toContain('write(1, msg, 3)');
    } finally {
      await client.stop();
    }
  });
});
