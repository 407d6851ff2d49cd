import type { SyscallInfo, SyscallParam } from './types';
import { CALLING_CONVENTIONS } from './conventions';
import { argumentDecoder, constantsForArgument, decodeArgument, resultKind } from './decode';
import { abiLabel, manPageName, tableOrigin } from './table';
import { documentedErrnos } from './errno';

/** An argument as known to the caller: a register value, a symbolic text (`msg`), or both. */
export type CallArgument = { value?: bigint | number; text?: string } | undefined;

/** `write(fd=1 (stdout), buf=msg, count=14)`; arguments not set show as `<not set>`. */
export function formatCall(syscall: SyscallInfo, args: ReadonlyArray<CallArgument>): string {
  const shown = syscall.params.map((param, i) => `${param.name}=${argumentText(syscall, i, args[i])}`);
  return `${syscall.name}(${shown.join(', ')})`;
}

function argumentText(syscall: SyscallInfo, index: number, arg: CallArgument): string {
  if (arg?.text !== undefined && arg.text !== '') return arg.text;
  if (arg?.value !== undefined) return decodeArgument(syscall, index, arg.value).text;
  return '<not set>';
}

/** `long write(unsigned int fd, const char *buf, size_t count)`. */
export function signature(syscall: SyscallInfo): string {
  const params = syscall.params.map(declaration);
  return `${syscall.returns} ${syscall.name}(${params.length ? params.join(', ') : 'void'})`;
}

/** `const char *buf`, `int fd`. */
export function declaration(param: SyscallParam): string {
  return `${param.type}${param.type.endsWith('*') ? '' : ' '}${param.name}`;
}

const escapeMarkdown = (text: string): string => text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);

/** Hover text: signature, what it does, registers to load, what it returns, common errors, source, man page. */
export function syscallMarkdown(syscall: SyscallInfo): string {
  const convention = CALLING_CONVENTIONS[syscall.abi];
  const lines: string[] = ['```c', `${signature(syscall)};`, '```'];
  const where = syscall.entry
    ? ` · \`${syscall.entry}\`${syscall.source ? ` in \`${syscall.source}\`` : ''}`
    : ' · not implemented by Linux';
  lines.push(`**${abiLabel(syscall.abi)} syscall ${syscall.number}** · ${syscall.category}${where}`, '');
  if (syscall.summary) lines.push(escapeMarkdown(syscall.summary), '');
  lines.push('| Register | Value |', '|---|---|');
  lines.push(`| \`${convention.numberRegister}\` | ${syscall.number} (\`${syscall.name}\`) |`);
  syscall.params.forEach((param, i) => {
    const register = convention.argumentRegisters[i] ?? 'stack';
    const hint = constantHint(syscall, i);
    lines.push(`| \`${register}\` | \`${declaration(param)}\`${hint ? ` — ${hint}` : ''} |`);
  });
  lines.push('', resultSentence(syscall));
  if (convention.clobbered.length) {
    lines.push('', `\`${convention.instructions[0]}\` also overwrites ${convention.clobbered.map((r) => `\`${r}\``).join(' and ')}.`);
  }
  const errors = failureErrnos(syscall);
  if (errors.length) lines.push('', `Errors (man 2 ${manPageName(syscall.name)}): ${errors.map((e) => `\`${e}\``).join(', ')}.`);
  const { kernel } = tableOrigin(syscall.abi);
  lines.push('', `[man 2 ${syscall.name}](${syscall.manUrl}) · Linux ${kernel}`);
  return lines.join('\n');
}

/** How the result register reads for this call. */
function resultSentence(syscall: SyscallInfo): string {
  const register = `\`${CALLING_CONVENTIONS[syscall.abi].resultRegister}\``;
  if (!syscall.entry || syscall.entry === 'sys_ni_syscall') return `Always fails: ${register} = −38 (\`ENOSYS\`).`;
  if (syscall.noReturn) return 'Does not return when it succeeds.';
  const failure = 'a value in −4095…−1 is −errno';
  switch (resultKind(syscall)) {
    case 'fd': return `Returns a new file descriptor in ${register}; ${failure}.`;
    case 'pointer': return `Returns an address in ${register}; ${failure}.`;
    default: return `Returns in ${register}; ${failure}.`;
  }
}

