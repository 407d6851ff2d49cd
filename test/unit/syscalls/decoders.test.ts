import { describe, expect, it } from 'vitest';
import {
  CONSTANT_SETS, constantsForArgument, decodeArgument, decodeMode, decodeResult, encodeFlags, formatCall,
  lookupSyscallByName, type Abi, type ConstantSetName, type SyscallInfo,
} from '../../../syscalls';

const known = (abi: Abi, name: string): SyscallInfo => {
  const result = lookupSyscallByName(abi, name);
  if (!result.known) throw new Error(result.message);
  return result.syscall;
};
const arg = (name: string, index: number, value: bigint | number, abi: Abi = 'x86_64') =>
  decodeArgument(known(abi, name), index, value).text;

describe('argument decoding', () => {
  it('open flags: access mode in the low two bits, O_RDONLY being 0', () => {
    expect(arg('openat', 2, 0x241)).toBe('O_WRONLY|O_CREAT|O_TRUNC');
    expect(arg('openat', 2, 0)).toBe('O_RDONLY');
    expect(arg('open', 1, 0o2000000)).toBe('O_RDONLY|O_CLOEXEC');
    expect(arg('open', 1, 0o4010002)).toBe('O_RDWR|O_SYNC');
    expect(arg('open', 1, 0o10002)).toBe('O_RDWR|O_DSYNC');
    expect(arg('open', 1, 0o20200000)).toBe('O_RDONLY|O_TMPFILE');
  });

  it('keeps unknown bits visible', () => {
    expect(arg('openat', 2, 0x80000001)).toBe('O_WRONLY|0x80000000');
    expect(arg('mmap', 3, 0x222)).toBe('MAP_PRIVATE|MAP_ANONYMOUS|0x200');
    expect(arg('openat', 2, 3)).toBe('0x3');
  });

  it('file modes in octal with the symbolic form, including type and special bits', () => {
    expect(arg('openat', 3, 0o644)).toBe('0644 (rw-r--r--)');
    expect(arg('mkdir', 1, 0o755)).toBe('0755 (rwxr-xr-x)');
    expect(decodeMode(0o100644)).toBe('0100644 (S_IFREG|rw-r--r--)');
    expect(decodeMode(0o40755)).toBe('040755 (S_IFDIR|rwxr-xr-x)');
    expect(decodeMode(0o4755)).toBe('04755 (rwsr-xr-x)');
    expect(decodeMode(0o1777)).toBe('01777 (rwxrwxrwt)');
    expect(decodeMode(0o2640)).toBe('02640 (rw-r-S---)');
    expect(decodeMode(0)).toBe('0000 (---------)');
  });

  it('mmap protections and flags', () => {
    expect(arg('mmap', 2, 3)).toBe('PROT_READ|PROT_WRITE');
    expect(arg('mmap', 2, 0)).toBe('PROT_NONE');
    expect(arg('mprotect', 2, 5)).toBe('PROT_READ|PROT_EXEC');
    expect(arg('mmap', 3, 0x22)).toBe('MAP_PRIVATE|MAP_ANONYMOUS');
    expect(arg('mmap', 3, 0x32)).toBe('MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS');
    expect(arg('mmap2', 3, 0x1, 'i386')).toBe('MAP_SHARED');
    expect(arg('mmap', 3, 0x54040022)).toBe('MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT');
    expect(encodeFlags('mmapFlags', 'MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT')).toBe(0x54040022);
  });

  it('descriptors: well-known fds, AT_FDCWD sign-extended from a 64-bit register, -1 from an unsigned long', () => {
    expect(arg('write', 0, 1)).toBe('1 (stdout)');
    expect(arg('read', 0, 0)).toBe('0 (stdin)');
    expect(arg('write', 0, 2)).toBe('2 (stderr)');
    expect(arg('close', 0, 7)).toBe('7');
    expect(arg('openat', 0, 0xffffffffffffff9cn)).toBe('AT_FDCWD');
    expect(arg('openat', 0, 0xffffff9cn)).toBe('AT_FDCWD');
    expect(arg('openat', 0, -100)).toBe('AT_FDCWD');
    expect(arg('openat', 0, 0x12345678ffffff9cn)).toBe('AT_FDCWD'); // an int is the low 32 bits
    expect(arg('openat', 0, 3)).toBe('3');
    expect(arg('mmap', 4, 0xffffffffffffffffn)).toBe('-1');
    expect(arg('openat', 0, 0xffffff9c, 'i386')).toBe('AT_FDCWD');
  });

  it('clone flags with the exit signal in the low byte; namespaces for unshare', () => {
    expect(arg('clone', 0, 0x1200011)).toBe('CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD');
    expect(arg('clone', 0, 0x3d0f00)).toBe('CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID');
    expect(arg('unshare', 0, 0x10000000 | 0x20000000)).toBe('CLONE_NEWUSER|CLONE_NEWPID');
  });

  it('enumerations: madvise, fcntl, lseek, socket, shutdown, waitid, arch_prctl', () => {
    expect(arg('madvise', 2, 4)).toBe('MADV_DONTNEED');
    expect(arg('fcntl', 1, 1030)).toBe('F_DUPFD_CLOEXEC');
    expect(arg('lseek', 2, 2)).toBe('SEEK_END');
    expect(arg('lseek', 2, 9)).toBe('9');
    expect(arg('socket', 0, 2)).toBe('AF_INET');
    expect(arg('socket', 1, 0o2004001)).toBe('SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK');
    expect(arg('socket', 2, 6)).toBe('IPPROTO_TCP');
    expect(arg('shutdown', 1, 2)).toBe('SHUT_RDWR');
    expect(arg('arch_prctl', 0, 0x1002)).toBe('ARCH_SET_FS');
  });

  it('signals, access modes, wait options, *at flags', () => {
    expect(arg('kill', 1, 9)).toBe('SIGKILL');
    expect(arg('rt_sigaction', 0, 2)).toBe('SIGINT');
    expect(arg('access', 1, 0)).toBe('F_OK');
    expect(arg('access', 1, 6)).toBe('R_OK|W_OK');
    expect(arg('wait4', 2, 1)).toBe('WNOHANG');
    expect(arg('wait4', 2, 0x40000000)).toBe('__WALL');
    expect(arg('newfstatat', 3, 0x1000)).toBe('AT_EMPTY_PATH');
    expect(arg('unlinkat', 2, 0x200)).toBe('AT_REMOVEDIR');
    expect(arg('faccessat2', 3, 0x200)).toBe('AT_EACCESS');
  });

  it('pointers as hex, NULL for 0; other numbers in the C type’s signedness', () => {
    expect(arg('write', 1, 0x402000)).toBe('0x402000');
    expect(arg('mmap', 0, 0)).toBe('NULL');
    expect(arg('write', 2, 14)).toBe('14');
    expect(arg('exit', 0, 0xffffffffffffffffn)).toBe('-1');
    expect(arg('exit', 0, 0x1_0000_0001n)).toBe('1');
    expect(arg('write', 2, -1)).toBe('18446744073709551615');
    expect(arg('write', 2, -1, 'i386')).toBe('4294967295');
    expect(decodeArgument(known('write'), 9, 5)).toEqual({ text: '5', kind: 'number' });
    function known(name: string) { return lookupSyscallByName('x86_64', name).known ? (lookupSyscallByName('x86_64', name) as { syscall: SyscallInfo }).syscall : undefined!; }
  });
});

