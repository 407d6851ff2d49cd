// gdb started before the adapter's bundle is loaded: its start-up (its own, then its Python's) is the
// longest step before the first stop, so it begins first and runs beside the loading, the build and the
// first requests. The adapter's entry (entry.ts) does this for the standalone adapter; the extension
// does it when F5 starts the build (client/gdbAhead.ts). Small on purpose: it is in every bundle that
// starts gdb this way, ahead of the adapter itself.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { keptCommand } from './keeper';
import { spawnGdbProcess } from './mi/gdbProcess';

/** gdb's process under the keeper, as the adapter starts it (mi/gdb.ts takes it over). */
export function spawnGdbAhead(gdbPath: string): ChildProcessWithoutNullStreams {
  return spawnGdbProcess({ path: gdbPath, wrap: keptCommand });
}
