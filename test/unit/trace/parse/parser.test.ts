import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEvent, type SyscallEvent, type TraceEvent } from '../../../../trace/events';
import { parseStraceText, StraceParser } from '../../../../trace/parse/parser';

const REFERENCE = path.resolve(__dirname, '../../../fixtures/reference/strace') + '/';
const reference = (name: string) => readFileSync(REFERENCE + name, 'utf8');
const calls = (events: TraceEvent[]) => events.filter((e): e is SyscallEvent => e.kind === 'syscall');

/** One line per event: what a reader of the trace needs to see, for golden comparison. */
function render(events: TraceEvent[]): string {
  return events.map((e) => {
    const where = [e.pid ? `pid=${e.pid}` : '', e.ip !== undefined ? `ip=${e.ip.toString(16)}` : '',
      e.stack.length ? `frames=${e.stack.length}` : ''].filter(Boolean).join(' ');
    const extra = e.kind === 'syscall' && e.duration !== undefined ? ` <${e.duration}>` : '';
    return `${where} | ${formatEvent(e)}${extra}`;
  }).join('\n');
}

describe('parses real strace 6.1 and 7.2 output (golden)', () => {
  const files = ['asm_i.txt', 'asm_k.txt', 'asm_kk_strace72.txt', 'c_kk_strace72.txt', 'edge_i.txt', 'edge_i_stderr.txt',
    'edge_pie_ik.txt', 'edge_pie_i_noaslr.txt', 'k.txt', 'mt_f_k.txt', 'mt_f_tt_T_y_i.txt', 'mt_strace72_f_kk_N.txt',
    'sig_f.txt', 'sig_Y.txt', 'sock_Xverbose.txt', 'sock_yy.txt', 'sock_r.txt', 'sock_ts_ns.txt', 'sock_n.txt',
    'sock_inject.txt', 'string_escaping.txt', 'unknown_errno_inject.txt', 'live_fifo_capture.txt'];
  for (const file of files) {
    it(file, () => {
      const parsed = parseStraceText(reference(file));
      // Only the `### command` header that the capture script added is not strace output.
      expect(parsed.unparsed.filter((l) => !l.startsWith('### '))).toEqual([]);
      expect(render(parsed.events)).toMatchSnapshot();
    });
  }
});

describe('prefixes: pid, timestamps, instruction pointer', () => {
  it('reads `N  HH:MM:SS.us [ip]` and -T durations', () => {
    const [first] = parseStraceText(reference('mt_f_tt_T_y_i.txt')).events as SyscallEvent[];
    expect(first).toMatchObject({ pid: 4388, name: 'execve', ip: 0x7efedf561ad7, duration: 0.000286, result: '0' });
    expect(first!.time).toBeCloseTo(10 * 3600 + 13 * 60 + 56.384122, 6);
  });
  it('reads `[pid N]` prefixes and -ttt epoch times', () => {
    const [event] = parseStraceText('[pid  4242] 1795431808.190598 getpid() = 4242 <0.000002>\n').events;
    expect(event).toMatchObject({ pid: 4242, time: 1795431808.190598, name: 'getpid', returnValue: 4242 });
  });
  it('marks 8-digit ips (a process in 32-bit mode) as i386 and `[????????????????]` as unknown', () => {
    const events = parseStraceText(reference('edge_i.txt')).events;
    expect(calls(events).map((e) => [e.name, e.abi])).toEqual([
      ['execve', 'x86_64'], ['write', 'i386'], ['syscall_0x1f4', 'x86_64'], ['getpid', 'x86_64']]);
    expect(events.at(-1)).toMatchObject({ kind: 'exit', killedBy: 'SIGSEGV' });
    expect(events.at(-1)!.ip).toBeUndefined();
  });
  it('turns the personality notice into a notice event', () => {
    const events = parseStraceText(reference('edge_i_stderr.txt')).events;
    expect(events.filter((e) => e.kind === 'notice').map((e) => formatEvent(e)))
      .toEqual(['[ Process PID=5055 runs in 32 bit mode. ]', '[ Process PID=5055 runs in 64 bit mode. ]']);
  });
});

