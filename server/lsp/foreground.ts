// Requests before background work. The workspace index and the first nasm run of an opened file wait
// for a turn of the event loop in which no message was handled, so what the editor asks for is answered
// first and background work fills the gaps.

function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

export class Foreground {
  private handled = 0;

  /** Every request and notification handler calls this when it starts (through the guard). */
  noteMessage(): void {
    this.handled++;
  }

  /**
   * Resolves once every message already received has been handled. vscode-jsonrpc handles one message
   * per turn (a setImmediate queued when data is read), after an immediate queued earlier: two turns in
   * which nothing was handled mean its queue is empty; while messages keep coming this keeps waiting.
   */
  async idle(): Promise<void> {
    for (;;) {
      const seen = this.handled;
      await nextTurn();
      await nextTurn();
      if (this.handled === seen) return;
    }
  }
}
