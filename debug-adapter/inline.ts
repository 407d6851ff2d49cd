// The adapter inside a node process that is already running — VS Code's extension host — instead of a
// process of its own (dist/debug-adapter-inline.js, loaded at the first debug session). F5 then pays
// neither node's start-up nor a process hop per message: the client calls handleMessage and listens to
// onDidSendMessage, with no framing. The host lives on after the session, so the session must leave
// nothing of its own behind: no process (dispose and end() end the whole tree), and never the host's
// exit (the standalone adapter exits when its client goes; see main.ts).
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { keptCommand } from './keeper';
import { Gdb } from './mi/gdb';
import { SyscallGdbSession, type StartedGdb } from './session';

export class InlineSession extends SyscallGdbSession {
  private ahead: StartedGdb | undefined;

  /** `ahead`: a gdb started for this session before it was created (startGdb); the session owns it now. */
  constructor(ahead?: StartedGdb) {
    super();
    this.ahead = ahead;
  }

  protected override startedGdb(): StartedGdb | undefined {
    const ahead = this.ahead;
    this.ahead = undefined;
    return ahead;
  }

  /** DebugSession exits the process when its client goes; here the host's session ends with dispose() instead. */
  override shutdown(): void {}

  /** Ends the session's whole tree; resolves when gdb (and with it the program) is gone. */
  end(): Promise<void> {
    this.discardAhead();
    return this.endSession();
  }

  override dispose(): void {
    void this.end();
  }

  private discardAhead(): void {
    if (this.ahead) endGdb(this.ahead);
    this.ahead = undefined;
  }
}

/**
 * A session's gdb started ahead of it: the host spawns it when it knows a session is coming (F5's
 * build, before this bundle is even loaded; see gdbAhead.ts) and gives it to that session, or ends it.
 */
export function startGdb(gdbPath: string, process?: ChildProcessWithoutNullStreams): StartedGdb {
  const gdb = Gdb.start({ path: gdbPath, wrap: keptCommand, process });
  gdb.catch(() => undefined); // a failure shows when (and if) a session takes it
  return { gdbPath, gdb };
}

export function endGdb(started: StartedGdb): void {
  void started.gdb.then((gdb) => gdb.kill(), () => undefined);
}
