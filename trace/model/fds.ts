// File-descriptor provenance: for every descriptor a call passes, the call that created it. Each
// process has a descriptor table: the first process starts with 0, 1 and 2 inherited; fork copies
// the table and clone(CLONE_FILES) shares it (threads); close ends a descriptor, so a reused number
// is a new incarnation; execve drops the close-on-exec ones. Which arguments are descriptors and
// which calls return one come from the syscall database.
import { argumentDecoder, lookupSyscallByName, resultKind, type SyscallInfo } from '../../syscalls';
import type { SyscallEvent } from '../events';
import { ownCopy } from './ownCopy';

/** The seq of the call that created a descriptor; INHERITED for 0, 1 and 2 of the first process. */
export const INHERITED = 0;

interface Incarnation {
  seq: number;
  /** Closed by a successful execve (opened with a …CLOEXEC flag or given one by fcntl). */
  closeOnExec: boolean;
}

type Table = Map<number, Incarnation>;

const CLOEXEC = /\b[A-Z_]*CLOEXEC\b/;
// What -y prints after a descriptor number: `<path>`, `(deleted)` after it for a removed file. strace
// escapes a `>` in a path (`a\76b`), so the only bare `>` inside is the arrow of a socket that -yy
// names with its peer (`<UNIX-STREAM:[14801->14802]>`).
const FD_PATH = String.raw`(?:<(?:\\.|->|[^\\>])*>(?:\(deleted\))?)?`;
const FD_PAIR = new RegExp(String.raw`^\[(\d+)${FD_PATH}, (\d+)${FD_PATH}\]$`);
const FD_LIST_ITEM = new RegExp(String.raw`(\d+)${FD_PATH}(, |\])`, 'y');
const FORK_NAMES = new Set(['fork', 'vfork', 'clone', 'clone3']);
// pipe(2) and socketpair(2) return their two descriptors through an int[2] argument.
const FD_PAIR_PARAMS = new Set(['fildes', 'usockvec']);

/** What a syscall's entry says about descriptors, worked out once per syscall. */
interface DescriptorPlan {
  /** The argument indexes that are descriptors (fd or dirfd). */
  fdArguments: number[];
  /** The indexes of int[2] arguments that return two descriptors (pipe, socketpair). */
  pairArguments: number[];
  returnsFd: boolean;
  /** fork, vfork, clone, clone3. */
  forks: boolean;
  /** The call may read or change a descriptor table (most calls of a long trace do neither: getppid). */
  touchesTable: boolean;
}

/** Calls that change the table without passing or returning a descriptor the database marks as one. */
const TABLE_CHANGES = new Set(['close', 'close_range', 'fcntl', 'execve', 'execveat', ...FORK_NAMES]);

const plans = new Map<SyscallInfo, DescriptorPlan>();

function planOf(info: SyscallInfo): DescriptorPlan {
  let plan = plans.get(info);
  if (!plan) {
    const kinds = info.params.map((_, i) => argumentDecoder(info, i).kind);
    const fdArguments = kinds.flatMap((kind, i) => (kind === 'fd' || kind === 'dirfd' ? [i] : []));
    const pairArguments = info.params.flatMap((param, i) => (FD_PAIR_PARAMS.has(param.name) ? [i] : []));
    const returnsFd = resultKind(info) === 'fd';
    plan = {
      fdArguments, pairArguments, returnsFd, forks: FORK_NAMES.has(info.name),
      touchesTable: fdArguments.length > 0 || pairArguments.length > 0 || returnsFd || TABLE_CHANGES.has(info.name),
    };
    plans.set(info, plan);
  }
  return plan;
}

/** A name the syscall database does not know: only a fork's name still matters (see FdTracker.forking). */
function unknownPlan(name: string): DescriptorPlan {
  return { fdArguments: [], pairArguments: [], returnsFd: false, forks: FORK_NAMES.has(name), touchesTable: false };
}

