// The rendered form is valid NASM that assembles back to the same bytes (checked with real nasm).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderBytes } from '../../../nasm/byteString';
import { requireTool, runProgram } from '../../../toolchain/tools';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'byte-string-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function pseudoRandomBytes(seed: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    // Mostly printable text with quotes and backslashes, some control and high bytes.
    const pick = state % 10;
    bytes[i] = pick < 6 ? 0x20 + ((state >>> 8) % 95) : pick < 7 ? [0x22, 0x27, 0x60, 0x5c][(state >>> 8) % 4]! : (state >>> 8) % 256;
  }
  return bytes;
}

describe('rendered bytes assemble back to themselves', () => {
  it('for text, quotes, backslashes, control bytes, UTF-8 and stray high bytes', async () => {
    const nasm = requireTool('nasm');
    const samples: Uint8Array[] = [
      Buffer.from('Hello, world!\n\0'), Buffer.from(`say "it's" \`ok\` \\n`), Buffer.from('héllo wörld ✓'), new Uint8Array([0xc3, 0x28, 0xff, 0]),
      ...Array.from({ length: 40 }, (_, i) => pseudoRandomBytes(i + 1, 1 + (i * 7) % 60)),
    ];
    const source = path.join(scratch, 'bytes.asm');
    writeFileSync(source, samples.map((bytes) => `db ${renderBytes(bytes)}\n`).join(''));
    const output = path.join(scratch, 'bytes.bin');
    const result = await runProgram(nasm, ['-f', 'bin', '-o', output, source], { timeoutMs: 15_000 });
    expect(result.stderr).toBe('');
    expect(Buffer.from(readFileSync(output))).toEqual(Buffer.concat(samples));
  });
});