describe('prefixes read character by character, as strace writes them', () => {
  const first = (line: string) => parseStraceText(`${line}\n`).events[0]!;
  it('reads every timestamp form exactly as Number() reads the digits', () => {
    expect(first('10:13:56 getpid() = 1').time).toBe(10 * 3600 + 13 * 60 + 56);
    expect(first('23:59:59.999999 getpid() = 1').time).toBe(23 * 3600 + 59 * 60 + 59 + 0.999999);
    expect(first('1795431808.190598 getpid() = 1').time).toBe(1795431808.190598);
    // Nanoseconds (--absolute-timestamps=precision:ns) exceed 2^53 as an integer: still exact.
    expect(first('1795428859.711426931 getpid() = 1').time).toBe(Number('1795428859.711426931'));
    expect(first('7  0.5 getpid() = 1')).toMatchObject({ pid: 7, time: 0.5 });
  });
  it('reads pids as `N`, `[pid N]` and `N<comm>` (--decode-pids=comm), and nothing else', () => {
    expect(first('4242  getpid() = 4242')).toMatchObject({ pid: 4242, name: 'getpid' });
    expect(first('[pid\t 17] getpid() = 17')).toMatchObject({ pid: 17 });
    expect(first('99<worker 1> getpid() = 99')).toMatchObject({ pid: 99 });
    // Digits with no blank after them are a timestamp, not a pid.
    expect(first('1795431808.5 getpid() = 1')).toMatchObject({ pid: 0, time: 1795431808.5 });
    expect(parseStraceText('12getpid() = 1\n[pid 3]getpid() = 1\n').unparsedCount).toBe(2);
    // Summed as its digits are read, a pid of more than 15 digits is still what Number() reads.
    expect(first('123456789012345678901 getpid() = 1').pid).toBe(Number('123456789012345678901'));
  });
  it('reads ips of 8 to 16 digits, above 2^53 too, and skips `-n` numbers', () => {
    expect(first('[ffffffffff600007] time(NULL) = 1').ip).toBe(parseInt('ffffffffff600007', 16));
    expect(first('[0000000000401010] [  39] getpid() = 5')).toMatchObject({ ip: 0x401010, name: 'getpid', abi: 'x86_64' });
    expect(first('[08049000] getpid() = 5')).toMatchObject({ ip: 0x8049000, abi: 'i386' });
    expect(first('[  39] getpid() = 5')).toMatchObject({ name: 'getpid' });
    expect(first('[????????] getpid() = 5').ip).toBeUndefined();
    // 7 or 17 hex digits, or 9 question marks, are no ip (nor, with a letter, a `-n` number): not a call.
    expect(parseStraceText('[040101a] getpid() = 5\n[0000000000040101a] getpid() = 5\n[?????????] getpid() = 5\n').unparsedCount).toBe(3);
    // strace writes lowercase hex digits: `[000000000040100D]` is no ip.
    expect(parseStraceText('[000000000040100D] getpid() = 5\n').unparsedCount).toBe(1);
  });
  it('reads lines ending in \\r\\n', () => {
    expect(parseStraceText('getpid() = 5 <0.000002>\r\n').events[0]).toMatchObject({ returnValue: 5, duration: 0.000002 });
  });
});

describe('arguments and results read without regexes', () => {
  const call = (line: string) => calls(parseStraceText(`${line}\n`).events)[0]!;
  it('ends a string only at a quote no backslash escapes', () => {
    expect(call('write(1, "a\\\\", 3) = 3').args.map((a) => a.text)).toEqual(['1', '"a\\\\"', '3']);
    expect(call('write(1, "a\\"), b", 6) = 6').args.map((a) => a.text)).toEqual(['1', '"a\\"), b"', '6']);
  });
  it('ends a -y path only at a `>` no backslash escapes', () => {
    expect(call('read(3</tmp/a\\>b, c>, "", 1) = 0').args[0]).toEqual({ text: '3', fdPath: '/tmp/a\\>b, c' });
  });
  it('reads the descriptor of a removed file, printed `3</path>(deleted)` by strace 5.14 and later', () => {
    expect(call('write(15</memfd:mine>(deleted), "hello", 5) = 5').args[0]).toEqual({ text: '15', fdPath: '/memfd:mine (deleted)' });
    expect(call('close(3</tmp/a b>(deleted)) = 0').args).toEqual([{ text: '3', fdPath: '/tmp/a b (deleted)' }]);
  });
  it('keeps `==` inside an argument and `-X verbose` only with its exact shape', () => {
    expect(call('f(a==b) = 0').args[0]).toEqual({ text: 'a==b' });
    expect(call('f(0x3 /* two words */) = 0').args[0]).toEqual({ text: '0x3 /* two words */' });
    expect(call('f(0x3 /* X */) = 0').args[0]).toEqual({ text: 'X', raw: '0x3' });
  });
  it('reads results: value, path, errno, annotations and duration in any combination', () => {
    expect(call('f() = 0x1f <1>')).toMatchObject({ result: '0x1f', returnValue: 31, duration: 1 });
    expect(call('f() = 0x <1.5>')).toMatchObject({ result: '0', returnValue: 0, annotations: ['x'], duration: 1.5 });
    expect(call('f() = -1 E2BIG (Argument list too long) (INJECTED)')).toMatchObject({ errno: 'E2BIG', annotations: ['(INJECTED)'] });
    expect(call('f() = -1 E (x)')).toMatchObject({ result: '-1', annotations: ['E (x)'] });
    expect(call('f() = 3<a (b)> (flags O_RDONLY) <0.1>')).toMatchObject({ resultPath: 'a (b)', annotations: ['(flags O_RDONLY)'], duration: 0.1 });
    expect(call('f() = ?').result).toBe('?');
    expect(call('f() = ?').returnValue).toBeUndefined();
    expect(call('f() = none <.5>')).toMatchObject({ result: 'none <.5>' });
  });
  it('reads a result as the number Number() makes of its text, however long', () => {
    const results = ['0', '-0', '7', '-1', '-4095', '007', '4294967295', '999999999999999', '9007199254740993', '-9007199254740993',
      '18446744073709551615', '0x0', '0x7ffd8a2b1000', '0xfffffffffffff', '0x1fffffffffffff', '0xffffffffffffffff', '0xabcdef0123456789'];
    for (const result of results) {
      const event = call(`f() = ${result} <0.1>`);
      expect(event.result).toBe(result);
      expect(Object.is(event.returnValue, Number(result)), result).toBe(true);
    }
  });
});

