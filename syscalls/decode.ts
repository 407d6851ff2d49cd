import type { Abi, DecodedValue, ErrnoInfo, SyscallInfo, SyscallParam } from './types';
import { registerWidth } from './conventions';
import { errnoByNumber } from './errno';
import { signalName, standardSignals } from './signals';
import { lookupSyscallByName } from './table';
import {
  AT_FDCWD, CONSTANT_ALIASES, CONSTANT_SETS, FILE_TYPES, MODE_BITS, S_IFMT, STANDARD_FDS,
  type ConstantSet, type ConstantSetName, type FlagSet,
} from './constants';

/** How one parameter is shown. */
export type ArgumentDecoder =
  | { kind: 'set'; set: ConstantSetName }
  | { kind: 'fd' | 'dirfd' | 'mode' | 'signal' | 'pointer' | 'hex' | 'number' };

const FD_PARAMS = new Set(['fd', 'oldfd', 'newfd', 'fd_in', 'fd_out', 'fdin', 'fdout', 'in_fd', 'out_fd', 'epfd', 'ufd',
  'fanotify_fd', 'pidfd', 'mountdirfd', 'ruleset_fd', 'kernel_fd', 'initrd_fd', 'group_fd', 'fs_fd']);
const DIRFD_PARAMS = new Set(['dfd', 'olddfd', 'newdfd', 'from_dfd', 'to_dfd', 'dirfd']);

/** `syscall.param` → decoder; a syscall listed under several names shares the rule. */
const RULES: ReadonlyArray<readonly [string[], string, ArgumentDecoder]> = [
  [['open', 'openat'], 'flags', set('openFlags')],
  [['open', 'openat', 'creat', 'mkdir', 'mkdirat', 'chmod', 'fchmod', 'fchmodat', 'fchmodat2', 'mknod', 'mknodat', 'mq_open'], 'mode', { kind: 'mode' }],
  [['umask'], 'mask', { kind: 'mode' }],
  [['pipe2', 'dup3'], 'flags', set('descriptorFlags')],
  // The kernel names dup's descriptor `fildes`, like pipe's int[2] (which is not one).
  [['dup'], 'fildes', { kind: 'fd' }],
  [['mmap', 'mmap2', 'mprotect', 'pkey_mprotect', 'remap_file_pages'], 'prot', set('mmapProt')],
  [['mmap', 'mmap2'], 'flags', set('mmapFlags')],
  [['mremap'], 'flags', set('mremapFlags')],
  [['msync'], 'flags', set('msyncFlags')],
  [['mlockall'], 'flags', set('mlockallFlags')],
  [['madvise', 'process_madvise'], 'behavior', set('madviseAdvice')],
  [['clone'], 'clone_flags', set('cloneFlags')],
  [['unshare'], 'unshare_flags', set('namespaceFlags')],
  [['setns'], 'flags', set('namespaceFlags')],
  [['kill', 'tkill', 'tgkill', 'rt_sigaction', 'sigaction', 'signal', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'pidfd_send_signal'], 'sig', { kind: 'signal' }],
  [['fcntl', 'fcntl64'], 'cmd', set('fcntlCommand')],
  [['lseek', '_llseek'], 'whence', set('seekWhence')],
  [['fchownat', 'newfstatat', 'fstatat64', 'name_to_handle_at'], 'flag', set('atFlags')],
  [['statx'], 'flags', set('statxFlags')],
  [['statx'], 'mask', set('statxMask')],
  [['getrlimit', 'setrlimit', 'ugetrlimit', 'prlimit64'], 'resource', set('rlimitResource')],
  [['futex', 'futex_time64'], 'op', set('futexOperation')],
  [['ioctl'], 'cmd', set('ioctlRequest')],
  [['clock_gettime', 'clock_settime', 'clock_getres', 'clock_nanosleep', 'clock_adjtime', 'timer_create',
    'clock_gettime64', 'clock_settime64', 'clock_adjtime64', 'clock_getres_time64', 'clock_nanosleep_time64'], 'which_clock', set('clockId')],
  [['timerfd_create'], 'clockid', set('clockId')],
  [['clock_nanosleep', 'clock_nanosleep_time64', 'timer_settime', 'timer_settime64'], 'flags', set('timerFlags')],
  [['getitimer', 'setitimer'], 'which', set('itimerWhich')],
  [['socketcall'], 'call', set('socketcallCall')],
  // Offsets, ioctl arguments (usually addresses) and rseq's magic values read best in hex, as strace prints them.
  [['mmap'], 'off', { kind: 'hex' }],
  [['ioctl'], 'arg', { kind: 'hex' }],
  [['rseq'], 'rseq_len', { kind: 'hex' }],
  [['rseq'], 'sig', { kind: 'hex' }],
  [['linkat', 'utimensat', 'utimensat_time64', 'execveat', 'faccessat2', 'fchmodat2', 'open_tree'], 'flags', set('atFlags')],
  [['unlinkat'], 'flag', set('unlinkatFlags')],
  [['renameat2'], 'flags', set('renameFlags')],
  [['socket', 'socketpair'], 'family', set('socketDomain')],
  [['socket', 'socketpair'], 'type', set('socketType')],
  [['socket', 'socketpair'], 'protocol', set('socketProtocol')],
  [['accept4'], 'flags', set('socketFlags')],
  [['shutdown'], 'how', set('shutdownHow')],
  [['access', 'faccessat', 'faccessat2'], 'mode', set('accessMode')],
  [['wait4', 'waitid', 'waitpid'], 'options', set('waitOptions')],
  [['waitid'], 'which', set('waitIdType')],
  [['rt_sigprocmask', 'sigprocmask'], 'how', set('sigprocmaskHow')],
  [['getrandom'], 'flags', set('getrandomFlags')],
  [['eventfd2'], 'flags', set('eventfdFlags')],
  [['arch_prctl'], 'option', set('archPrctlCode')],
  [['mmap', 'mmap2', 'munmap', 'mremap', 'brk', 'shmat'], 'addr', { kind: 'pointer' }],
  [['brk'], 'brk', { kind: 'pointer' }],
  [['mremap'], 'new_addr', { kind: 'pointer' }],
  [['mprotect', 'pkey_mprotect', 'madvise', 'msync', 'mlock', 'mlock2', 'munlock', 'mincore', 'mbind', 'remap_file_pages', 'mseal'], 'start', { kind: 'pointer' }],
  [['arch_prctl'], 'arg2', { kind: 'pointer' }],
];

