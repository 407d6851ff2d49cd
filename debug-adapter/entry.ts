// The adapter's executable, dist/debug-adapter.js: it starts gdb, then loads the adapter itself
// (dist/debug-adapter-main.js, built from main.ts), which takes that gdb over (earlyGdb.ts). node compiles
// a whole file before running any of it; this one is small, so gdb's start-up (the longest step before
// the first stop) begins before node has compiled the adapter, not after.
import * as path from 'node:path';
import { findExecutable } from '../toolchain/tools';
import { spawnGdbAhead } from './gdbAhead';
import { handOverGdbProcess, holdEventLoop } from './mi/gdbProcess';

const gdbPath = findExecutable('gdb');
if (gdbPath) {
  const child = spawnGdbAhead(gdbPath);
  holdEventLoop(child, false); // the adapter decides, as for any gdb started ahead of use
  handOverGdbProcess(gdbPath, child);
}
require(path.join(__dirname, 'debug-adapter-main.js'));