describe('results, errno and annotations', () => {
  it('reads errno names and messages', () => {
    const open = calls(parseStraceText(reference('asm_i.txt')).events).find((e) => e.name === 'open')!;
    expect(open).toMatchObject({ result: '-1', returnValue: -1, errno: 'ENOENT', errnoMessage: 'No such file or directory' });
  });
  it('reads `= ?` and `= ? ERESTARTSYS (...)`', () => {
    const events = calls(parseStraceText(reference('sig_f.txt')).events);
    expect(events.find((e) => e.name === 'exit_group')).toMatchObject({ result: '?', annotations: [] });
    expect(events.find((e) => e.name === 'read' && e.errno)).toMatchObject({ result: '?', errno: 'ERESTARTSYS' });
  });
  it('keeps (INJECTED) and unknown errnos as annotations', () => {
    const [connect] = calls(parseStraceText(reference('sock_inject.txt')).events).filter((e) => e.name === 'connect');
    expect(connect).toMatchObject({ errno: 'ECONNREFUSED', annotations: ['(INJECTED)'] });
    const [write] = calls(parseStraceText(reference('unknown_errno_inject.txt')).events);
    expect(write).toMatchObject({ result: '-1', annotations: ['(errno 1234)', '(INJECTED)'] });
  });
  it('reads hexadecimal results and -y paths of returned descriptors', () => {
    const events = calls(parseStraceText(reference('sock_yy.txt')).events);
    expect(events.find((e) => e.name === 'brk')).toMatchObject({ result: '0x564ef7455000', returnValue: 0x564ef7455000 });
    expect(events.find((e) => e.name === 'openat')).toMatchObject({ result: '3', resultPath: '/etc/ld.so.cache' });
  });
});