function set(name: ConstantSetName): ArgumentDecoder {
  return { kind: 'set', set: name };
}

let ruleIndex: Map<string, ArgumentDecoder> | undefined;

function rule(syscall: string, param: string): ArgumentDecoder | undefined {
  if (!ruleIndex) {
    ruleIndex = new Map();
    for (const [names, param, decoder] of RULES) for (const name of names) ruleIndex.set(`${name}.${param}`, decoder);
  }
  return ruleIndex.get(`${syscall}.${param}`);
}

/** The decoder for parameter `index` of `syscall`. */
export function argumentDecoder(syscall: SyscallInfo, index: number): ArgumentDecoder {
  const param = syscall.params[index];
  if (!param) return { kind: 'number' };
  const explicit = rule(syscall.name, param.name);
  if (explicit) return explicit;
  if (DIRFD_PARAMS.has(param.name)) return { kind: 'dirfd' };
  if (FD_PARAMS.has(param.name)) return { kind: 'fd' };
  if (isPointerType(param.type)) return { kind: 'pointer' };
  return { kind: 'number' };
}

function isPointerType(type: string): boolean {
  return type.includes('*') || /\b(__sighandler_t|cap_user_header_t|cap_user_data_t)\b/.test(type);
}

interface CType {
  bits: number;
  signed: boolean;
}

