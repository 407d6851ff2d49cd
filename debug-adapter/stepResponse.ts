// A step's DAP response, held until the step's stop. Most steps stop within a millisecond: the response
// then goes out with the `stopped` event in one write, so the client is woken once, and not while gdb
// is stepping (on a loaded machine the client, the adapter and gdb otherwise compete for the CPU on the
// critical path of every step). A step that runs longer (over a blocking call) gets its response
// after HOLD_MS, so the client shows it running and can pause it.
import type { DebugProtocol } from '@vscode/debugprotocol';

export const HOLD_MS = 10;

export class HeldResponse {
  private held: { response: DebugProtocol.Response; timer: NodeJS.Timeout } | undefined;

  constructor(private readonly send: (response: DebugProtocol.Response) => void) {}

  /** Holds `response` until release() (the stop, or any other message) or HOLD_MS, whichever comes first. */
  hold(response: DebugProtocol.Response, holdMs = HOLD_MS): void {
    this.release();
    this.held = { response, timer: setTimeout(() => this.release(), holdMs) };
  }

  get holding(): boolean {
    return this.held !== undefined;
  }

  /** Sends the held response, if any: before any other message, so the order stays that of DAP. */
  release(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    clearTimeout(held.timer);
    this.send(held.response);
  }
}