describe('arguments: strings, structs, -X verbose, -y, -N', () => {
  it('does not end a call at `) = ` inside a string', () => {
    const [, second] = calls(parseStraceText(reference('string_escaping.txt')).events);
    expect(second!.args.map((a) => a.text)).toEqual(['1', '"f(x) = 5, y) = 6"', '16']);
    expect(second!.returnValue).toBe(16);
  });
  it('keeps nested structs, arrays and bit sets whole', () => {
    const sigaction = calls(parseStraceText(reference('mt_f_tt_T_y_i.txt')).events).find((e) => e.name === 'rt_sigaction')!;
    expect(sigaction.args).toHaveLength(4);
    expect(sigaction.args[1]!.text).toMatch(/^\{sa_handler=.*sa_restorer=0x7f0fc56dd050\}$/);
    const mask = calls(parseStraceText(reference('mt_f_tt_T_y_i.txt')).events).find((e) => e.name === 'rt_sigprocmask')!;
    expect(mask.args[1]!.text).toBe('[RTMIN RT_1]');
  });
  it('splits -X verbose into the symbolic text and the raw number', () => {
    const mmap = calls(parseStraceText(reference('sock_Xverbose.txt')).events).find((e) => e.name === 'mmap')!;
    expect(mmap.args[2]).toEqual({ text: 'PROT_READ|PROT_WRITE', raw: '0x3' });
    expect(mmap.args[0]).toEqual({ text: 'NULL' });
  });
  it('separates -y descriptor paths, also combined with -X verbose', () => {
    const [event] = calls(parseStraceText(
      '7917  1795431808.192472 [00007f050b02ab1d] openat(-100 /* AT_FDCWD */</tmp/a, b>, "/etc/x", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 3</etc/x> <0.000004>\n').events);
    expect(event!.args).toEqual([
      { text: 'AT_FDCWD', raw: '-100', fdPath: '/tmp/a, b' }, { text: '"/etc/x"' }, { text: 'O_RDONLY|O_CLOEXEC', raw: '0x80000' }]);
    expect(event).toMatchObject({ resultPath: '/etc/x', duration: 0.000004 });
  });
  it('keeps a -yy socket\'s name whole: the arrow to its peer (`UNIX-STREAM:[9542->9543]`) does not end it', () => {
    const events = calls(parseStraceText(reference('sock_yy.txt')).events);
    expect(events.find((e) => e.name === 'socketpair')!.args.map((a) => a.text)).toEqual(
      ['AF_UNIX', 'SOCK_STREAM', '0', '[5<UNIX-STREAM:[9542->9543]>, 6<UNIX-STREAM:[9543->9542]>]']);
    const sendmsg = calls(parseStraceText(reference('passfd_f_ttt_T_i_yy_Xverbose.txt')).events).find((e) => e.name === 'sendmsg')!;
    expect(sendmsg.args).toHaveLength(3);
    expect(sendmsg.args[0]).toEqual({ text: '5', fdPath: 'UNIX:[14806->14807]' });
    expect(sendmsg.args[2]).toEqual({ text: '0' });
    // A `>` after a `-` still ends a path that ends there (a file named `a-`).
    const [close, pipe] = calls(parseStraceText('close(3</tmp/a->) = 0\npipe2([3</a->, 4</b->], 0) = 0\n').events);
    expect(close!.args).toEqual([{ text: '3', fdPath: '/tmp/a-' }]);
    expect(pipe!.args.map((a) => a.text)).toEqual(['[3</a->, 4</b->]', '0']);
  });
  it('reads argument names (strace -N, and clone\'s own)', () => {
    const clone = calls(parseStraceText(reference('sig_f.txt')).events).find((e) => e.name === 'clone')!;
    expect(clone.args.map((a) => a.name)).toEqual(['child_stack', 'flags', 'child_tidptr']);
  });
});

describe('unfinished and resumed calls', () => {
  it('joins halves with the comma before <unfinished ...> (strace <= 6.15)', () => {
    const events = calls(parseStraceText(reference('mt_f_tt_T_y_i.txt')).events);
    const mask = events.find((e) => e.pid === 4388 && e.ip === 0x7f0fc572a907)!;
    expect(mask.args.map((a) => a.text)).toEqual(['SIG_SETMASK', '[]', 'NULL', '8']);
    expect(mask).toMatchObject({ inProgress: false, result: '0', ip: 0x7f0fc572a907, duration: 0.000029 });
  });
  it('joins halves with the comma in the resumed half (strace >= 6.16)', () => {
    const events = calls(parseStraceText(reference('mt_strace72_f_kk_N.txt')).events);
    const mask = events.find((e) => e.pid === 19187 && e.name === 'rt_sigprocmask' && e.args[0]!.text === 'SIG_SETMASK')!;
    expect(mask.args.map((a) => `${a.name}=${a.text}`)).toEqual(['how=SIG_SETMASK', 'set=[]', 'oldset=NULL', 'sigsetsize=8']);
  });
  it('emits the call in progress first and complete later under the same seq', () => {
    const seen: SyscallEvent[] = [];
    const parser = new StraceParser({ onEvent: (e) => { if (e.kind === 'syscall') seen.push(e); } });
    parser.push('5130  read(0,  <unfinished ...>\n5131  getppid() = 5130\n5130  <... read resumed>"x", 1) = 1\n');
    parser.end();
    expect(seen.map((e) => [e.seq, e.name, e.inProgress])).toEqual([[1, 'read', true], [2, 'getppid', false], [1, 'read', false]]);
    expect(seen[2]!.args.map((a) => a.text)).toEqual(['0', '"x"', '1']);
  });
  it('treats a partial last line as the call strace is blocked in', () => {
    const seen: TraceEvent[] = [];
    const parser = new StraceParser({ onEvent: (e) => seen.push(e) });
    parser.push('1795431808.1 write(1, "a", 1) = 1\n1795431808.2 read(0, ');
    const blocked = parser.inProgress();
    expect(seen).toHaveLength(1);
    expect(blocked).toMatchObject({ name: 'read', inProgress: true, seq: 2, time: 1795431808.2 });
    parser.push('"x", 1) = 1\n');
    parser.end();
    expect(seen[1]).toMatchObject({ name: 'read', inProgress: false, seq: 2, returnValue: 1 });
  });
  it('drops the `<unfinished ...>` of a call cut short by death', () => {
    const [sleep] = calls(parseStraceText('clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=10, tv_nsec=0},  <unfinished ...>) = ?\n').events);
    expect(sleep!.args).toHaveLength(3);
    expect(sleep!.result).toBe('?');
  });
});