/** Width and signedness of a kernel parameter type on this ABI: `int` is 32-bit on both, `long` follows the register. */
export function cTypeOf(type: string, abi: Abi): CType {
  const width = registerWidth(abi);
  const bare = type.replace(/\b(const|volatile|enum \w+)\b/g, (m) => (m.startsWith('enum') ? 'int' : '')).trim();
  if (isPointerType(bare)) return { bits: width, signed: false };
  const signed = !/^(unsigned\b|u\d+$|__u\d+$|size_t$|umode_t$|uid_t$|gid_t$|old_uid_t$|old_gid_t$|qid_t$|aio_context_t$|rwf_t$|old_sigset_t$)/.test(bare);
  if (/^(umode_t|old_uid_t|old_gid_t)$/.test(bare)) return { bits: 16, signed: false };
  // 64-bit types fill the register; on i386 a register holds only their low half anyway.
  if (/\blong\b|^(size_t|off_t|loff_t|aio_context_t|old_sigset_t|u64|__u64|__s64|time_t|clock_t)$/.test(bare)) {
    return { bits: width, signed };
  }
  return { bits: 32, signed };
}

/** Any input as a register value: 64-bit (or 32-bit on i386) two's complement. */
export function registerValue(abi: Abi, value: bigint | number): bigint {
  const big = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
  return BigInt.asUintN(registerWidth(abi), big);
}

/** The register narrowed to a C type: an `int` takes the low 32 bits, signed. */
export function valueAsType(register: bigint, type: CType): bigint {
  return type.signed ? BigInt.asIntN(type.bits, register) : BigInt.asUintN(type.bits, register);
}

const hex = (n: bigint): string => (n < 0n ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`);

/** Decodes argument `index` of `syscall` from a raw register value. */
export function decodeArgument(syscall: SyscallInfo, index: number, value: bigint | number): DecodedValue {
  const register = registerValue(syscall.abi, value);
  const param: SyscallParam | undefined = syscall.params[index];
  const type = param ? cTypeOf(param.type, syscall.abi) : { bits: registerWidth(syscall.abi), signed: false };
  const decoder = argumentDecoder(syscall, index);
  switch (decoder.kind) {
    case 'fd':
      return decodeFd(BigInt.asIntN(32, register));
    case 'dirfd': {
      const fd = BigInt.asIntN(32, register);
      return fd === BigInt(AT_FDCWD) ? { text: 'AT_FDCWD', kind: 'fd' } : decodeFd(fd);
    }
    case 'mode':
      return { text: decodeMode(Number(BigInt.asUintN(32, register))), kind: 'mode' };
    case 'signal': {
      const n = Number(BigInt.asIntN(32, register));
      const name = signalName(n);
      return { text: name ?? String(n), kind: name ? 'signal' : 'number' };
    }
    case 'pointer':
      return { text: register === 0n ? 'NULL' : hex(register), kind: 'pointer' };
    case 'hex': {
      const n = valueAsType(register, { bits: type.bits, signed: false });
      return { text: n === 0n ? '0' : hex(n), kind: 'number' };
    }
    case 'set': {
      const constants: ConstantSet = CONSTANT_SETS[decoder.set];
      const raw = BigInt.asUintN(type.bits, register);
      if (constants.kind === 'enum') {
        const signedValue = BigInt.asIntN(type.bits, register);
        const match = constants.values.find(([, v]) => BigInt(v) === (type.signed ? signedValue : raw));
        return match ? { text: match[0], kind: 'enum' } : { text: String(type.signed ? signedValue : raw), kind: 'number' };
      }
      return { text: formatFlags(constants, raw), kind: 'flags' };
    }
    case 'number':
      return { text: valueAsType(register, type).toString(), kind: 'number' };
  }
}

function decodeFd(fd: bigint): DecodedValue {
  const name = fd >= 0n && fd < BigInt(STANDARD_FDS.length) ? STANDARD_FDS[Number(fd)] : undefined;
  return { text: name ? `${fd} (${name})` : fd.toString(), kind: 'fd' };
}

/** `0x241` with the open flags → `O_WRONLY|O_CREAT|O_TRUNC`; unknown bits stay visible as hex. */
export function formatFlags(constants: FlagSet, value: bigint): string {
  const parts: string[] = [];
  let signalPart: string | undefined;
  let shiftedPart: string | undefined;
  let rest = value;
  if (constants.field) {
    const mask = BigInt(constants.field.mask);
    const fieldValue = rest & mask;
    rest &= ~mask;
    if ('signal' in constants.field) {
      // Shown last, as strace does: CLONE_VM|...|SIGCHLD.
      if (fieldValue !== 0n) signalPart = signalName(Number(fieldValue)) ?? hex(fieldValue);
    } else {
      const match = constants.field.values.find(([, v]) => BigInt(v) === fieldValue);
      if (match) parts.push(match[0]);
      else if (fieldValue !== 0n) parts.push(hex(fieldValue));
    }
  }
  if (constants.shifted) {
    const { name, shift, width } = constants.shifted;
    const mask = ((1n << BigInt(width)) - 1n) << BigInt(shift);
    const n = (rest & mask) >> BigInt(shift);
    rest &= ~mask;
    if (n !== 0n) shiftedPart = `${n}<<${name}`;
  }
  for (const [name, bit] of constants.bits) {
    const b = BigInt(bit);
    if (b !== 0n && (rest & b) === b) {
      parts.push(name);
      rest &= ~b;
    }
  }
  if (shiftedPart) parts.push(shiftedPart);
  if (rest !== 0n) parts.push(hex(rest));
  if (signalPart) parts.push(signalPart);
  if (parts.length === 0) return constants.zero ?? '0';
  return parts.join('|');
}

/** `0o644` → `0644 (rw-r--r--)`; `0o100755` → `0100755 (S_IFREG|rwxr-xr-x)`. */
export function decodeMode(mode: number): string {
  const octal = `0${(mode >>> 0).toString(8).padStart(3, '0')}`;
  if (mode >>> 0 > 0o177777) return octal;
  const type = FILE_TYPES.find(([, bits]) => (mode & S_IFMT) === bits)?.[0];
  const rwx = (shift: number, special: number, letter: string): string => {
    const bits = (mode >> shift) & 7;
    const execute = bits & 1;
    const x = mode & special ? (execute ? letter : letter.toUpperCase()) : execute ? 'x' : '-';
    return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${x}`;
  };
  const symbolic = rwx(6, 0o4000, 's') + rwx(3, 0o2000, 's') + rwx(0, 0o1000, 't');
  return `${octal} (${type ? `${type}|` : ''}${symbolic})`;
}