/** The same in plain text: `returns in rax; -4095..-1 is -errno`, for the CLI and the table view. */
export function resultText(syscall: SyscallInfo): string {
  const register = CALLING_CONVENTIONS[syscall.abi].resultRegister;
  if (!syscall.entry || syscall.entry === 'sys_ni_syscall') return `not implemented: always fails with ${register} = -38 (ENOSYS)`;
  if (syscall.noReturn) return 'does not return when it succeeds';
  const failure = '-4095..-1 is -errno';
  switch (resultKind(syscall)) {
    case 'fd': return `returns a new file descriptor in ${register}; ${failure}`;
    case 'pointer': return `returns an address in ${register}; ${failure}`;
    default: return `returns in ${register}; ${failure}`;
  }
}

function constantHint(syscall: SyscallInfo, index: number): string | undefined {
  switch (argumentDecoder(syscall, index).kind) {
    case 'fd': return 'file descriptor';
    case 'dirfd': return 'directory descriptor or `AT_FDCWD` (−100)';
    case 'mode': return 'permissions, e.g. `0644`';
    case 'signal': return 'signal number, e.g. `SIGTERM` (15)';
    case 'pointer': return /\bchar \*$/.test(syscall.params[index]?.type ?? '') ? 'address of a string' : 'address';
    case 'set': {
      const names = constantsForArgument(syscall, index).map((c) => `\`${c.name}\``);
      return names.length > 4 ? `${names.slice(0, 4).join(', ')}, …` : names.join(', ');
    }
    default: return undefined;
  }
}

const PATH_PARAMS = new Set(['filename', 'pathname', 'path', 'oldname', 'newname', 'oldpath', 'newpath', 'specialfile',
  'dir_name', 'library', 'new_root', 'put_old', 'dev_name', 'linkpath', 'target']);
const CREATES = /^(open|openat|openat2|creat|mkdir|mkdirat|mknod|mknodat|link|linkat|symlink|symlinkat|rename|renameat2?)$/;
const BLOCKING = /^(read|readv|pread64|preadv2?|write|writev|pwrite64|pwritev2?|wait4|waitid|waitpid|nanosleep|clock_nanosleep|pause|rt_sigsuspend|rt_sigtimedwait|accept4?|connect|recv\w*|send\w*|poll|ppoll|select|_newselect|pselect6|epoll_wait|epoll_pwait2?|futex|flock|fcntl|fcntl64|msgrcv|msgsnd|semop|semtimedop|mq_timedsend|mq_timedreceive|io_getevents|open|openat|splice|tee)$/;

