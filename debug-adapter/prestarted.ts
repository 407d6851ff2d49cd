// A process started ahead of need (gdb, the pty relay): taken if it fits the launch, ended otherwise.

export class Prestarted<T> {
  private value: Promise<T> | undefined;

  constructor(private readonly gdbPath: string, value: Promise<T>, private readonly dispose: (value: T) => unknown) {
    value.catch(() => undefined); // a failure shows when (and if) it is taken
    this.value = value;
  }

  /** The prestarted value when it was made with this gdb; otherwise it is ended and undefined returned. */
  take(gdbPath: string): Promise<T> | undefined {
    const value = this.value;
    this.value = undefined;
    if (!value || gdbPath === this.gdbPath) return value;
    void value.then(this.dispose, () => undefined);
    return undefined;
  }

  discard(): void {
    this.take('');
  }
}
