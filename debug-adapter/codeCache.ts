// A bundle loaded into this process with a V8 code cache. The adapter's bundle is loaded on the way to the
// first stop — by the extension host on a window's first F5 (client/inlineAdapter.ts), by the adapter's
// own entry whenever an editor spawns it (entry.ts) — and most of that load is V8 compiling it; the first
// session then compiles each function it calls. A cache written after a session has run holds both, so
// the next load skips them. The debugger bench loads the bundles the same way.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Script } from 'node:vm';

export interface CachedBundle<T> {
  exports: T;
  /** Whether V8 took the cache (false: none yet, or made by another V8). */
  usedCache: boolean;
  /** Writes the cache when it was not used; call once the bundle's code has run (its functions compiled). */
  saveCache(): void;
}

/**
 * Loads `file` as node's require would (module, exports, require, __filename and __dirname as in a
 * CommonJS module), with the code cache kept in `cacheDir`. The cache's name holds a hash of the source
 * and V8's version: V8 checks only the source's length and would take a stale cache for an edited bundle.
 */
export function loadWithCodeCache<T>(file: string, cacheDir: string): CachedBundle<T> {
  const source = readFileSync(file, 'utf8');
  const stem = `${path.basename(file, '.js')}-`;
  const key = createHash('sha256').update(process.versions.v8).update('\0').update(source).digest('hex').slice(0, 32);
  const cacheFile = path.join(cacheDir, `${stem}${key}.v8`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch { /* none yet */ }
  // The same wrapper node puts around a CommonJS module, on the source's first line (stack traces keep their lines).
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
  const usedCache = cachedData !== undefined && !script.cachedDataRejected;
  let saved = usedCache;
  return {
    exports: module.exports,
    usedCache,
    saveCache() {
      if (saved) return;
      saved = true;
      try {
        mkdirSync(cacheDir, { recursive: true });
        const partial = `${cacheFile}.${process.pid}.part`;
        writeFileSync(partial, script.createCachedData());
        renameSync(partial, cacheFile); // a reader never sees half a cache
        // Caches of earlier versions of the bundle are of no further use.
        for (const name of readdirSync(cacheDir)) {
          if (name.startsWith(stem) && name.endsWith('.v8') && path.join(cacheDir, name) !== cacheFile) rmSync(path.join(cacheDir, name), { force: true });
        }
      } catch { /* no cache: the next load compiles, as without one */ }
    },
  };
}
