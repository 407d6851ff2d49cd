// When to run the analyses behind diagnostics: lints quickly after each edit, nasm debounced while
// typing and at once on open and save.

export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly delayMs: number) {}

  schedule(key: string, run: () => void, delayMs = this.delayMs): void {
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); run(); }, delayMs));
  }

  /** Whether a run for `key` is waiting for its delay. */
  pending(key: string): boolean {
    return this.timers.has(key);
  }

  cancel(key: string): void {
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
