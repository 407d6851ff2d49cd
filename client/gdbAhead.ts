// At most one gdb started ahead of a debug session. F5 spawns it as soon as the launch is resolved,
// before the build and before the adapter's bundle is loaded, so that gdb's start-up (the longest step
// before the first stop) runs beside both; the session created next takes it. One that no session
// takes soon (a failed build, a failed preLaunchTask) is ended, as is any left at deactivation. No gdb
// runs ahead otherwise. vscode is imported for its types only: the bench drives this class too.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type * as vscode from 'vscode';
import { spawnGdbAhead } from '../debug-adapter/gdbAhead';
import type * as InlineBundle from '../debug-adapter/inline';
import type { StartedGdb } from '../debug-adapter/session';

/** Long enough for a slow build or preLaunchTask; a gdb waiting longer than this was not going to be used. */
const UNTAKEN_MS = 60_000;

export class GdbAhead implements vscode.Disposable {
  private started: { gdbPath: string; child: ChildProcessWithoutNullStreams } | undefined;
  private timer: NodeJS.Timeout | undefined;

  start(gdbPath: string): void {
    this.discard();
    const child = spawnGdbAhead(gdbPath);
    child.on('error', () => undefined); // reported by the session that takes it (mi/gdb.ts)
    this.started = { gdbPath, child };
    this.timer = setTimeout(() => this.discard(), UNTAKEN_MS);
  }

  /** The gdb started for the session being created, which owns it from now on; undefined when none was. */
  take(bundle: typeof InlineBundle): StartedGdb | undefined {
    const started = this.started;
    this.forget();
    return started && bundle.startGdb(started.gdbPath, started.child);
  }

  /** Ends the gdb waiting, if any (the keeper ends gdb with it). */
  discard(): void {
    const child = this.started?.child;
    this.forget();
    child?.kill('SIGTERM');
  }

  dispose(): void {
    this.discard();
  }

  /** The pid of the waiting gdb's keeper, for tests. */
  get pid(): number | undefined {
    return this.started?.child.pid;
  }

  private forget(): void {
    clearTimeout(this.timer);
    this.started = undefined;
    this.timer = undefined;
  }
}
