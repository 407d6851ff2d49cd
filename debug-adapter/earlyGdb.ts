// gdb's start-up (its own, then its Python's) is the longest step before the first stop. The adapter's
// entry starts gdb before the rest of the adapter is even loaded, so that it runs beside that loading,
// the client's first requests and the build; the session takes it over (see startEarly.ts).
import { Gdb } from './mi/gdb';
import { takeGdbProcess } from './mi/gdbProcess';
import { keptCommand } from './keeper';
import { findExecutable } from '../toolchain/tools';

let early: { gdbPath: string; gdb: Promise<Gdb> } | undefined;

/** Starts gdb from the PATH under the keeper, if there is one. */
export function startEarlyGdb(): void {
  const gdbPath = findExecutable('gdb');
  if (!gdbPath || early) return;
  // Until a session takes it, this gdb must not keep the adapter alive: an adapter whose client never
  // came (or closed /dev/null as stdin) exits, and the keeper then ends gdb.
  // Started already when the adapter runs from its entry (entry.ts, dist/debug-adapter.js).
  const gdb = Gdb.start({ path: gdbPath, wrap: keptCommand, keepAlive: false, process: takeGdbProcess(gdbPath) });
  gdb.catch(() => undefined); // a failure shows when (and if) it is taken
  early = { gdbPath, gdb };
}

/** The early gdb, once; undefined when none was started. One that is not `gdbPath` is ended. */
export function takeEarlyGdb(gdbPath: string): Promise<Gdb> | undefined {
  const taken = early;
  early = undefined;
  if (!taken) return undefined;
  if (taken.gdbPath === gdbPath) return taken.gdb.then((gdb) => { gdb.keepAlive(true); return gdb; });
  void taken.gdb.then((gdb) => gdb.kill(), () => undefined);
  return undefined;
}
