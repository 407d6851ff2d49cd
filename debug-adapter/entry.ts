// The adapter's executable, dist/debug-adapter.js: it starts gdb, then loads the adapter itself
// (dist/debug-adapter-main.js, built from main.ts), which takes that gdb over (earlyGdb.ts). node compiles
// a whole file before running any of it; this one is small, so gdb's start-up (the longest step before
// the first stop) begins before node has compiled the adapter, not after.
import * as path from 'node:path';
import { cacheDirectory } from '../toolchain/cacheDirectory';
import { findExecutable } from '../toolchain/tools';
import { loadWithCodeCache } from './codeCache';
import { spawnGdbAhead } from './gdbAhead';
import { handOverGdbProcess, holdEventLoop } from './mi/gdbProcess';

/** A launch reaches its first stop well within this on a quiet machine. */
const CACHE_AFTER_MS = 2_000;

const gdbPath = findExecutable('gdb');
if (gdbPath) {
  const child = spawnGdbAhead(gdbPath);
  holdEventLoop(child, false); // the adapter decides, as for any gdb started ahead of use
  handOverGdbProcess(gdbPath, child);
}
// Most of loading the adapter is V8 compiling it: with the code cache an earlier adapter left
// (codeCache.ts) it does not. The cache is written once this adapter's session has launched (so it also
// holds what the launch compiled), off the way of the first stop; an adapter ended sooner leaves none.
const adapter = loadWithCodeCache(path.join(__dirname, 'debug-adapter-main.js'), cacheDirectory('code-cache'));
if (!adapter.usedCache) setTimeout(() => adapter.saveCache(), CACHE_AFTER_MS).unref();