describe('signals, exits and stacks', () => {
  it('reads signals and `killed by ... (core dumped)`', () => {
    const events = parseStraceText('--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---\n+++ killed by SIGSEGV (core dumped) +++\n').events;
    expect(events[0]).toMatchObject({ kind: 'signal', signal: 'SIGSEGV', details: '{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}' });
    expect(events[1]).toMatchObject({ kind: 'exit', killedBy: 'SIGSEGV', coreDumped: true });
  });
  it('attaches -k frames to their call, the exit call\'s frames after `+++ exited`', () => {
    const events = parseStraceText(reference('asm_k.txt')).events;
    const write = calls(events).find((e) => e.name === 'write')!;
    expect(write.stack).toEqual([{ module: '/home/user/samples/hello_asm', address: 0x101b }]);
    expect(calls(events).find((e) => e.name === 'exit')!.stack).toEqual([
      { module: '/home/user/samples/hello_asm', address: 0x1078, symbolOffset: 0 }]);
    expect(events.at(-1)).toMatchObject({ kind: 'exit', exitCode: 7, stack: [] });
  });
  it('gives the exit call its frames after `+++ exited` when another process\'s lines come in between', () => {
    const log = [
      '200 1796241904.992941 [00007fbacb2e6409] exit_group(3 <unfinished ...>',
      '100 1796241904.993080 [00007fbacb30a2ad] read(3,  <unfinished ...>',
      '200 1796241904.995291 [00007fbacb2e6409] <... exit_group resumed>) = ?',
      '100 1796241904.995846 [00007fbacb30a2ad] <... read resumed>"", 235) = 0 <0.002740>',
      ' > /usr/lib/x86_64-linux-gnu/libc.so.6(read+0xd) [0xf82ad]',
      ' > /tmp/prog(main+0xbe) [0x13f7]',
      '200 1796241904.999455 [????????????????] +++ exited with 3 +++',
      ' > /usr/lib/x86_64-linux-gnu/libc.so.6(_exit+0x29) [0xd4409]',
      ' > /tmp/prog(child_work+0x58) [0x12d1]',
      ' > /tmp/prog(main+0x9b) [0x13d4]',
      '100 1796241905.000000 [00007fbacb30a2ad] close(3) = 0',
      ' > /usr/lib/x86_64-linux-gnu/libc.so.6(close+0x1) [0xf8001]',
      '100 1796241905.100000 [????????????????] +++ exited with 0 +++',
      '',
    ].join('\n');
    const seen: TraceEvent[] = [];
    const parser = new StraceParser({ onEvent: (e) => seen.push(e) });
    parser.push('100 1796241904.900000 [00007fbacb30a350] getpid() = 100\n > /tmp/prog(main+0x1) [0x1001]\n');
    parser.push(log);
    parser.end();
    const complete = calls(seen).filter((e) => !e.inProgress);
    const symbols = (name: string) => complete.find((e) => e.name === name)!.stack.map((f) => f.symbol);
    expect(symbols('exit_group')).toEqual(['_exit', 'child_work', 'main']);
    expect(symbols('read')).toEqual(['read', 'main']);
    expect(symbols('close')).toEqual(['close']);
    // Still in order: every event after those before it (a completed call after its in-progress half).
    const firsts = [...new Set(seen.map((e) => e.seq))];
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    expect(seen.map((e) => e.seq).filter((_seq, i) => !(seen[i]!.kind === 'syscall' && (seen[i] as SyscallEvent).inProgress)))
      .toEqual([1, 2, 3, 4, 5, 6]);
    expect(seen.filter((e) => e.kind === 'exit').map((e) => e.pid)).toEqual([200, 100]);
    expect(parseStraceText(log).events.filter((e) => e.kind === 'syscall' && e.name === 'exit_group' && !e.inProgress)
      .map((e) => e.stack.length)).toEqual([3]);
  });
  it('still hands out the events after an exit call whose `+++ exited` never comes', () => {
    const seen: TraceEvent[] = [];
    const parser = new StraceParser({ onEvent: (e) => seen.push(e) });
    parser.push('200 getpid() = 200\n200 exit_group(0) = ?\n');
    for (let i = 0; i < 1000; i++) parser.push(`100 getpid() = 100\n`);
    // Held no further than a bounded number of events behind it.
    expect(seen.length).toBeGreaterThan(1000 - 300);
    const seqs = seen.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    parser.releaseHeld();
    expect(seen.length).toBe(1002);
  });
  it('keeps a quiet trace\'s last call back for its frames when asked, and hands the earlier ones out', () => {
    const seen: TraceEvent[] = [];
    const parser = new StraceParser({ onEvent: (e) => seen.push(e) });
    parser.push('100 getpid() = 100\n > /tmp/prog(main+0x1) [0x1001]\n100 getppid() = 1\n');
    parser.releaseHeld(true); // strace is still unwinding getppid
    expect(calls(seen).map((e) => e.name)).toEqual(['getpid']);
    parser.push(' > /tmp/prog(main+0x5) [0x1005]\n');
    parser.releaseHeld(true); // its frames came: nothing waits any more
    expect(calls(seen).map((e) => [e.name, e.stack.map((f) => f.address)])).toEqual([['getpid', [0x1001]], ['getppid', [0x1005]]]);
    parser.push('100 getpid() = 100\n');
    parser.releaseHeld(); // waited long enough: out without frames
    expect(calls(seen)).toHaveLength(3);
  });
  it('reads libdw frames with symbols and source hints', () => {
    const write = calls(parseStraceText(reference('asm_kk_strace72.txt')).events).find((e) => e.name === 'write')!;
    expect(write.stack).toEqual([{ module: '/home/user/samples/hello_asm', symbol: '_start', symbolOffset: 0x1b,
      address: 0x40101b, sourceHint: '/home/user/samples//hello.asm:19' }]);
  });
  it('reads a frame whose source hint itself ends like a frame as the regex would (longest module)', () => {
    const [event] = calls(parseStraceText('getpid() = 5\n > /a(f+0x1) [0x10] b(g) [0x12]\n > /a(f+0x1) [0x10] x.c:3\n').events);
    expect(event!.stack).toEqual([{ module: '/a(f+0x1) [0x10] b', symbol: 'g', address: 0x12 },
      { module: '/a', symbol: 'f', symbolOffset: 1, address: 0x10, sourceHint: 'x.c:3' }]);
  });
  it('reads frames of modules whose path has parentheses', () => {
    const [event] = calls(parseStraceText('getpid() = 5\n > /tmp/a (b)/prog(x)(_start+0x5) [0x1005]\n').events);
    expect(event!.stack).toEqual([{ module: '/tmp/a (b)/prog(x)', symbol: '_start', symbolOffset: 5, address: 0x1005 }]);
  });
});