describe('encoding, for completion snippets', () => {
  it('turns constant names back into numbers', () => {
    expect(encodeFlags('open', 'O_WRONLY|O_CREAT')).toBe(0x41);
    expect(encodeFlags('openat', 'O_WRONLY | O_CREAT | O_TRUNC')).toBe(0x241);
    expect(encodeFlags('mmap', 'PROT_READ|PROT_WRITE')).toBe(3);
    expect(encodeFlags('mmap', 'MAP_PRIVATE|MAP_ANONYMOUS', 'flags')).toBe(0x22);
    expect(encodeFlags('kill', 'SIGTERM')).toBe(15);
    expect(encodeFlags('openFlags', 'O_RDWR|0x8000')).toBe(0x8002);
    expect(encodeFlags('open', 'S_IRUSR|S_IWUSR', 'mode')).toBe(0o600);
    expect(encodeFlags('open', 'O_WRONLY|O_ASYNC')).toBe(0o20001); // the C library's name for FASYNC
    expect(encodeFlags('wait4', 'WNOHANG|WUNTRACED')).toBe(3);
    expect(encodeFlags('open', 'O_BOGUS')).toBeUndefined();
    expect(encodeFlags('no_such_call', 'O_RDONLY')).toBeUndefined();
    expect(encodeFlags('write', 'O_RDONLY')).toBeUndefined();
    expect(encodeFlags('open', 'O_RDONLY|')).toBeUndefined();
  });

  it.each(Object.keys(CONSTANT_SETS) as ConstantSetName[])('%s round-trips every constant and their union', (name) => {
    const set = CONSTANT_SETS[name];
    const roundTrip = (value: number) => encodeFlags(name, textFor(name, value));
    if (set.kind === 'enum') {
      for (const [constant, value] of set.values) {
        expect(textFor(name, value)).toBe(constant);
        expect(roundTrip(value)).toBe(value);
      }
      return;
    }
    let union = 0n;
    for (const [, value] of set.bits) {
      expect(roundTrip(value), `${name} ${value}`).toBe(value);
      union |= BigInt(value);
    }
    if (set.field && 'values' in set.field) {
      for (const [, value] of set.field.values) expect(roundTrip(value)).toBe(value);
    }
    expect(roundTrip(Number(union))).toBe(Number(union));
  });
});