/** Per-syscall errnos the generic rules do not cover, most likely first. */
const SPECIFIC: Record<string, string[]> = {
  read: ['EAGAIN', 'EISDIR', 'EIO'], write: ['EAGAIN', 'EPIPE', 'ENOSPC', 'EFBIG', 'EIO', 'EDQUOT'],
  open: ['EISDIR', 'ETXTBSY'], openat: ['EISDIR', 'ETXTBSY'],
  execve: ['E2BIG', 'ENOEXEC', 'ETXTBSY', 'ENOMEM'], execveat: ['E2BIG', 'ENOEXEC', 'ETXTBSY', 'ENOMEM'],
  fork: ['EAGAIN', 'ENOMEM'], vfork: ['EAGAIN', 'ENOMEM'], clone: ['EAGAIN', 'ENOMEM', 'EPERM'], clone3: ['EAGAIN', 'ENOMEM', 'EPERM'],
  wait4: ['ECHILD'], waitid: ['ECHILD'], waitpid: ['ECHILD'],
  kill: ['ESRCH', 'EPERM'], tkill: ['ESRCH', 'EPERM'], tgkill: ['ESRCH', 'EPERM'],
  mmap: ['ENOMEM', 'EACCES', 'EPERM', 'ENODEV'], mmap2: ['ENOMEM', 'EACCES', 'EPERM', 'ENODEV'],
  mprotect: ['ENOMEM', 'EACCES'], munmap: [], brk: ['ENOMEM'], mremap: ['ENOMEM', 'EAGAIN'],
  socket: ['EAFNOSUPPORT', 'EPROTONOSUPPORT', 'EMFILE', 'EACCES', 'ENOBUFS'],
  connect: ['ECONNREFUSED', 'ETIMEDOUT', 'ENETUNREACH', 'EINPROGRESS', 'EADDRNOTAVAIL', 'EISCONN'],
  bind: ['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES'], listen: ['EADDRINUSE', 'EOPNOTSUPP'],
  accept: ['EAGAIN', 'ECONNABORTED', 'EMFILE'], accept4: ['EAGAIN', 'ECONNABORTED', 'EMFILE'],
  sendto: ['EAGAIN', 'EPIPE', 'ECONNRESET', 'EMSGSIZE'], recvfrom: ['EAGAIN', 'ECONNRESET', 'ENOTCONN'],
  close: ['EIO'], lseek: ['ESPIPE', 'EOVERFLOW'], ioctl: ['ENOTTY'], pipe: ['EMFILE', 'ENFILE'], pipe2: ['EMFILE', 'ENFILE'],
  dup: ['EMFILE'], dup2: ['EMFILE', 'EBUSY'], dup3: ['EMFILE', 'EBUSY'], unlink: ['EISDIR', 'EBUSY', 'EPERM', 'EROFS'],
  rmdir: ['ENOTEMPTY', 'EBUSY', 'EROFS'], chdir: [], getrandom: ['EAGAIN'], futex: ['EAGAIN', 'ETIMEDOUT'],
  nanosleep: [], clock_nanosleep: [], ptrace: ['EPERM', 'ESRCH'], setuid: ['EPERM', 'EAGAIN'],
};

/** The errnos a call can fail with, from its man page's ERRORS section; an unimplemented call only ENOSYS. */
export function failureErrnos(syscall: SyscallInfo): readonly string[] {
  if (!syscall.entry || syscall.entry === 'sys_ni_syscall') return ['ENOSYS'];
  return documentedErrnos(syscall.name) ?? [];
}

/** Errnos this call can plausibly return, most likely first — for "fail this call with…" menus. */
export function likelyErrnos(syscall: SyscallInfo): string[] {
  const out = new Set<string>();
  const add = (...names: string[]) => names.forEach((n) => out.add(n));
  if (!syscall.entry || syscall.entry === 'sys_ni_syscall') return ['ENOSYS'];
  const decoders = syscall.params.map((_, i) => argumentDecoder(syscall, i).kind);
  const hasPath = syscall.params.some((p) => PATH_PARAMS.has(p.name) && p.type.includes('char *'));
  if (hasPath) add('ENOENT', 'EACCES');
  add(...(SPECIFIC[syscall.name] ?? []));
  if (decoders.includes('fd') || decoders.includes('dirfd')) add('EBADF');
  if (BLOCKING.test(syscall.name)) add('EINTR');
  if (CREATES.test(syscall.name)) add('EEXIST', 'ENOSPC', 'EROFS', 'EDQUOT');
  if (/^(open|openat|openat2|creat)$/.test(syscall.name)) add('EMFILE', 'ENFILE');
  if (hasPath) add('ENOTDIR', 'ENAMETOOLONG', 'ELOOP');
  if (syscall.category === 'credentials') add('EPERM');
  if (syscall.params.length > 0 && (syscall.category === 'memory' || syscall.category === 'process')) add('ENOMEM');
  if (decoders.includes('pointer')) add('EFAULT');
  if (syscall.params.length > 0) add('EINVAL');
  if (syscall.category === 'network' && !out.has('ENOTSOCK')) add('ENOTSOCK');
  return [...out];
}
