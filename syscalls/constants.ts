// Constant tables for argument decoding, with values from the kernel uapi headers (asm-generic/fcntl.h,
// asm-generic/mman-common.h, asm/mman.h, linux/sched.h, linux/wait.h, linux/socket.h, linux/in.h, ...).
// test/unit/syscalls/constants.test.ts checks every value against the installed headers.

/** Bit flags; composite constants (O_SYNC = __O_SYNC|O_DSYNC) come before their parts. */
export interface FlagSet {
  kind: 'flags';
  bits: ReadonlyArray<readonly [string, number]>;
  /** A multi-bit field inside the value, decoded as one choice (open's access mode, the socket type). */
  field?: { mask: number; values: ReadonlyArray<readonly [string, number]> } | { mask: number; signal: true };
  /** A number stored at a bit offset, shown as `21<<MAP_HUGE_SHIFT` (the huge page size of mmap). */
  shifted?: { name: string; shift: number; width: number };
  /** Shown when the value is 0 and no field names it. */
  zero?: string;
}

/** One value out of a list. */
export interface EnumSet {
  kind: 'enum';
  values: ReadonlyArray<readonly [string, number]>;
}

export type ConstantSet = FlagSet | EnumSet;

// In strace's order, so the editor, the debugger and the trace panel print the same text.
const O_FLAGS: FlagSet['bits'] = [
  ['O_CREAT', 0o100], ['O_EXCL', 0o200], ['O_NOCTTY', 0o400], ['O_TRUNC', 0o1000], ['O_APPEND', 0o2000],
  ['O_NONBLOCK', 0o4000], ['O_SYNC', 0o4010000], ['O_DSYNC', 0o10000], ['O_DIRECT', 0o40000],
  ['O_LARGEFILE', 0o100000], ['O_NOFOLLOW', 0o400000], ['O_NOATIME', 0o1000000], ['O_CLOEXEC', 0o2000000],
  ['O_PATH', 0o10000000], ['O_TMPFILE', 0o20200000], ['O_DIRECTORY', 0o200000], ['FASYNC', 0o20000],
];

const FUTEX_COMMANDS: ReadonlyArray<readonly [string, number]> = [
  ['FUTEX_WAIT', 0], ['FUTEX_WAKE', 1], ['FUTEX_FD', 2], ['FUTEX_REQUEUE', 3], ['FUTEX_CMP_REQUEUE', 4],
  ['FUTEX_WAKE_OP', 5], ['FUTEX_LOCK_PI', 6], ['FUTEX_UNLOCK_PI', 7], ['FUTEX_TRYLOCK_PI', 8],
  ['FUTEX_WAIT_BITSET', 9], ['FUTEX_WAKE_BITSET', 10], ['FUTEX_WAIT_REQUEUE_PI', 11],
  ['FUTEX_CMP_REQUEUE_PI', 12], ['FUTEX_LOCK_PI2', 13],
];
/** FUTEX_PRIVATE_FLAG (128) is written as a `_PRIVATE` suffix of the command; FUTEX_FD has none. */
const FUTEX_PRIVATE_FLAG = 128;

