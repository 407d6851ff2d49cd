// Each load runs in a node process of its own, as in a new window: within one process V8 keeps what
// it compiled and would not read the cache at all.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

let root: string;
let loader: string;
let bundle: string;
let cacheDir: string;
const caches = () => readdirSync(cacheDir).filter((name) => name.endsWith('.v8'));

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'code-cache-'));
  loader = path.join(root, 'codeCache.cjs');
  esbuild.buildSync({ entryPoints: [path.resolve(__dirname, '../../../debug-adapter/codeCache.ts')], outfile: loader, bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning' });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let case_ = 0;
beforeEach(() => {
  const dir = path.join(root, `case-${case_++}`);
  bundle = path.join(dir, 'adapter.js');
  cacheDir = path.join(dir, 'cache');
  writeBundle('a + b');
});

function writeBundle(combine: string): void {
  const dir = path.dirname(bundle);
  mkdirSync(dir, { recursive: true });
  writeFileSync(bundle, `"use strict";\nmodule.exports = { combine: (a, b) => ${combine}, dir: __dirname, file: __filename };\n`);
}

/** Loads the bundle in a new node process, calls combine(a, b), saves the cache: what that process saw. */
function load(a: number, b: number): { usedCache: boolean; result: number; dir: string; file: string } {
  const script = `const { loadWithCodeCache } = require(${JSON.stringify(loader)});
const loaded = loadWithCodeCache(${JSON.stringify(bundle)}, ${JSON.stringify(cacheDir)});
const result = loaded.exports.combine(${a}, ${b});
loaded.saveCache();
process.stdout.write(JSON.stringify({ usedCache: loaded.usedCache, result, dir: loaded.exports.dir, file: loaded.exports.file }));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe('loading the adapter bundle with a V8 code cache', () => {
  it('loads the bundle as a CommonJS module, and a later process takes the cache the first one wrote', () => {
    expect(load(2, 3)).toEqual({ usedCache: false, result: 5, dir: path.dirname(bundle), file: bundle });
    expect(caches()).toHaveLength(1);
    expect(load(2, 3)).toMatchObject({ usedCache: true, result: 5 });
  });

  it('never runs a cache made for other source, even of the same length, and drops it', () => {
    load(2, 3);
    const before = caches();
    writeBundle('a - b');
    expect(load(2, 3)).toMatchObject({ usedCache: false, result: -1 });
    expect(caches()).toHaveLength(1);
    expect(caches()).not.toEqual(before);
    expect(load(2, 3)).toMatchObject({ usedCache: true, result: -1 });
  });

  it('compiles the bundle when the cache is damaged', () => {
    load(1, 1);
    writeFileSync(path.join(cacheDir, caches()[0]!), Buffer.from('not a code cache'));
    expect(load(4, 5)).toMatchObject({ usedCache: false, result: 9 });
  });

  it('loads the bundle when the cache folder cannot be written', () => {
    writeFileSync(cacheDir, 'a file where the folder would go');
    expect(load(1, 1)).toMatchObject({ usedCache: false, result: 2 });
  });
});