/** Syscalls whose result is an address rather than a count. */
const ADDRESS_RESULTS = new Set(['mmap', 'mmap2', 'mremap', 'brk', 'shmat']);
/** Syscalls whose result is a new file descriptor. */
const FD_RESULTS = new Set(['open', 'openat', 'openat2', 'creat', 'dup', 'dup2', 'dup3', 'socket', 'accept', 'accept4',
  'epoll_create', 'epoll_create1', 'eventfd', 'eventfd2', 'signalfd', 'signalfd4', 'timerfd_create', 'inotify_init',
  'inotify_init1', 'fanotify_init', 'memfd_create', 'memfd_secret', 'userfaultfd', 'perf_event_open', 'pidfd_open',
  'pidfd_getfd', 'io_uring_setup', 'open_by_handle_at', 'fsopen', 'fsmount', 'fspick', 'open_tree', 'mq_open',
  'landlock_create_ruleset', 'bpf']);

/** What a successful result is: a new descriptor, an address, or a plain number. */
export function resultKind(syscall: SyscallInfo): 'fd' | 'pointer' | 'number' {
  if (ADDRESS_RESULTS.has(syscall.name)) return 'pointer';
  if (FD_RESULTS.has(syscall.name)) return 'fd';
  return 'number';
}

/** The largest errno the kernel returns: results in −4095…−1 are failures. */
const MAX_ERRNO = 4095n;

/** Decodes the raw result register: `-2` → `-2 ENOENT (No such file or directory)`. */
export function decodeResult(syscall: SyscallInfo | undefined, value: bigint | number, abi: Abi = syscall?.abi ?? 'x86_64'): DecodedValue & { errno?: ErrnoInfo } {
  const register = registerValue(abi, value);
  const signed = BigInt.asIntN(registerWidth(abi), register);
  if (signed < 0n && signed >= -MAX_ERRNO) {
    const errno = errnoByNumber(Number(-signed));
    if (errno) return { text: `${signed} ${errno.name} (${errno.message})`, kind: 'errno', errno };
    return { text: `${signed} (errno ${-signed})`, kind: 'errno' };
  }
  const kind = syscall ? resultKind(syscall) : 'number';
  if (kind === 'pointer') return { text: hex(register), kind: 'pointer' };
  if (kind === 'fd') return decodeFd(signed);
  return { text: signed.toString(), kind: 'number' };
}

