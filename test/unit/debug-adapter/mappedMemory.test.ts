import { describe, expect, it } from 'vitest';
import { mappedSpans } from '../../../debug-adapter/mappedMemory';

describe('the mapped spans of a process', () => {
  it('joins mappings that touch and keeps gaps, from /proc/PID/maps as Linux prints it', () => {
    const maps = [
      '00400000-00401000 r--p 00000000 fe:01 1234                               /tmp/mem/m',
      '00401000-00402000 r-xp 00001000 fe:01 1234                               /tmp/mem/m',
      '00402000-00403000 rw-p 00002000 fe:01 1234                               /tmp/mem/m',
      '7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0                          [vvar]',
      '7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]',
      'ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]',
      '',
    ].join('\n');
    expect(mappedSpans(maps)).toEqual([
      [0x400000n, 0x403000n],
      [0x7ffff7ff7000n, 0x7ffff7ffb000n],
      [0x7ffffffde000n, 0x7ffffffff000n],
      [0xffffffffff600000n, 0xffffffffff601000n],
    ]);
  });
});