export class FdTracker {
  private readonly tables = new Map<number, Table>();
  private firstPid: number | undefined;
  /**
   * Processes inside a fork/clone that has not returned yet. With -f strace often shows the child's
   * first calls before the parent's call returns: a new process then starts from its forking parent.
   */
  private readonly forking = new Map<number, SyscallEvent>();
  /** Children whose table was started that way, before their parent's call returned. */
  private readonly startedEarly = new Set<number>();

  /** The plan of the last call's name (calls come in runs of the same few), and per ABI by name. */
  private lastName = '';
  private lastAbi: SyscallEvent['abi'] | undefined;
  private lastPlan: DescriptorPlan | undefined;
  private readonly plansByName = { x86_64: new Map<string, DescriptorPlan>(), i386: new Map<string, DescriptorPlan>() };
  /** The last process's table (most calls come from the same process as the one before). */
  private lastPid = -1;
  private lastTable: Table | undefined;

  /** Sets `event.fdOrigins` for its descriptor arguments, then applies what the call did to the table. */
  observe(event: SyscallEvent): void {
    const plan = this.planFor(event.abi, event.name);
    if (plan.forks) {
      if (event.inProgress) this.forking.set(event.pid, event);
      else this.forking.delete(event.pid);
    }
    if (event.inProgress) return;
    const table = this.tableOf(event.pid);
    if (!plan.touchesTable) return;
    // Beside each argument, the seq of its descriptor's creator (only calls passing descriptors read their arguments).
    let origins: (number | undefined)[] | undefined;
    if (plan.fdArguments.length > 0) {
      const args = event.args;
      for (const i of plan.fdArguments) {
        const fd = i < args.length ? descriptorOf(args[i]!.text) : undefined;
        const origin = fd === undefined ? undefined : table.get(fd)?.seq;
        if (origin === undefined) continue;
        origins ??= new Array<number | undefined>(args.length).fill(undefined);
        origins[i] = origin;
      }
    }
    if (origins) event.fdOrigins = origins;
    if (event.errno !== undefined || event.returnValue === undefined || event.returnValue < 0) return;
    this.apply(event, plan, table);
  }

  private planFor(abi: SyscallEvent['abi'], name: string): DescriptorPlan {
    if (name === this.lastName && abi === this.lastAbi) return this.lastPlan!;
    const byName = this.plansByName[abi];
    let plan = byName.get(name);
    if (!plan) {
      const found = lookupSyscallByName(abi, name);
      plan = found.known ? planOf(found.syscall) : unknownPlan(name);
      // Names strace never prints (a log's garbage) are not remembered: the table stays the database's size.
      if (found.known) {
        name = ownCopy(name);
        byName.set(name, plan);
      }
    }
    this.lastName = name;
    this.lastAbi = abi;
    this.lastPlan = plan;
    return plan;
  }

  private apply(event: SyscallEvent, plan: DescriptorPlan, table: Table): void {
    const created = (fd: number) => table.set(fd, { seq: event.seq, closeOnExec: event.args.some((a) => CLOEXEC.test(a.text)) });
    const name = event.name;
    if (plan.returnsFd) created(event.returnValue!);
    else if (name === 'close') table.delete(descriptorOf(event.args[0]?.text) ?? -1);
    else if (name === 'close_range') this.closeRange(event, table);
    else if (name === 'fcntl') this.fcntl(event, table);
    else if (/^(execve|execveat)$/.test(name)) {
      for (const [fd, incarnation] of table) if (incarnation.closeOnExec) table.delete(fd);
    } else if (plan.forks && event.returnValue! > 0) {
      this.startChild(event.returnValue!, table, sharesFiles(event));
    } else if (name === 'recvmsg' || name === 'recvmmsg') {
      // Descriptors another process (or this one) sent with SCM_RIGHTS are new here.
      for (const fd of receivedDescriptors(event.args[1]?.text ?? '')) created(fd);
    }
    for (const i of plan.pairArguments) {
      // With -y each number carries its path: `[5<pipe:[566995]>, 6<pipe:[566995]>]`.
      const pair = FD_PAIR.exec(event.args[i]?.text ?? '');
      for (const fd of pair?.slice(1) ?? []) created(Number(fd));
    }
  }

