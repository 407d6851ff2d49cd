// nasm's listing read by nasm/listing.ts agrees with what nasm really wrote: the fixtures are its
// output, section sizes equal `size -A` of the object, and flat shellcode bytes equal the .bin file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseListing, recordSize } from '../../../nasm/listing';
import { shellcodeBytes } from '../../../nasm/shellcode';
import { assembleListing, detectFormat } from '../../../toolchain/build';

const ROOT = path.resolve(__dirname, '../../..');
const LISTINGS = path.join(ROOT, 'test/fixtures/nasm/listing');
const work = mkdtempSync(path.join(tmpdir(), 'syscall-lens-listing-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FLAT = ['exit-nul', 'exit-clean', 'write-abs'];

/** nasm run by hand (not through the code under test) into files this test owns. */
function nasm(source: string, format: string, out: string, includes: string[] = []): void {
  const run = spawnSync('nasm', ['-f', format, ...includes.map((dir) => `-I${dir}/`), '-l', `${out}.lst`, '-o', out, source], { cwd: path.dirname(source), encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
}

describe('the listing fixtures', () => {
  it('are what this nasm writes', () => {
    for (const name of ['corpus', 'labels', ...FLAT]) {
      const out = path.join(work, name);
      nasm(path.join(LISTINGS, `${name}.asm`), name === 'corpus' || name === 'labels' ? 'elf64' : 'bin', out);
      expect(readFileSync(`${out}.lst`, 'utf8'), name).toBe(readFileSync(path.join(LISTINGS, `${name}.lst`), 'utf8'));
    }
  });
});

/** Realistic programs we did not write for this test: the examples and the other features' fixtures. */
function corpus(): { source: string; includes: string[] }[] {
  const asm = (dir: string) => readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.asm')).map((f) => ({ source: path.join(ROOT, dir, f), includes: [] }));
  return [
    ...asm('examples'), ...asm('test/fixtures/trace'), ...asm('test/fixtures/dap'),
    { source: path.join(LISTINGS, 'corpus.asm'), includes: [] },
    { source: path.join(ROOT, 'test/fixtures/toolchain/project/src/app/count.asm'), includes: [path.join(ROOT, 'test/fixtures/toolchain/project/include')] },
  ];
}

/** `size -A` of an object: section → size. */
function sizeOf(object: string): Map<string, number> {
  const run = spawnSync('size', ['-A', object], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const sizes = new Map<string, number>();
  for (const match of run.stdout.matchAll(/^(\.\S+)\s+(\d+)\s+\d+\s*$/gm)) sizes.set(match[1]!, Number(match[2]));
  return sizes;
}

describe('section sizes from the listing', () => {
  const programs = corpus();
  it(`equal size -A for each of ${programs.length} programs`, async () => {
    let checked = 0;
    for (const { source, includes } of programs) {
      const text = readFileSync(source, 'utf8');
      if (/^\s*%include\s+"[^"]*\.\.\//m.test(text) && includes.length === 0) continue;
      const assembled = await assembleListing({ source, includePaths: includes });
      if (!assembled.ok) continue; // fixtures that are meant not to assemble
      const fromListing = new Map<string, number>();
      for (const record of parseListing(assembled.listing)) {
        fromListing.set(record.section, (fromListing.get(record.section) ?? 0) + recordSize(record) + record.reserved * record.repeat);
      }
      const object = path.join(work, `size-${checked}.o`);
      nasm(source, detectFormat(text), object, includes);
      const fromSize = sizeOf(object);
      for (const [section, size] of fromListing) expect([path.basename(source), section, size]).toEqual([path.basename(source), section, fromSize.get(section)]);
      // Every non-empty section of the object is in the listing.
      for (const [section, size] of fromSize) if (size > 0) expect(fromListing.has(section), `${path.basename(source)} ${section}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(25);
  });
});

describe('flat shellcode', () => {
  it('has exactly the bytes of the .bin nasm writes', async () => {
    for (const name of FLAT) {
      const source = path.join(LISTINGS, `${name}.asm`);
      const out = path.join(work, `${name}.bin`);
      nasm(source, 'bin', out);
      const assembled = await assembleListing({ source, format: 'bin' });
      expect(Buffer.from(shellcodeBytes(parseListing(assembled.listing))!).equals(readFileSync(out)), name).toBe(true);
    }
  });
});
