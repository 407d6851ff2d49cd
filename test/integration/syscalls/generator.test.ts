import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../support/run';
import { TARBALL, TARBALL_MISSING_REASON, TARBALL_PRESENT } from '../../unit/syscalls/kernelSource';

const GENERATOR = 'scripts/gen-syscalls.mjs';
const outputs: string[] = [];

/** Runs the generator into a fresh directory; `extra` selects where the sources come from. */
async function generate(extra: string[]): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'gen-syscalls-test-'));
  outputs.push(out);
  const result = await run(process.execPath, [GENERATOR, '--tarball', TARBALL, '--out', out, ...extra]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return out;
}

const read = (dir: string, abi: string) => readFileSync(join(dir, `${abi}.json`));

/**
 * A table with its kernel version cut to the series (6.12.118 → 6.12): Debian ships each stable
 * point release of linux-source-6.12 in turn, and a machine set up later gets a newer one than the
 * committed tables name. Every syscall, number and parameter is still compared.
 */
function inSeries(dir: string, abi: string): unknown {
  const table = JSON.parse(read(dir, abi).toString()) as { kernel: string };
  return { ...table, kernel: table.kernel.split('.').slice(0, 2).join('.') };
}

describe('the table generator', () => {
  afterAll(() => outputs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it.skipIf(!TARBALL_PRESENT)('is deterministic and reproduces the committed tables from the tarball', async () => {
    // The tarball is decompressed once (the slow part); the second run reads the kept tree.
    const kept = mkdtempSync(join(tmpdir(), 'gen-syscalls-source-'));
    outputs.push(kept);
    const first = await generate(['--keep', kept]);
    const second = await generate(['--source', join(kept, readdirSync(kept)[0]!)]);
    for (const abi of ['x86_64', 'i386']) {
      expect(read(first, abi).equals(read(second, abi)), `${abi} differs between two runs`).toBe(true);
      expect(inSeries(first, abi), `${abi}.json is stale: run npm run gen:syscalls`).toEqual(inSeries('syscalls/data', abi));
    }
  }, 240_000);
  if (!TARBALL_PRESENT) console.warn(TARBALL_MISSING_REASON);

  it('fails with an actionable message when the tarball is missing', async () => {
    const result = await run(process.execPath, [GENERATOR, '--tarball', '/nonexistent/linux.tar.xz', '--out', tmpdir()]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('apt-get install linux-source-6.12');
  });
});
