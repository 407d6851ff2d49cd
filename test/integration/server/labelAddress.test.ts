// Hover on a label in the real language server with real nasm: labels of an included file and of a
// macro expansion get their section, offset and size; once the program is built (as F5 builds it, in
// its default build folder), every label also gets its address, equal to what nm reads from the
// program — and loses it as soon as the text no longer has the built layout.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../toolchain/build';
import { bundleServer, TestClient } from './lspClient';

const FIXTURE = path.resolve(__dirname, '../../fixtures/nasm/linked');
let client: TestClient;
let dir: string;
let cache: string;
const uri = (name: string) => `file://${path.join(dir, name)}`;
const text = (name: string) => readFileSync(path.join(dir, name), 'utf8');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-label-address-'));
  cache = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-label-address-cache-'));
  cpSync(FIXTURE, dir, { recursive: true });
  // The server and the build below share a private cache, so the default build folder is ours.
  client = await TestClient.start(await bundleServer(), undefined, dir, undefined, {}, { ...process.env, XDG_CACHE_HOME: cache });
});
afterAll(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

/** The hover of the first `needle` on the line holding `lineNeedle`, once nasm's listing is in. */
async function hoverOn(name: string, lineNeedle: string, needle: string, until: RegExp = /nasm's listing\)/): Promise<string> {
  const lines = text(name).split('\n');
  const line = lines.findIndex((l) => l.includes(lineNeedle));
  const character = lines[line]!.indexOf(needle) + 1;
  let value = '';
  for (let i = 0; i < 150; i++) {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: uri(name) }, position: { line, character } });
    value = hover?.contents?.value ?? '';
    if (until.test(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the hover of "${needle}" never matched ${until}: ${value}`);
}

/** nm: symbol → address, of the program the test built. */
function nmOf(program: string): Map<string, number> {
  const run = spawnSync('nm', [program], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return new Map([...run.stdout.matchAll(/^([0-9a-f]+) \w (\S+)$/gm)].map((m) => [m[2]!, parseInt(m[1]!, 16)]));
}

describe('hover on a label', () => {
  it('places labels of an included file and of a macro expansion', async () => {
    await client.open(uri('greet.asm'), text('greet.asm'));
    expect(await hoverOn('greet.asm', '[rel greeting]', 'greeting')).toContain('`greeting`: .data+0x0, **7 bytes** to the next label');
    expect(await hoverOn('greet.asm', '[rel world]', 'world')).toContain('`world`: .data+0x7, **6 bytes** to the next label');
    // Not built yet: no address.
    expect(await hoverOn('greet.asm', 'call    print', 'print')).not.toContain('address');
  });

  it('gives the address in the built program, as nm reads it, while the text has the built layout', async () => {
    const previous = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = cache;
    let built;
    try {
      built = await buildProgram({ source: path.join(dir, 'greet.asm') });
    } finally {
      if (previous === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = previous;
    }
    expect(built.ok, JSON.stringify(built.messages)).toBe(true);
    const nm = nmOf(built.program);
    const cases: [string, string, string][] = [
      ['[rel greeting]', 'greeting', 'greeting'], ['[rel world]', 'world', 'world'], ['call    print', 'print', 'print'],
      ['_start:', '_start', '_start'], ['jnz     .again', '.again', '_start.again'],
    ];
    for (const [line, needle, symbol] of cases) {
      const hover = await hoverOn('greet.asm', line, needle, /in the built program/);
      expect(hover, symbol).toContain(`(address 0x${nm.get(symbol)!.toString(16)} in the built program)`);
    }
    // An instruction added before print moves it: the built program no longer has this layout.
    const lines = text('greet.asm').split('\n');
    const at = lines.findIndex((l) => l.startsWith('print:'));
    lines.splice(at, 0, '        nop');
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: uri('greet.asm'), version: 2 }, contentChanges: [{ text: lines.join('\n') }],
    });
    const moved = lines.findIndex((l) => l.includes('call    print'));
    let value = '';
    for (let i = 0; i < 150 && !/\+0x35,/.test(value); i++) {
      const hover = await client.request('textDocument/hover', { textDocument: { uri: uri('greet.asm') }, position: { line: moved, character: lines[moved]!.indexOf('print') + 1 } });
      value = hover?.contents?.value ?? '';
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(value).toContain('`print`: .text+0x35');
    expect(value).not.toContain('address');
  });

  it('finds the program in the folder syscallLens.buildDirectory names (relative to the workspace folder)', async () => {
    // An empty cache: the program is only in out/.
    const emptyCache = mkdtempSync(path.join(cache, 'empty-'));
    const other = await TestClient.start(await bundleServer(), { settings: { buildDirectory: 'out' } }, dir, undefined, {}, { ...process.env, XDG_CACHE_HOME: emptyCache });
    try {
      const built = await buildProgram({ source: path.join(dir, 'greet.asm'), buildDirectory: path.join(dir, 'out') });
      expect(built.ok).toBe(true);
      await other.open(uri('greet.asm'), text('greet.asm'));
      const lines = text('greet.asm').split('\n');
      const line = lines.findIndex((l) => l.includes('call    print'));
      let value = '';
      for (let i = 0; i < 150 && !value.includes('in the built program'); i++) {
        const hover = await other.request('textDocument/hover', { textDocument: { uri: uri('greet.asm') }, position: { line, character: lines[line]!.indexOf('print') + 1 } });
        value = hover?.contents?.value ?? '';
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(value).toContain(`(address 0x${nmOf(built.program).get('print')!.toString(16)} in the built program)`);
    } finally {
      await other.stop();
    }
  });
});