  private closeRange(event: SyscallEvent, table: Table): void {
    const first = descriptorOf(event.args[0]?.text) ?? 0;
    const last = Number(event.args[1]?.text ?? first);
    const onExecOnly = /CLOSE_RANGE_CLOEXEC/.test(event.args[2]?.text ?? '');
    for (const [fd, incarnation] of table) {
      if (fd < first || fd > last) continue;
      if (onExecOnly) incarnation.closeOnExec = true;
      else table.delete(fd);
    }
  }

  private fcntl(event: SyscallEvent, table: Table): void {
    const command = event.args[1]?.text ?? '';
    if (/^F_DUPFD/.test(command)) table.set(event.returnValue!, { seq: event.seq, closeOnExec: command === 'F_DUPFD_CLOEXEC' });
    const fd = descriptorOf(event.args[0]?.text);
    const incarnation = fd === undefined ? undefined : table.get(fd);
    if (command === 'F_SETFD' && incarnation) incarnation.closeOnExec = CLOEXEC.test(event.args[2]?.text ?? '');
  }

  /** A new process: a copy of its parent's table, or the same table when it shares it (CLONE_FILES). */
  private startChild(pid: number, parent: Table, shared: boolean): void {
    // Its table was started from this fork already, and has seen its first calls since.
    if (this.startedEarly.delete(pid)) return;
    const early = this.tables.get(pid);
    const table = shared ? parent : copyTable(parent);
    // strace may show the child's first calls before the parent's clone returns (see forking).
    if (early && early !== table) for (const [fd, incarnation] of early) table.set(fd, incarnation);
    this.tables.set(pid, table);
    if (pid === this.lastPid) this.lastPid = -1;
  }

  private tableOf(pid: number): Table {
    if (pid === this.lastPid) return this.lastTable!;
    let table = this.tables.get(pid);
    if (!table) {
      this.firstPid ??= pid;
      table = new Map();
      if (pid === this.firstPid) for (const fd of [0, 1, 2]) table.set(fd, { seq: INHERITED, closeOnExec: false });
      else if (this.forking.size === 1) {
        // The child of the one process that is forking (with several, which one is not known yet).
        const [[parentPid, fork]] = [...this.forking];
        const parent = this.tables.get(parentPid!);
        if (parent) {
          table = sharesFiles(fork!) ? parent : copyTable(parent);
          this.startedEarly.add(pid);
        }
      }
      this.tables.set(pid, table);
    }
    this.lastPid = pid;
    this.lastTable = table;
    return table;
  }
}

/**
 * The descriptors an SCM_RIGHTS control message carries: `cmsg_type=SCM_RIGHTS, cmsg_data=[9</etc/a>, 10]`
 * (with -X verbose, `cmsg_type=0x1 /* SCM_RIGHTS *\/`). With -y each number carries its path.
 */
export function receivedDescriptors(message: string): number[] {
  const fds: number[] = [];
  const start = /SCM_RIGHTS\b[^{}]*?cmsg_data=\[/g;
  for (let match = start.exec(message); match; match = start.exec(message)) {
    const item = FD_LIST_ITEM;
    item.lastIndex = start.lastIndex;
    for (let found = item.exec(message); found; found = item.exec(message)) {
      fds.push(Number(found[1]));
      if (found[2] === ']') break;
    }
  }
  return fds;
}

function sharesFiles(fork: SyscallEvent): boolean {
  return fork.args.some((a) => /\bCLONE_FILES\b/.test(a.text));
}

function copyTable(table: Table): Table {
  return new Map([...table].map(([fd, incarnation]) => [fd, { ...incarnation }]));
}

/** The descriptor a decimal argument names (`3`); undefined for anything else (`AT_FDCWD`, `-1`). */
function descriptorOf(text: string | undefined): number | undefined {
  if (text === undefined || text.length === 0) return undefined;
  let fd = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    fd = fd * 10 + (c - 48);
  }
  return fd;
}
