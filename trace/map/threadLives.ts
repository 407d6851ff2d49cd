// A thread's calls that no frame of the user's code made are libc's own: those before the thread
// first reaches the user's code start it (rseq, set_robust_list, its signal mask), those after end
// it (madvise of its stack, exit). Threads are the children of a clone with CLONE_THREAD.
import type { CallOrigin, TraceEvent } from '../events';

export class ThreadLives {
  /** Each live thread, and whether it has made a call from the user's code yet. */
  private readonly threads = new Map<number, boolean>();
  /** Processes inside a thread-creating clone that has not returned yet. */
  private readonly creating = new Set<number>();
  /** Live processes and threads seen so far. */
  private readonly seen = new Set<number>();

  /** Follows thread creation and ends; every event of the trace comes through here, in order. */
  observe(event: TraceEvent): void {
    const pid = event.pid;
    if (event.kind === 'exit') {
      this.threads.delete(pid);
      this.creating.delete(pid);
      this.seen.delete(pid);
      return;
    }
    if (!this.seen.has(pid)) {
      // strace -f often shows a new thread's first calls before its creator's clone returns: a process
      // first seen while exactly one thread is being created is that thread.
      if (this.seen.size > 0 && this.creating.size === 1 && !this.threads.has(pid)) this.threads.set(pid, false);
      this.seen.add(pid);
    }
    if (event.kind !== 'syscall' || (event.name !== 'clone' && event.name !== 'clone3')) return;
    if (!event.args.some((arg) => arg.text.includes('CLONE_THREAD'))) return;
    if (event.inProgress) {
      this.creating.add(pid);
      return;
    }
    this.creating.delete(pid);
    const child = event.returnValue;
    if (child !== undefined && child > 0 && !this.threads.has(child)) this.threads.set(child, false);
  }

  /** A call of `pid` came from the user's code. */
  reachedUserCode(pid: number): void {
    if (this.threads.get(pid) === false) this.threads.set(pid, true);
  }

  /** Where a call of `pid` that no frame of the user's code made comes from, when `pid` is a thread. */
  originOutsideUserCode(pid: number): CallOrigin | undefined {
    const reached = this.threads.get(pid);
    return reached === undefined ? undefined : reached ? 'exit' : 'startup';
  }
}