/** Decodes through a syscall that uses the set, as a user would see it. */
function textFor(name: ConstantSetName, value: number): string {
  const users: Record<ConstantSetName, [string, number]> = {
    openFlags: ['open', 1], descriptorFlags: ['pipe2', 1], mmapProt: ['mmap', 2], mmapFlags: ['mmap', 3],
    mremapFlags: ['mremap', 3], msyncFlags: ['msync', 2], mlockallFlags: ['mlockall', 0], madviseAdvice: ['madvise', 2],
    cloneFlags: ['clone', 0], namespaceFlags: ['unshare', 0], fcntlCommand: ['fcntl', 1], seekWhence: ['lseek', 2],
    atFlags: ['newfstatat', 3], unlinkatFlags: ['unlinkat', 2], renameFlags: ['renameat2', 4], socketDomain: ['socket', 0],
    socketType: ['socket', 1], socketFlags: ['accept4', 3], socketProtocol: ['socket', 2], shutdownHow: ['shutdown', 1],
    accessMode: ['access', 1], waitOptions: ['wait4', 2], waitIdType: ['waitid', 0], sigprocmaskHow: ['rt_sigprocmask', 0],
    getrandomFlags: ['getrandom', 2], eventfdFlags: ['eventfd2', 1], archPrctlCode: ['arch_prctl', 0],
    statxFlags: ['statx', 2], statxMask: ['statx', 3], rlimitResource: ['prlimit64', 1], futexOperation: ['futex', 1],
    ioctlRequest: ['ioctl', 1], clockId: ['clock_gettime', 0], timerFlags: ['clock_nanosleep', 1],
    itimerWhich: ['setitimer', 0], socketcallCall: ['socketcall', 0],
  };
  const [syscall, index] = users[name];
  const found = lookupSyscallByName(syscall === 'socketcall' ? 'i386' : 'x86_64', syscall);
  if (!found.known) throw new Error(found.message);
  expect(constantsForArgument(found.syscall, index).length).toBeGreaterThan(0);
  return decodeArgument(found.syscall, index, value).text;
}

describe('result decoding', () => {
  const write = lookupSyscallByName('x86_64', 'write');
  const mmap = lookupSyscallByName('x86_64', 'mmap');
  const openat = lookupSyscallByName('x86_64', 'openat');
  if (!write.known || !mmap.known || !openat.known) throw new Error('tables incomplete');

  it('reads −4095…−1 as −errno', () => {
    expect(decodeResult(write.syscall, -2)).toEqual({
      text: '-2 ENOENT (No such file or directory)', kind: 'errno',
      errno: { number: 2, name: 'ENOENT', message: 'No such file or directory' },
    });
    expect(decodeResult(write.syscall, 0xfffffffffffffff2n).text).toBe('-14 EFAULT (Bad address)');
    expect(decodeResult(undefined, -4095).text).toBe('-4095 (errno 4095)');
    expect(decodeResult(undefined, -4096)).toEqual({ text: '-4096', kind: 'number' });
    expect(decodeResult(undefined, 0xfffffffe, 'i386').text).toBe('-2 ENOENT (No such file or directory)');
  });

  it('shows counts, new descriptors and addresses', () => {
    expect(decodeResult(write.syscall, 14)).toEqual({ text: '14', kind: 'number' });
    expect(decodeResult(openat.syscall, 3)).toEqual({ text: '3', kind: 'fd' });
    expect(decodeResult(mmap.syscall, 0x7ffff7ff7000n)).toEqual({ text: '0x7ffff7ff7000', kind: 'pointer' });
  });
});

describe('formatCall', () => {
  it('joins names, decoded values and symbolic texts', () => {
    const write = lookupSyscallByName('x86_64', 'write');
    if (!write.known) throw new Error(write.message);
    expect(formatCall(write.syscall, [{ value: 1 }, { text: 'msg', value: 0x402000 }, { value: 14 }])).toBe('write(fd=1 (stdout), buf=msg, count=14)');
    expect(formatCall(write.syscall, [{ value: 1 }])).toBe('write(fd=1 (stdout), buf=<not set>, count=<not set>)');
  });
});