describe('call names', () => {
  it('keeps each name right however many names a log has and in whatever order they come', () => {
    // More names than the parser remembers recently, then more than it remembers at all.
    const names = Array.from({ length: 5000 }, (_, i) => `call_number_${i.toString(36)}`);
    const order = [...names.slice(0, 12), ...names.slice(0, 12).reverse(), ...names, 'read', 'write', 'read', ...names.slice(0, 3)];
    const parsed = parseStraceText(order.map((name, i) => `${name}(${i}) = ${i}\n`).join(''));
    expect(calls(parsed.events).map((e) => `${e.name} ${e.args[0]!.text}`)).toEqual(order.map((name, i) => `${name} ${i}`));
  });
});

describe('never throws, keeps what it cannot read', () => {
  it('counts unparsed lines and keeps them verbatim', () => {
    const parsed = parseStraceText('write(1, "a", 1) = 1\nthis is not strace\n\u0000\u0001garbage(\nread(0, "", 1) = 0\n');
    expect(calls(parsed.events).map((e) => e.name)).toEqual(['write', 'read']);
    expect(parsed.unparsedCount).toBe(2);
    expect(parsed.unparsed).toEqual(['this is not strace', '\u0000\u0001garbage(']);
  });
  it('never reads on into the next line, whatever a line leaves open', () => {
    const lines = [
      'write(1, "a string that never closes', 'read(0, "x", 1) = 1',
      'read(3</a path that never closes, "", 1) = 0', 'close(3</tmp/b>) = 0',
      'open("/x", 0x1 /* a comment that never closes) = 3', 'openat(AT_FDCWD</tmp>, "y", O_RDONLY) = 4</tmp/y>',
      'getpid(', '12:', '34:56 getppid() = 1', '[pid', '77] getuid() = 0', '5<comm', '> getgid() = 0',
      'f() = 3</never closed', 'g() = 5',
    ];
    const whole = parseStraceText(lines.join('\n') + '\n');
    const oneByOne: TraceEvent[] = [];
    const byLine = new StraceParser({ onEvent: (e) => oneByOne.push(e) });
    for (const line of lines) {
      byLine.push(line + '\n');
      byLine.releaseHeld();
    }
    byLine.end();
    expect(render(whole.events)).toBe(render(oneByOne));
    expect(whole.unparsed).toEqual(byLine.unparsed);
    expect(calls(whole.events).map((e) => e.name)).toEqual(['read', 'close', 'openat', 'f', 'g']);
  });
  it('gives the same events however the stream is chunked', () => {
    const text = reference('mt_f_tt_T_y_i.txt');
    const whole = render(parseStraceText(text).events);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 5; round++) {
      const bySeq = new Map<number, TraceEvent>();
      const parser = new StraceParser({ onEvent: (e) => bySeq.set(e.seq, e) });
      for (let i = 0; i < text.length;) {
        const size = 1 + Math.floor(random() * 300);
        parser.push(text.slice(i, i + size));
        i += size;
      }
      parser.end();
      expect(render([...bySeq.values()].sort((a, b) => a.seq - b.seq))).toBe(whole);
    }
  });
});

