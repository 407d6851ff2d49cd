import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallOrigin, TraceEvent } from '../../../../trace/events';
import { ThreadLives } from '../../../../trace/map/threadLives';
import { StraceParser } from '../../../../trace/parse/parser';

const FIXTURES = path.join(__dirname, '../../../fixtures/trace/threadLives');

/** Every event as the parser gives it (in-progress halves too), each thread call's origin as ThreadLives reads it. */
function originsOfThreadCalls(text: string, userCall: (event: TraceEvent) => boolean): Array<[string, CallOrigin | undefined]> {
  const lives = new ThreadLives();
  const seen: TraceEvent[] = [];
  const parser = new StraceParser({ onEvent: (event) => seen.push(event) });
  parser.push(text);
  parser.end();
  const origins: Array<[string, CallOrigin | undefined]> = [];
  for (const event of seen) {
    lives.observe(event);
    if (event.kind !== 'syscall' || event.inProgress) continue;
    if (userCall(event)) lives.reachedUserCode(event.pid);
    else origins.push([`${event.pid} ${event.name}`, lives.originOutsideUserCode(event.pid)]);
  }
  return origins;
}

describe('the calls libc makes to start and end a thread', () => {
  it('knows a thread whose first call strace shows before its creator\'s clone3 returns', () => {
    const text = readFileSync(path.join(FIXTURES, 'clone3-returns-late.txt'), 'utf8');
    expect(text).toMatch(/clone3\(.*<unfinished \.\.\.>\n\d+ rseq\(/);
    const origins = originsOfThreadCalls(text, (event) => event.kind === 'syscall' && event.name === 'write');
    expect(origins.filter(([call]) => call.startsWith('13990 '))).toEqual([
      ['13990 rseq', 'startup'],
      ['13990 set_robust_list', 'startup'],
      ['13990 rt_sigprocmask', 'startup'],
      ['13990 rt_sigprocmask', 'exit'],
      ['13990 madvise', 'exit'],
      ['13990 exit', 'exit'],
    ]);
    // The process that made the thread is not one.
    expect(origins.filter(([call]) => call.startsWith('13989 ')).map(([, origin]) => origin)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('knows it when the thread\'s first call even completes before the clone3 returns', () => {
    const text = [
      '13989 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f85e0391990, parent_tid=0x7f85e0391990, exit_signal=0, stack=0x7f85dfb91000, stack_size=0x7fff80, tls=0x7f85e03916c0} <unfinished ...>',
      '13990 rseq(0x7f85e0391fe0, 0x20, 0, 0x53053053) = 0',
      '13989 <... clone3 resumed> => {parent_tid=[13990]}, 88) = 13990',
      '',
    ].join('\n');
    expect(originsOfThreadCalls(text, () => false)).toEqual([['13990 rseq', 'startup'], ['13989 clone3', undefined]]);
  });

  it('leaves processes alone: a fork\'s child is not a thread', () => {
    const text = [
      '200 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f7e65eb9a10) = 201',
      '201 getpid() = 201',
      '201 exit_group(0) = ?',
      '201 +++ exited with 0 +++',
      '',
    ].join('\n');
    expect(originsOfThreadCalls(text, () => false)).toEqual([['200 clone', undefined], ['201 getpid', undefined], ['201 exit_group', undefined]]);
  });
});
