import type { Abi, SyscallCategory, SyscallInfo, SyscallLookup, SyscallParam } from './types';
import x86_64Data from './data/x86_64.json';
import i386Data from './data/i386.json';

/** The shape scripts/gen-syscalls.mjs writes. */
interface GeneratedTable {
  abi: string;
  kernel: string;
  source: string;
  syscalls: Array<{
    number: number;
    name: string;
    entry: string | null;
    params: SyscallParam[];
    returns: string;
    category: string;
    summary?: string;
    source?: string;
    noReturn?: boolean;
  }>;
}

const GENERATED: Record<Abi, GeneratedTable> = { x86_64: x86_64Data, i386: i386Data };

/** Man pages documenting a syscall under another name. */
const MAN_PAGE_ALIASES: Record<string, string> = {
  newfstatat: 'fstatat', fstatat64: 'fstatat64', _newselect: 'select', _llseek: 'llseek',
  oldfstat: 'fstat', oldstat: 'stat', oldlstat: 'lstat', olduname: 'uname', oldolduname: 'uname',
  umount2: 'umount2', ugetrlimit: 'getrlimit', prlimit64: 'prlimit', pselect6: 'pselect6', ppoll: 'ppoll',
};

export function manPageName(name: string): string {
  // i386's 64-bit-time variants (clock_gettime64, timer_settime64, ppoll_time64) share the page of the call.
  const base = MAN_PAGE_ALIASES[name] ?? name.replace(/_time64$|_time32$/, '').replace(/^((clock|timer|timerfd)_\w+)64$/, '$1');
  return base.replace(/^_+/, '');
}

export function manUrl(name: string): string {
  return `https://man7.org/linux/man-pages/man2/${manPageName(name)}.2.html`;
}

/** Where a table came from: `{ kernel: '6.12.118', source: 'linux-source-6.12.tar.xz' }`. */
export function tableOrigin(abi: Abi): { kernel: string; source: string } {
  return { kernel: GENERATED[abi].kernel, source: GENERATED[abi].source };
}

interface Index {
  all: readonly SyscallInfo[];
  byNumber: ReadonlyArray<SyscallInfo | undefined>;
  byName: ReadonlyMap<string, SyscallInfo>;
}

const indexes: Partial<Record<Abi, Index>> = {};

/** Built once per ABI on first use: a dense array by number and a map by name. */
function index(abi: Abi): Index {
  const existing = indexes[abi];
  if (existing) return existing;
  const all = GENERATED[abi].syscalls.map((row): SyscallInfo => Object.freeze({
    abi,
    number: row.number,
    name: row.name,
    entry: row.entry,
    params: row.params,
    returns: row.returns,
    category: row.category as SyscallCategory,
    ...(row.summary ? { summary: row.summary } : {}),
    ...(row.source ? { source: row.source } : {}),
    ...(row.noReturn ? { noReturn: true } : {}),
    manUrl: manUrl(row.name),
  }));
  const byNumber: Array<SyscallInfo | undefined> = [];
  const byName = new Map<string, SyscallInfo>();
  for (const syscall of all) {
    byNumber[syscall.number] = syscall;
    byName.set(syscall.name, syscall);
  }
  const built = { all: Object.freeze(all), byNumber, byName };
  indexes[abi] = built;
  return built;
}

const ABI_LABEL: Record<Abi, string> = { x86_64: 'x86-64', i386: 'i386' };

export function abiLabel(abi: Abi): string {
  return ABI_LABEL[abi];
}

/** The syscall with this number, or a typed "unknown syscall N" result. Never throws. */
export function lookupSyscall(abi: Abi, number: number | bigint): SyscallLookup {
  const n = typeof number === 'bigint' ? (number >= 0n && number <= 0xffffn ? Number(number) : NaN) : number;
  const syscall = Number.isInteger(n) && n >= 0 ? index(abi).byNumber[n] : undefined;
  if (syscall) return { known: true, syscall };
  const shown = typeof number === 'bigint' ? number.toString() : String(number);
  return {
    known: false, abi,
    ...(Number.isSafeInteger(n) ? { number: n } : {}),
    message: `unknown syscall ${shown}`,
  };
}

/** By name: `write`, `SYS_write` or `__NR_write`. Never throws. */
export function lookupSyscallByName(abi: Abi, name: string): SyscallLookup {
  // Most lookups are of a bare name as strace prints it (once per traced call): tried as it is first.
  const { byName } = index(abi);
  const syscall = byName.get(name) ?? byName.get(name.trim().replace(/^(SYS_|__NR_)/, ''));
  if (syscall) return { known: true, syscall };
  return { known: false, abi, name, message: `unknown syscall ${name}` };
}

/** Every syscall of the ABI, in number order. */
export function allSyscalls(abi: Abi): readonly SyscallInfo[] {
  return index(abi).all;
}
