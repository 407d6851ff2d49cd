// At most one run per key at a time, and only the newest matters: a new request cancels the running
// one (its abort signal fires, which ends the process tree), waits for it to end, then starts. Every
// caller waiting on the key gets the outcome of the newest run, which saw the newest text.

interface Slot<T> {
  /** The run in progress. */
  running: AbortController | undefined;
  /** The newest request not yet started; replaced by newer ones. */
  next: ((signal: AbortSignal) => Promise<T>) | undefined;
  waiters: { resolve: (value: T) => void; reject: (error: unknown) => void }[];
}

export class LatestRun<T> {
  private readonly slots = new Map<string, Slot<T>>();

  run(key: string, start: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { running: undefined, next: undefined, waiters: [] };
      this.slots.set(key, slot);
    }
    const promise = new Promise<T>((resolve, reject) => slot.waiters.push({ resolve, reject }));
    slot.next = start;
    if (slot.running) slot.running.abort();
    else this.startNext(key, slot);
    return promise;
  }

  /** Whether a run for `key` is in progress. */
  isRunning(key: string): boolean {
    return !!this.slots.get(key)?.running;
  }

  /** Cancels the run for `key` (a closed document); its callers get what the cancelled run returns. */
  cancel(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    slot.next = undefined;
    slot.running?.abort();
  }

  dispose(): void {
    for (const key of [...this.slots.keys()]) this.cancel(key);
  }

  private startNext(key: string, slot: Slot<T>): void {
    const start = slot.next!;
    slot.next = undefined;
    const controller = new AbortController();
    slot.running = controller;
    const settle = (outcome: { value: T } | { error: unknown }) => {
      slot.running = undefined;
      // A newer request arrived meanwhile: its run answers everyone waiting.
      if (slot.next) { this.startNext(key, slot); return; }
      this.slots.delete(key);
      for (const waiter of slot.waiters.splice(0)) {
        if ('value' in outcome) waiter.resolve(outcome.value); else waiter.reject(outcome.error);
      }
    };
    let started: Promise<T>;
    try {
      started = start(controller.signal);
    } catch (error) {
      started = Promise.reject(error);
    }
    started.then((value) => settle({ value }), (error: unknown) => settle({ error }));
  }
}