/** Escapes bytes the way strace does in quoted strings. */
function straceQuote(bytes: Uint8Array): string {
  let out = '"';
  bytes.forEach((b, i) => {
    const next = bytes[i + 1];
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x09) out += '\\t';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    // An octal escape is cut short unless a digit follows (`\0` vs `\0001`).
    else out += next !== undefined && next >= 0x30 && next <= 0x37 ? `\\${b.toString(8).padStart(3, '0')}` : `\\${b.toString(8)}`;
  });
  return out + '"';
}

describe('hostile strings (property test)', () => {
  const alphabet = ['"', '\\', ')', '(', ' = ', ',', '<', '>', '{', '}', '[', ']', '/*', '*/', '\n', '\t', '\0', '\x7f', 'é', 'a',
    ' <unfinished ...>', '<... write resumed>', '+++ exited with 0 +++', '--- SIGSEGV', '<img src=x onerror=alert(1)>'];
  it('recovers every argument and the result of 2000 random writes', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const encoder = new TextEncoder();
    let log = '';
    const expected: string[] = [];
    for (let i = 0; i < 2000; i++) {
      let text = '';
      const pieces = Math.floor(random() * 12);
      for (let p = 0; p < pieces; p++) text += alphabet[Math.floor(random() * alphabet.length)];
      const quoted = straceQuote(encoder.encode(text));
      expected.push(quoted);
      log += `${1000 + (i % 3)}  1795431808.${String(i).padStart(6, '0')} [0000000000401010] write(1, ${quoted}, ${text.length}) = ${i} <0.000001>\n`;
    }
    const parsed = parseStraceText(log);
    expect(parsed.unparsedCount).toBe(0);
    const writes = calls(parsed.events);
    expect(writes.map((e) => e.args[1]!.text)).toEqual(expected);
    expect(writes.map((e) => e.returnValue)).toEqual(expected.map((_, i) => i));
  });
});

