import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SyscallEvent } from '../../../../trace/events';
import { FdTracker, INHERITED } from '../../../../trace/model/fds';
import { StraceParser } from '../../../../trace/parse/parser';

const REFERENCE = path.resolve(__dirname, '../../../fixtures/reference/strace');

/** Every call of a log (in-progress halves too, as the session hands them out), observed in order. */
function track(log: string): SyscallEvent[] {
  const fds = new FdTracker();
  const complete: SyscallEvent[] = [];
  const parser = new StraceParser({
    onEvent: (event) => {
      if (event.kind !== 'syscall') return;
      fds.observe(event);
      if (!event.inProgress) complete.push(event);
    },
  });
  parser.push(log);
  parser.end();
  return complete;
}

describe('descriptors of a child whose first calls come before its parent\'s fork returns', () => {
  it('a forked child starts from a copy of its parent\'s table', () => {
    const calls = track([
      '100 pipe([3, 4]) = 0',
      '100 fork( <unfinished ...>',
      '101 write(4, "x", 1) = 1',
      '101 close(4) = 0',
      '100 <... fork resumed>) = 101',
      '101 write(4, "y", 1) = -1 EBADF (Bad file descriptor)',
      '100 read(3, "x", 1) = 1',
      '100 write(1, "x", 1) = 1',
    ].join('\n') + '\n');
    const [pipe, childWrite, childClose, , afterClose, parentRead, parentWrite] = calls;
    expect(childWrite!.fdOrigins).toEqual([pipe!.seq, undefined, undefined]);
    expect(childClose!.fdOrigins).toEqual([pipe!.seq]);
    // The child's close before the fork returned is kept: its fd 4 is gone.
    expect(afterClose!.fdOrigins).toBeUndefined();
    expect(parentRead!.fdOrigins?.[0]).toBe(pipe!.seq);
    expect(parentWrite!.fdOrigins?.[0]).toBe(INHERITED);
  });

  it('a thread (CLONE_FILES) shares its parent\'s table', () => {
    const calls = track([
      '100 openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3',
      '100 clone(child_stack=0x7f0000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD <unfinished ...>',
      '101 openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 5',
      '100 <... clone resumed>) = 101',
      '100 read(5, "", 1) = 0',
      '101 read(3, "", 1) = 0',
    ].join('\n') + '\n');
    const [open3, open5, , parentRead, threadRead] = calls;
    expect(parentRead!.fdOrigins?.[0]).toBe(open5!.seq);
    expect(threadRead!.fdOrigins?.[0]).toBe(open3!.seq);
  });

  it('with two processes forking at once, a new process is not guessed to be either\'s', () => {
    const calls = track([
      '100 openat(AT_FDCWD, "/a", O_RDONLY) = 3',
      '100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD <unfinished ...>',
      '200 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD <unfinished ...>',
      '300 read(3, "", 1) = 0',
    ].join('\n') + '\n');
    expect(calls.find((e) => e.pid === 300)!.fdOrigins).toBeUndefined();
  });
});

describe('descriptors received and removed', () => {
  it('a descriptor received with SCM_RIGHTS (recvmsg) is created by that call', () => {
    const calls = track([
      '100 socketpair(AF_UNIX, SOCK_STREAM, 0, [7<socket:[1]>, 8<socket:[2]>]) = 0',
      '100 recvmsg(8<socket:[2]>, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="y", iov_len=1}], msg_iovlen=1, '
        + 'msg_control=[{cmsg_len=24, cmsg_level=0x1 /* SOL_SOCKET */, cmsg_type=0x1 /* SCM_RIGHTS */, cmsg_data=[9</etc/a>, 10</tmp/b>(deleted)]}], '
        + 'msg_controllen=24, msg_flags=0}, MSG_CMSG_CLOEXEC) = 1',
      '100 lseek(9</etc/a>, 0, SEEK_SET) = 0',
      '100 read(10</tmp/b>(deleted), "", 1) = 0',
      '100 execve("/bin/true", ["true"], 0x7ffd /* 1 var */) = 0',
      '100 fstat(9, 0x7ffd) = -1 EBADF (Bad file descriptor)',
    ].join('\n') + '\n');
    const [, recvmsg, lseek, read, , fstat] = calls;
    expect(lseek!.fdOrigins?.[0]).toBe(recvmsg!.seq);
    expect(read!.fdOrigins?.[0]).toBe(recvmsg!.seq);
    // MSG_CMSG_CLOEXEC: gone at execve.
    expect(fstat!.fdOrigins).toBeUndefined();
  });

  it('a removed file\'s descriptor (`3</tmp/a>(deleted)`) keeps its origin and closes', () => {
    const calls = track([
      '100 openat(AT_FDCWD</tmp>, "/tmp/a", O_RDWR|O_CREAT, 0600) = 3</tmp/a>',
      '100 unlink("/tmp/a") = 0',
      '100 write(3</tmp/a>(deleted), "abc", 3) = 3',
      '100 close(3</tmp/a>(deleted)) = 0',
      '100 write(3, "abc", 3) = -1 EBADF (Bad file descriptor)',
    ].join('\n') + '\n');
    const [open, , write, close, after] = calls;
    expect(write!.fdOrigins?.[0]).toBe(open!.seq);
    expect(close!.fdOrigins?.[0]).toBe(open!.seq);
    expect(after!.fdOrigins).toBeUndefined();
  });
});

describe('descriptors of a log written with -yy (a socket named with its peer: `UNIX-STREAM:[1->2]`)', () => {
  const log = readFileSync(path.join(REFERENCE, 'passfd_f_ttt_T_i_yy_Xverbose.txt'), 'utf8');

  it('both ends of a socketpair are created by it', () => {
    const calls = track(log);
    const [stream, datagram] = calls.filter((e) => e.name === 'socketpair');
    const sendmsg = calls.find((e) => e.name === 'sendmsg')!;
    // The last read: the loader's read libc through fd 3 before.
    const read = calls.filter((e) => e.name === 'read').pop()!;
    expect(sendmsg.fdOrigins?.[0]).toBe(datagram!.seq);
    expect(read.fdOrigins?.[0]).toBe(stream!.seq);
  });

  it('a socket received with SCM_RIGHTS is created by the recvmsg, beside a file whose name has a `>`', () => {
    const calls = track(log);
    const recvmsg = calls.find((e) => e.name === 'recvmsg')!;
    const [toSocket, toFile] = calls.filter((e) => e.name === 'write');
    expect(toSocket!.fdOrigins?.[0]).toBe(recvmsg.seq);
    expect(toFile!.fdOrigins?.[0]).toBe(recvmsg.seq);
  });
});