const SETS = {
  /** open/openat flags: the low two bits are the access mode, O_RDONLY being 0. */
  openFlags: {
    kind: 'flags', bits: O_FLAGS,
    field: { mask: 0o3, values: [['O_RDONLY', 0], ['O_WRONLY', 1], ['O_RDWR', 2]] },
  },
  /** pipe2, dup3: descriptor flags without an access mode. */
  descriptorFlags: {
    kind: 'flags', bits: [['O_NONBLOCK', 0o4000], ['O_DIRECT', 0o40000], ['O_CLOEXEC', 0o2000000], ['O_NOTIFICATION_PIPE', 0o200]],
    zero: '0',
  },
  mmapProt: {
    kind: 'flags', zero: 'PROT_NONE',
    bits: [['PROT_READ', 0x1], ['PROT_WRITE', 0x2], ['PROT_EXEC', 0x4], ['PROT_SEM', 0x8],
      ['PROT_GROWSDOWN', 0x01000000], ['PROT_GROWSUP', 0x02000000]],
  },
  /**
   * The low nibble (MAP_TYPE) selects shared or private; bits 26..31 hold log2 of the huge page size
   * (MAP_HUGE_SHIFT; MAP_UNINITIALIZED shares bit 26 and is left out, as strace does).
   */
  mmapFlags: {
    kind: 'flags', zero: '0',
    field: { mask: 0x0f, values: [['MAP_SHARED', 0x01], ['MAP_PRIVATE', 0x02], ['MAP_SHARED_VALIDATE', 0x03]] },
    bits: [['MAP_FIXED', 0x10], ['MAP_ANONYMOUS', 0x20], ['MAP_32BIT', 0x40], ['MAP_NORESERVE', 0x4000],
      ['MAP_POPULATE', 0x8000], ['MAP_NONBLOCK', 0x10000], ['MAP_GROWSDOWN', 0x100], ['MAP_DENYWRITE', 0x800],
      ['MAP_EXECUTABLE', 0x1000], ['MAP_LOCKED', 0x2000], ['MAP_STACK', 0x20000], ['MAP_HUGETLB', 0x40000],
      ['MAP_SYNC', 0x80000], ['MAP_FIXED_NOREPLACE', 0x100000]],
    shifted: { name: 'MAP_HUGE_SHIFT', shift: 26, width: 6 },
  },
  mremapFlags: { kind: 'flags', zero: '0', bits: [['MREMAP_MAYMOVE', 1], ['MREMAP_FIXED', 2], ['MREMAP_DONTUNMAP', 4]] },
  msyncFlags: { kind: 'flags', zero: '0', bits: [['MS_SYNC', 4], ['MS_ASYNC', 1], ['MS_INVALIDATE', 2]] },
  mlockallFlags: { kind: 'flags', zero: '0', bits: [['MCL_CURRENT', 1], ['MCL_FUTURE', 2], ['MCL_ONFAULT', 4]] },
  madviseAdvice: {
    kind: 'enum',
    values: [['MADV_NORMAL', 0], ['MADV_RANDOM', 1], ['MADV_SEQUENTIAL', 2], ['MADV_WILLNEED', 3], ['MADV_DONTNEED', 4],
      ['MADV_FREE', 8], ['MADV_REMOVE', 9], ['MADV_DONTFORK', 10], ['MADV_DOFORK', 11], ['MADV_MERGEABLE', 12],
      ['MADV_UNMERGEABLE', 13], ['MADV_HUGEPAGE', 14], ['MADV_NOHUGEPAGE', 15], ['MADV_DONTDUMP', 16],
      ['MADV_DODUMP', 17], ['MADV_WIPEONFORK', 18], ['MADV_KEEPONFORK', 19], ['MADV_COLD', 20], ['MADV_PAGEOUT', 21],
      ['MADV_POPULATE_READ', 22], ['MADV_POPULATE_WRITE', 23], ['MADV_DONTNEED_LOCKED', 24], ['MADV_COLLAPSE', 25],
      ['MADV_HWPOISON', 100], ['MADV_SOFT_OFFLINE', 101]],
  },
  /** clone(): the low byte is the signal sent to the parent when the child exits (CSIGNAL). */
  cloneFlags: {
    kind: 'flags', zero: '0', field: { mask: 0xff, signal: true },
    bits: [['CLONE_VM', 0x100], ['CLONE_FS', 0x200], ['CLONE_FILES', 0x400], ['CLONE_SIGHAND', 0x800],
      ['CLONE_PIDFD', 0x1000], ['CLONE_PTRACE', 0x2000], ['CLONE_VFORK', 0x4000], ['CLONE_PARENT', 0x8000],
      ['CLONE_THREAD', 0x10000], ['CLONE_NEWNS', 0x20000], ['CLONE_SYSVSEM', 0x40000], ['CLONE_SETTLS', 0x80000],
      ['CLONE_PARENT_SETTID', 0x100000], ['CLONE_CHILD_CLEARTID', 0x200000], ['CLONE_DETACHED', 0x400000],
      ['CLONE_UNTRACED', 0x800000], ['CLONE_CHILD_SETTID', 0x1000000], ['CLONE_NEWCGROUP', 0x2000000],
      ['CLONE_NEWUTS', 0x4000000], ['CLONE_NEWIPC', 0x8000000], ['CLONE_NEWUSER', 0x10000000],
      ['CLONE_NEWPID', 0x20000000], ['CLONE_NEWNET', 0x40000000], ['CLONE_IO', 0x80000000],
      ['CLONE_CLEAR_SIGHAND', 0x100000000], ['CLONE_INTO_CGROUP', 0x200000000]],
  },
  /** unshare, setns: namespace bits; CLONE_NEWTIME (0x80) only exists where no exit signal is encoded. */
  namespaceFlags: {
    kind: 'flags', zero: '0',
    bits: [['CLONE_NEWTIME', 0x80], ['CLONE_FS', 0x200], ['CLONE_FILES', 0x400], ['CLONE_NEWNS', 0x20000],
      ['CLONE_SYSVSEM', 0x40000], ['CLONE_NEWCGROUP', 0x2000000], ['CLONE_NEWUTS', 0x4000000],
      ['CLONE_NEWIPC', 0x8000000], ['CLONE_NEWUSER', 0x10000000], ['CLONE_NEWPID', 0x20000000],
      ['CLONE_NEWNET', 0x40000000]],
  },
  fcntlCommand: {
    kind: 'enum',
    values: [['F_DUPFD', 0], ['F_GETFD', 1], ['F_SETFD', 2], ['F_GETFL', 3], ['F_SETFL', 4], ['F_GETLK', 5],
      ['F_SETLK', 6], ['F_SETLKW', 7], ['F_SETOWN', 8], ['F_GETOWN', 9], ['F_SETSIG', 10], ['F_GETSIG', 11],
      ['F_GETLK64', 12], ['F_SETLK64', 13], ['F_SETLKW64', 14], ['F_SETOWN_EX', 15], ['F_GETOWN_EX', 16],
      ['F_GETOWNER_UIDS', 17], ['F_OFD_GETLK', 36], ['F_OFD_SETLK', 37], ['F_OFD_SETLKW', 38],
      ['F_SETLEASE', 1024], ['F_GETLEASE', 1025], ['F_NOTIFY', 1026], ['F_DUPFD_QUERY', 1027], ['F_CANCELLK', 1029],
      ['F_DUPFD_CLOEXEC', 1030], ['F_SETPIPE_SZ', 1031], ['F_GETPIPE_SZ', 1032], ['F_ADD_SEALS', 1033],
      ['F_GET_SEALS', 1034], ['F_GET_RW_HINT', 1035], ['F_SET_RW_HINT', 1036], ['F_GET_FILE_RW_HINT', 1037],
      ['F_SET_FILE_RW_HINT', 1038]],
  },
  seekWhence: {
    kind: 'enum', values: [['SEEK_SET', 0], ['SEEK_CUR', 1], ['SEEK_END', 2], ['SEEK_DATA', 3], ['SEEK_HOLE', 4]],
  },
  /** The *at() flag arguments. AT_EACCESS and AT_REMOVEDIR share 0x200; the decoder picks by syscall. */
  atFlags: {
    kind: 'flags', zero: '0',
    bits: [['AT_SYMLINK_NOFOLLOW', 0x100], ['AT_EACCESS', 0x200], ['AT_SYMLINK_FOLLOW', 0x400],
      ['AT_NO_AUTOMOUNT', 0x800], ['AT_EMPTY_PATH', 0x1000], ['AT_STATX_FORCE_SYNC', 0x2000],
      ['AT_STATX_DONT_SYNC', 0x4000], ['AT_RECURSIVE', 0x8000]],
  },
  /** statx: the sync mode is a two-bit field (AT_STATX_SYNC_AS_STAT being 0), the rest are *at flags. */
  statxFlags: {
    kind: 'flags',
    field: { mask: 0x6000, values: [['AT_STATX_SYNC_AS_STAT', 0], ['AT_STATX_FORCE_SYNC', 0x2000], ['AT_STATX_DONT_SYNC', 0x4000]] },
    bits: [['AT_SYMLINK_NOFOLLOW', 0x100], ['AT_NO_AUTOMOUNT', 0x800], ['AT_EMPTY_PATH', 0x1000]],
  },
  statxMask: {
    kind: 'flags', zero: '0',
    bits: [['STATX_ALL', 0xfff], ['STATX_BASIC_STATS', 0x7ff], ['STATX_TYPE', 0x1], ['STATX_MODE', 0x2],
      ['STATX_NLINK', 0x4], ['STATX_UID', 0x8], ['STATX_GID', 0x10], ['STATX_ATIME', 0x20], ['STATX_MTIME', 0x40],
      ['STATX_CTIME', 0x80], ['STATX_INO', 0x100], ['STATX_SIZE', 0x200], ['STATX_BLOCKS', 0x400],
      ['STATX_BTIME', 0x800], ['STATX_MNT_ID', 0x1000], ['STATX_DIOALIGN', 0x2000]],
  },
  unlinkatFlags: { kind: 'flags', zero: '0', bits: [['AT_REMOVEDIR', 0x200]] },
  renameFlags: { kind: 'flags', zero: '0', bits: [['RENAME_NOREPLACE', 1], ['RENAME_EXCHANGE', 2], ['RENAME_WHITEOUT', 4]] },
  socketDomain: {
    kind: 'enum',
    values: [['AF_UNSPEC', 0], ['AF_UNIX', 1], ['AF_INET', 2], ['AF_AX25', 3], ['AF_IPX', 4], ['AF_APPLETALK', 5],
      ['AF_NETROM', 6], ['AF_BRIDGE', 7], ['AF_ATMPVC', 8], ['AF_X25', 9], ['AF_INET6', 10], ['AF_ROSE', 11],
      ['AF_NETBEUI', 13], ['AF_SECURITY', 14], ['AF_KEY', 15], ['AF_NETLINK', 16], ['AF_PACKET', 17],
      ['AF_ASH', 18], ['AF_ECONET', 19], ['AF_ATMSVC', 20], ['AF_RDS', 21], ['AF_SNA', 22], ['AF_IRDA', 23],
      ['AF_PPPOX', 24], ['AF_WANPIPE', 25], ['AF_LLC', 26], ['AF_IB', 27], ['AF_MPLS', 28], ['AF_CAN', 29],
      ['AF_TIPC', 30], ['AF_BLUETOOTH', 31], ['AF_IUCV', 32], ['AF_RXRPC', 33], ['AF_ISDN', 34], ['AF_PHONET', 35],
      ['AF_IEEE802154', 36], ['AF_CAIF', 37], ['AF_ALG', 38], ['AF_NFC', 39], ['AF_VSOCK', 40], ['AF_KCM', 41],
      ['AF_QIPCRTR', 42], ['AF_SMC', 43], ['AF_XDP', 44], ['AF_MCTP', 45]],
  },
  /** socket type: the low nibble is the type; SOCK_NONBLOCK and SOCK_CLOEXEC reuse the O_ bits. */
  socketType: {
    kind: 'flags',
    field: { mask: 0xf, values: [['SOCK_STREAM', 1], ['SOCK_DGRAM', 2], ['SOCK_RAW', 3], ['SOCK_RDM', 4],
      ['SOCK_SEQPACKET', 5], ['SOCK_DCCP', 6], ['SOCK_PACKET', 10]] },
    bits: [['SOCK_CLOEXEC', 0o2000000], ['SOCK_NONBLOCK', 0o4000]],
  },
  socketFlags: { kind: 'flags', zero: '0', bits: [['SOCK_CLOEXEC', 0o2000000], ['SOCK_NONBLOCK', 0o4000]] },
  /** 0 is left out: it asks for the type's default protocol, whatever the domain. */
  socketProtocol: {
    kind: 'enum',
    values: [['IPPROTO_ICMP', 1], ['IPPROTO_IGMP', 2], ['IPPROTO_IPIP', 4], ['IPPROTO_TCP', 6],
      ['IPPROTO_EGP', 8], ['IPPROTO_PUP', 12], ['IPPROTO_UDP', 17], ['IPPROTO_IDP', 22], ['IPPROTO_TP', 29],
      ['IPPROTO_DCCP', 33], ['IPPROTO_IPV6', 41], ['IPPROTO_RSVP', 46], ['IPPROTO_GRE', 47], ['IPPROTO_ESP', 50],
      ['IPPROTO_AH', 51], ['IPPROTO_ICMPV6', 58], ['IPPROTO_MTP', 92], ['IPPROTO_BEETPH', 94], ['IPPROTO_ENCAP', 98],
      ['IPPROTO_PIM', 103], ['IPPROTO_COMP', 108], ['IPPROTO_L2TP', 115], ['IPPROTO_SCTP', 132],
      ['IPPROTO_UDPLITE', 136], ['IPPROTO_MPLS', 137], ['IPPROTO_ETHERNET', 143], ['IPPROTO_RAW', 255],
      ['IPPROTO_MPTCP', 262]],
  },
  rlimitResource: {
    kind: 'enum',
    values: [['RLIMIT_CPU', 0], ['RLIMIT_FSIZE', 1], ['RLIMIT_DATA', 2], ['RLIMIT_STACK', 3], ['RLIMIT_CORE', 4],
      ['RLIMIT_RSS', 5], ['RLIMIT_NPROC', 6], ['RLIMIT_NOFILE', 7], ['RLIMIT_MEMLOCK', 8], ['RLIMIT_AS', 9],
      ['RLIMIT_LOCKS', 10], ['RLIMIT_SIGPENDING', 11], ['RLIMIT_MSGQUEUE', 12], ['RLIMIT_NICE', 13],
      ['RLIMIT_RTPRIO', 14], ['RLIMIT_RTTIME', 15]],
  },
  futexOperation: {
    kind: 'flags',
    field: {
      mask: 0xff,
      values: [...FUTEX_COMMANDS, ...FUTEX_COMMANDS.filter(([name]) => name !== 'FUTEX_FD')
        .map(([name, value]) => [`${name}_PRIVATE`, value | FUTEX_PRIVATE_FLAG] as const)],
    },
    bits: [['FUTEX_CLOCK_REALTIME', 256]],
  },
  /** The terminal and descriptor ioctls of asm-generic/ioctls.h that plain programs use. */
  ioctlRequest: {
    kind: 'enum',
    values: [['TCGETS', 0x5401], ['TCSETS', 0x5402], ['TCSETSW', 0x5403], ['TCSETSF', 0x5404], ['TCGETA', 0x5405],
      ['TCSETA', 0x5406], ['TCSETAW', 0x5407], ['TCSETAF', 0x5408], ['TCSBRK', 0x5409], ['TCXONC', 0x540a],
      ['TCFLSH', 0x540b], ['TIOCEXCL', 0x540c], ['TIOCNXCL', 0x540d], ['TIOCSCTTY', 0x540e], ['TIOCGPGRP', 0x540f],
      ['TIOCSPGRP', 0x5410], ['TIOCOUTQ', 0x5411], ['TIOCSTI', 0x5412], ['TIOCGWINSZ', 0x5413], ['TIOCSWINSZ', 0x5414],
      ['TIOCMGET', 0x5415], ['TIOCMBIS', 0x5416], ['TIOCMBIC', 0x5417], ['TIOCMSET', 0x5418], ['FIONREAD', 0x541b],
      ['TIOCLINUX', 0x541c], ['TIOCCONS', 0x541d], ['TIOCPKT', 0x5420], ['FIONBIO', 0x5421], ['TIOCNOTTY', 0x5422],
      ['TIOCSETD', 0x5423], ['TIOCGETD', 0x5424], ['TIOCSBRK', 0x5427], ['TIOCCBRK', 0x5428], ['TIOCGSID', 0x5429],
      ['TIOCVHANGUP', 0x5437], ['FIONCLEX', 0x5450], ['FIOCLEX', 0x5451], ['FIOASYNC', 0x5452]],
  },
  clockId: {
    kind: 'enum',
    values: [['CLOCK_REALTIME', 0], ['CLOCK_MONOTONIC', 1], ['CLOCK_PROCESS_CPUTIME_ID', 2],
      ['CLOCK_THREAD_CPUTIME_ID', 3], ['CLOCK_MONOTONIC_RAW', 4], ['CLOCK_REALTIME_COARSE', 5],
      ['CLOCK_MONOTONIC_COARSE', 6], ['CLOCK_BOOTTIME', 7], ['CLOCK_REALTIME_ALARM', 8], ['CLOCK_BOOTTIME_ALARM', 9],
      ['CLOCK_TAI', 11]],
  },
  timerFlags: { kind: 'flags', zero: '0', bits: [['TIMER_ABSTIME', 1]] },
  itimerWhich: { kind: 'enum', values: [['ITIMER_REAL', 0], ['ITIMER_VIRTUAL', 1], ['ITIMER_PROF', 2]] },
  /** i386 socketcall: which socket call the single entry point performs (linux/net.h). */
  socketcallCall: {
    kind: 'enum',
    values: [['SYS_SOCKET', 1], ['SYS_BIND', 2], ['SYS_CONNECT', 3], ['SYS_LISTEN', 4], ['SYS_ACCEPT', 5],
      ['SYS_GETSOCKNAME', 6], ['SYS_GETPEERNAME', 7], ['SYS_SOCKETPAIR', 8], ['SYS_SEND', 9], ['SYS_RECV', 10],
      ['SYS_SENDTO', 11], ['SYS_RECVFROM', 12], ['SYS_SHUTDOWN', 13], ['SYS_SETSOCKOPT', 14], ['SYS_GETSOCKOPT', 15],
      ['SYS_SENDMSG', 16], ['SYS_RECVMSG', 17], ['SYS_ACCEPT4', 18], ['SYS_RECVMMSG', 19], ['SYS_SENDMMSG', 20]],
  },
  shutdownHow: { kind: 'enum', values: [['SHUT_RD', 0], ['SHUT_WR', 1], ['SHUT_RDWR', 2]] },
  accessMode: { kind: 'flags', zero: 'F_OK', bits: [['R_OK', 4], ['W_OK', 2], ['X_OK', 1]] },
  waitOptions: {
    kind: 'flags', zero: '0',
    bits: [['WNOHANG', 0x1], ['WEXITED', 0x4], ['WSTOPPED', 0x2], ['WCONTINUED', 0x8], ['WNOWAIT', 0x1000000],
      ['__WCLONE', 0x80000000], ['__WALL', 0x40000000], ['__WNOTHREAD', 0x20000000]],
  },
  waitIdType: { kind: 'enum', values: [['P_ALL', 0], ['P_PID', 1], ['P_PGID', 2], ['P_PIDFD', 3]] },
  sigprocmaskHow: { kind: 'enum', values: [['SIG_BLOCK', 0], ['SIG_UNBLOCK', 1], ['SIG_SETMASK', 2]] },
  getrandomFlags: { kind: 'flags', zero: '0', bits: [['GRND_NONBLOCK', 1], ['GRND_RANDOM', 2], ['GRND_INSECURE', 4]] },
  eventfdFlags: { kind: 'flags', zero: '0', bits: [['EFD_SEMAPHORE', 1], ['EFD_CLOEXEC', 0o2000000], ['EFD_NONBLOCK', 0o4000]] },
  /** arch_prctl codes (asm/prctl.h): how 64-bit programs set up thread-local storage. */
  archPrctlCode: {
    kind: 'enum',
    values: [['ARCH_SET_GS', 0x1001], ['ARCH_SET_FS', 0x1002], ['ARCH_GET_FS', 0x1003], ['ARCH_GET_GS', 0x1004],
      ['ARCH_GET_CPUID', 0x1011], ['ARCH_SET_CPUID', 0x1012], ['ARCH_GET_XCOMP_SUPP', 0x1021],
      ['ARCH_GET_XCOMP_PERM', 0x1022], ['ARCH_REQ_XCOMP_PERM', 0x1023], ['ARCH_GET_XCOMP_GUEST_PERM', 0x1024],
      ['ARCH_REQ_XCOMP_GUEST_PERM', 0x1025],
      ['ARCH_MAP_VDSO_X32', 0x2001], ['ARCH_MAP_VDSO_32', 0x2002], ['ARCH_MAP_VDSO_64', 0x2003],
      ['ARCH_GET_UNTAG_MASK', 0x4001], ['ARCH_ENABLE_TAGGED_ADDR', 0x4002], ['ARCH_GET_MAX_TAG_BITS', 0x4003],
      ['ARCH_FORCE_TAGGED_SVA', 0x4004], ['ARCH_SHSTK_ENABLE', 0x5001], ['ARCH_SHSTK_DISABLE', 0x5002],
      ['ARCH_SHSTK_LOCK', 0x5003], ['ARCH_SHSTK_UNLOCK', 0x5004], ['ARCH_SHSTK_STATUS', 0x5005]],
  },
} satisfies Record<string, ConstantSet>;

