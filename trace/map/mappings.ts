// Which file each process has mapped where, read off the trace itself: the loader maps every
// library with mmap(…, PROT_…EXEC…, fd, offset), and strace's -y names the fd's file. (The kernel
// maps the program and its interpreter at execve; those never show as calls.)
import type { SyscallEvent } from '../events';

export interface FileMapping {
  start: number;
  end: number;
  /** The file as -y printed it. */
  file: string;
  /** File offset mapped at `start`. */
  offset: number;
}

const CLONE_VM = /\bCLONE_VM\b/;

function findIn(mappings: readonly FileMapping[], address: number): { file: string; offset: number } | undefined {
  for (let i = mappings.length - 1; i >= 0; i--) {
    const mapping = mappings[i]!;
    if (address >= mapping.start && address < mapping.end) return { file: mapping.file, offset: mapping.offset + address - mapping.start };
  }
  return undefined;
}

export class ExecutableMappings {
  private readonly byPid = new Map<number, FileMapping[]>();
  /** Changes whenever any process's mappings change (what was decided from them may no longer hold). */
  generation = 0;

  /** Records a completed call that changes what a process has mapped. */
  observe(event: SyscallEvent): void {
    if (event.inProgress || event.errno !== undefined) return;
    switch (event.name) {
      case 'mmap': return this.mapped(event);
      // A new image: nothing mapped yet (and nothing to borrow, see find).
      case 'execve': case 'execveat': this.byPid.set(event.pid, []); this.generation++; return;
      case 'clone': case 'clone3': case 'fork': case 'vfork': return this.forked(event);
      case 'munmap': return this.unmapped(event);
    }
  }

  /** The file mapped at `address` in `pid`, with the offset in that file. */
  find(pid: number, address: number): { file: string; offset: number } | undefined {
    const mappings = this.byPid.get(pid);
    if (mappings) return findIn(mappings, address);
    // A new thread or child whose creator's clone has not returned yet (-f shows the child's first
    // calls before it): its memory is a copy of one we know. Only an answer every process agrees on.
    let found: { file: string; offset: number } | undefined;
    for (const other of this.byPid.values()) {
      const candidate = findIn(other, address);
      if (!candidate) continue;
      if (found && (found.file !== candidate.file || found.offset !== candidate.offset)) return undefined;
      found = candidate;
    }
    return found;
  }

  /** Every file a process has mapped as code (for one not known yet, every file any process has). */
  files(pid: number): string[] {
    const mappings = this.byPid.get(pid) ?? [...this.byPid.values()].flat();
    return [...new Set(mappings.map((m) => m.file))];
  }

  private mapped(event: SyscallEvent): void {
    const [, length, protection, , fd, offset] = event.args;
    const start = event.returnValue;
    if (!length || !protection?.text.includes('PROT_EXEC') || !fd?.fdPath || !offset || start === undefined) return;
    const size = Number(length.text);
    const at = Number(offset.text);
    if (!Number.isFinite(size) || !Number.isFinite(at)) return;
    const list = this.byPid.get(event.pid) ?? [];
    list.push({ start, end: start + size, file: fd.fdPath, offset: at });
    this.byPid.set(event.pid, list);
    this.generation++;
  }

  private unmapped(event: SyscallEvent): void {
    const list = this.byPid.get(event.pid);
    const start = Number(event.args[0]?.text);
    const size = Number(event.args[1]?.text);
    if (!list || !Number.isFinite(start) || !Number.isFinite(size)) return;
    // Only whole mappings inside the range go (dlclose); a partial unmap of code is not tracked.
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.start >= start && list[i]!.end <= start + size) {
        list.splice(i, 1);
        this.generation++;
      }
    }
  }

  private forked(event: SyscallEvent): void {
    const child = event.returnValue;
    const parent = this.byPid.get(event.pid);
    if (child === undefined || child <= 0 || !parent) return;
    // A thread (or vfork) shares the address space: later mappings show in both.
    const sharesMemory = event.name === 'vfork' || CLONE_VM.test(event.args.map((a) => a.text).join(' '));
    this.byPid.set(child, sharesMemory ? parent : [...parent]);
    this.generation++;
  }
}