describe('a program that strace attached to before its execve (the trace supervisor)', () => {
  // Real strace 6.1 output of `strace -f -ttt -T -i -p PID` on a process stopped before its execve.
  const attached = [
    '3746  1796057011.119160 [00007ff23c65a267] --- stopped by SIGSTOP ---',
    '3746  1796057011.119342 [00007ff23c65a267] --- SIGCONT {si_signo=18 /* SIGCONT */, si_code=0 /* SI_USER */, si_pid=3692, si_uid=0} ---',
    '3746  1796057011.119403 [00007ff23c6f2ad7] execve("/bin/true", ["/bin/true"], 0x7ffd7e3cf740 /* 38 vars */) = 0 <0.001168>',
    '3746  1796057011.120655 [00007ff48eeb1c47] brk(NULL) = 0x556799cb3000 <0.000007>',
    '3746  1796057011.121000 [00007ff48eeb1c47] +++ exited with 0 +++',
    '',
  ].join('\n');

  it('drops what came before the execve, numbering from the execve on', () => {
    const events: TraceEvent[] = [];
    const parser = new StraceParser({ attachedBeforeExec: true, onEvent: (e) => events.push(e) });
    parser.push(attached);
    parser.end();
    expect(events.map((e) => [e.seq, e.kind === 'syscall' ? e.name : e.kind])).toEqual([[1, 'execve'], [2, 'brk'], [3, 'exit']]);
  });

  it('keeps them when strace started the program itself', () => {
    expect(parseStraceText(attached).events.map((e) => e.kind)).toEqual(['signal', 'signal', 'syscall', 'syscall', 'exit']);
  });

  // Real strace 6.1 -k output (frames shortened) of the supervisor starting a program through its exec trampoline.
  const trampoline = [
    '16855 1796196980.899083 [00007f2ffb7ec267] --- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=16847, si_uid=0} ---',
    ' > /usr/lib/x86_64-linux-gnu/libc.so.6(kill+0x7) [0x3c267]',
    ' > /usr/bin/python3.11(_start+0x21) [0x227bd1]',
    '16855 1796196980.917713 [00007f2ffb884ad7] execve("/root/.cache/syscall-lens/exec/exec-trampoline", ["/root/.cache/syscall-lens/exec/e"..., "./out/unwind/main", "./out/unwind/main"], 0x7fffecd7b5c0 /* 39 vars */) = 0 <0.002142>',
    ' > /usr/lib/x86_64-linux-gnu/libc.so.6(execve+0x7) [0xd4ad7]',
    ' > /usr/bin/python3.11(_start+0x21) [0x227bd1]',
    '16855 1796196980.920924 [0000100000000092] execve("./out/unwind/main", ["./out/unwind/main"], 0x7fff47671e18 /* 39 vars */) = 0 <0.000574>',
    ' > /root/.cache/syscall-lens/exec/exec-trampoline(+0x0) [0x92]',
    '16855 1796196980.923601 [00000000004010a7] getpid() = 16855 <0.000014>',
    ' > /tmp/mo/out/unwind/main() [0x10a7]',
    ' > /tmp/mo/out/unwind/main() [0x1028]',
    '16855 1796196980.925073 [000000000040103b] exit(3) = ?',
    '16855 1796196980.925200 [000000000040103b] +++ exited with 3 +++',
    '',
  ];
  const afterTrampoline = (lines: string[]) => {
    const events: TraceEvent[] = [];
    const parser = new StraceParser({ attachedBeforeExec: true, supervisorExecs: 1, onEvent: (e) => events.push(e) });
    parser.push(lines.join('\n'));
    parser.end();
    return events;
  };

  it('drops the exec trampoline\'s execve as the supervisor\'s: the program starts at the execve the trampoline made', () => {
    const events = afterTrampoline(trampoline);
    expect(events.map((e) => [e.seq, e.kind, e.kind === 'syscall' ? e.name : ''])).toEqual([
      [1, 'syscall', 'execve'], [2, 'syscall', 'getpid'], [3, 'syscall', 'exit'], [4, 'exit', ''],
    ]);
    const execve = events[0] as SyscallEvent;
    expect(execve.args[0]!.text).toBe('"./out/unwind/main"');
    expect(events[1]!.stack.map((f) => f.address)).toEqual([0x10a7, 0x1028]);
  });

  it('drops it when it comes in halves too, counting it once its resumed half is read', () => {
    const [, , , whole] = trampoline;
    const halves = [
      ...trampoline.slice(0, 3),
      whole!.replace(/, 0x7fffecd7b5c0 .*$/, ' <unfinished ...>'),
      '16855 1796196980.918000 [00007f2ffb884ad7] <... execve resumed>, 0x7fffecd7b5c0 /* 39 vars */) = 0 <0.002142>',
      ...trampoline.slice(4),
    ];
    expect(afterTrampoline(halves).map((e) => (e.kind === 'syscall' ? `${e.name} ${e.args[0]?.text ?? ''}` : e.kind)))
      .toEqual(['execve "./out/unwind/main"', 'getpid ', 'exit 3', 'exit']);
  });

  it('shows a failed execve of the program after the trampoline\'s (the program could not be run)', () => {
    const failed = [
      ...trampoline.slice(0, 6),
      '16855 1796196980.920924 [0000100000000092] execve("/nowhere/prog", ["prog"], 0x7fff47671e18 /* 39 vars */) = -1 ENOENT (No such file or directory) <0.000020>',
      '16855 1796196980.921000 [00001000000000a0] exit_group(127) = ?',
      '16855 1796196980.921100 +++ exited with 127 +++',
      '',
    ];
    const events = afterTrampoline(failed);
    expect(events.map((e) => (e.kind === 'syscall' ? [e.name, e.errno] : [e.kind]))).toEqual([['execve', 'ENOENT'], ['exit_group', undefined], ['exit']]);
  });
});
