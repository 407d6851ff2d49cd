import { describe, expect, it } from 'vitest';
import { callSteps, diffCalls, type CallStep } from '../../../../trace/model/sequence';
import { parseStraceText } from '../../../../trace/parse/parser';

const steps = (spec: string): CallStep[] => spec.split(' ').map((word) => {
  const [name, outcome = 'ok'] = word.split('=');
  return { name: name!, outcome };
});

describe('two runs\' call sequences aligned', () => {
  it('finds the calls added and removed, in order, with their positions', () => {
    const changes = diffCalls(steps('execve brk mmap openat read close write exit_group'), steps('execve write exit_group'))!;
    expect(changes.map((c) => [c.kind, c.a?.name ?? c.b?.name, c.indexA, c.indexB])).toEqual([
      ['removed', 'brk', 2, undefined], ['removed', 'mmap', 3, undefined], ['removed', 'openat', 4, undefined],
      ['removed', 'read', 5, undefined], ['removed', 'close', 6, undefined],
    ]);
    expect(diffCalls(steps('write'), steps('open write write'))!.map((c) => [c.kind, c.b?.name])).toEqual([['added', 'open'], ['added', 'write']]);
  });

  it('reports a call whose errno or small result changed, not one whose address did', () => {
    const a = steps('open=3 read=14 mmap=ok write=14');
    const b = steps('open=ENOENT read=EBADF mmap=ok write=14');
    expect(diffCalls(a, b)!.map((c) => [c.kind, c.a?.outcome, c.b?.outcome])).toEqual([['changed', '3', 'ENOENT'], ['changed', '14', 'EBADF']]);
    expect(diffCalls(a, a)).toEqual([]);
  });

  it('reads the steps of a trace: errno, small results, addresses as ok', () => {
    const events = parseStraceText([
      'open("/x", O_RDONLY) = -1 ENOENT (No such file or directory)',
      'mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000',
      'read(0, "hi\\n", 10) = 3',
      'exit(0) = ?',
      '',
    ].join('\n')).events;
    expect(callSteps(events, () => undefined)).toEqual({ complete: true, steps: steps('open=ENOENT mmap=ok read=3 exit=?') });
  });
});