export type ConstantSetName = keyof typeof SETS;

/** Every constant set the decoders use, by name. */
export const CONSTANT_SETS: Readonly<Record<ConstantSetName, ConstantSet>> = SETS;

/** Other spellings accepted when encoding: the C library's names for what strace and we print. */
export const CONSTANT_ALIASES: Readonly<Record<string, string>> = {
  O_ASYNC: 'FASYNC', O_NDELAY: 'O_NONBLOCK', O_FSYNC: 'O_SYNC', O_RSYNC: 'O_SYNC', WUNTRACED: 'WSTOPPED',
  MAP_ANON: 'MAP_ANONYMOUS', AF_LOCAL: 'AF_UNIX', AF_FILE: 'AF_UNIX', PF_UNIX: 'AF_UNIX', PF_INET: 'AF_INET',
  PF_INET6: 'AF_INET6', TIOCINQ: 'FIONREAD',
};

/** File type bits of a mode (S_IFMT = 0170000). */
export const FILE_TYPES: ReadonlyArray<readonly [string, number]> = [
  ['S_IFSOCK', 0o140000], ['S_IFLNK', 0o120000], ['S_IFREG', 0o100000], ['S_IFBLK', 0o60000],
  ['S_IFDIR', 0o40000], ['S_IFCHR', 0o20000], ['S_IFIFO', 0o10000],
];
export const S_IFMT = 0o170000;

/** Names of the permission bits, for completions and encoding (`S_IRUSR|S_IWUSR` → 0600). */
export const MODE_BITS: ReadonlyArray<readonly [string, number]> = [
  ['S_ISUID', 0o4000], ['S_ISGID', 0o2000], ['S_ISVTX', 0o1000], ['S_IRWXU', 0o700], ['S_IRUSR', 0o400],
  ['S_IWUSR', 0o200], ['S_IXUSR', 0o100], ['S_IRWXG', 0o70], ['S_IRGRP', 0o40], ['S_IWGRP', 0o20], ['S_IXGRP', 0o10],
  ['S_IRWXO', 0o7], ['S_IROTH', 0o4], ['S_IWOTH', 0o2], ['S_IXOTH', 0o1],
];

/** The descriptor every *at() call reads as "relative to the current directory". */
export const AT_FDCWD = -100;

export const STANDARD_FDS: ReadonlyArray<string> = ['stdin', 'stdout', 'stderr'];