/** The constant set used for argument `index`, if any (for completions). */
export function constantsForArgument(syscall: SyscallInfo, index: number): Array<{ name: string; value: number }> {
  const decoder = argumentDecoder(syscall, index);
  if (decoder.kind === 'set') return constantsOf(CONSTANT_SETS[decoder.set]);
  if (decoder.kind === 'mode') return MODE_BITS.map(([name, value]) => ({ name, value }));
  if (decoder.kind === 'signal') return standardSignals();
  if (decoder.kind === 'dirfd') return [{ name: 'AT_FDCWD', value: AT_FDCWD }];
  if (decoder.kind === 'fd') return STANDARD_FDS.map((name, value) => ({ name: `STD${name.slice(3).toUpperCase()}_FILENO`, value }));
  return [];
}

/**
 * Turns `O_WRONLY|O_CREAT` back into a number. `target` is a constant set name such as `mmapProt`, or a
 * syscall name of `abi`: then the first parameter (or the one named `param`) whose constants name every
 * token is used. Numbers inside the expression (`0x8000`, `0644`) are accepted. Undefined when a name is unknown.
 */
export function encodeFlags(target: string, expression: string, param?: string, abi: Abi = 'x86_64'): number | undefined {
  const tokens = expression.split('|').map((t) => t.trim());
  if (tokens.some((t) => t === '')) return undefined;
  const candidates: Array<ReadonlyArray<{ name: string; value: number }>> = [];
  if (target in CONSTANT_SETS) candidates.push(constantsOf(CONSTANT_SETS[target as ConstantSetName]));
  else {
    const lookup = lookupSyscallByName(abi, target);
    if (!lookup.known) return undefined;
    const syscall = lookup.syscall;
    syscall.params.forEach((p, i) => {
      if (!param || p.name === param) candidates.push(constantsForArgument(syscall, i));
    });
  }
  for (const constants of candidates) {
    if (constants.length === 0) continue;
    const names = new Map(constants.map((c) => [c.name, c.value]));
    let result = 0n;
    let complete = true;
    for (const token of tokens) {
      const known = names.get(token) ?? names.get(CONSTANT_ALIASES[token] ?? '');
      const shifted = token.match(/^(\d+)\s*<<\s*(\w+)$/);
      if (known !== undefined) result |= BigInt(known);
      else if (shifted && SHIFTS[shifted[2]!] !== undefined) result |= BigInt(shifted[1]!) << BigInt(SHIFTS[shifted[2]!]!);
      else if (/^(0x[0-9a-f]+|0o?[0-7]+|[1-9][0-9]*|0)$/i.test(token)) result |= parseNumber(token);
      else complete = false;
    }
    if (complete) return Number(result);
  }
  return undefined;
}

/** Shift names a number can be written against, e.g. `21<<MAP_HUGE_SHIFT`. */
const SHIFTS: Readonly<Record<string, number>> = Object.fromEntries(Object.values(CONSTANT_SETS)
  .flatMap((set) => (set.kind === 'flags' && set.shifted ? [[set.shifted.name, set.shifted.shift]] : [])));

function constantsOf(constants: ConstantSet): Array<{ name: string; value: number }> {
  const pairs = constants.kind === 'enum'
    ? constants.values
    : [...(constants.field && 'values' in constants.field ? constants.field.values : []), ...constants.bits];
  return pairs.map(([name, value]) => ({ name, value }));
}

/** C-style numbers: 0x1f hex, leading 0 octal (0644), else decimal. */
function parseNumber(token: string): bigint {
  const lower = token.toLowerCase();
  if (lower.startsWith('0x')) return BigInt(lower);
  if (lower.startsWith('0o')) return BigInt(lower);
  if (lower.length > 1 && lower.startsWith('0')) return BigInt(`0o${lower.slice(1)}`);
  return BigInt(lower);
}
