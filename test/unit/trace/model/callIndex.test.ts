import { readdirSync } from 'node:fs';
import * as os from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { diskFull } from '../../../support/diskFull';
import { CallIndex, slotOf } from '../../../../trace/model/callIndex';

vi.mock('../../../../trace/model/privateFile', async (original) => (await import('../../../support/diskFull')).failingWrites(await original()));

describe('the per-call index on disk', () => {
  it('gives back every record written, across many more pages than it keeps in memory, in any order', () => {
    const index = CallIndex.create();
    const count = 200_000;
    // Written in two passes, the second far behind the first (as the window's end is archived).
    for (let seq = 1; seq <= count; seq++) {
      const page = index.pageToChange(seq);
      page.start[slotOf(seq)] = seq * 1000.5;
      page.pid[slotOf(seq)] = -seq;
    }
    for (let seq = count; seq >= 1; seq -= 3) {
      const page = index.pageToChange(seq);
      page.name[slotOf(seq)] = seq % 65_536;
      page.flags[slotOf(seq)] = seq % 256;
    }
    for (let seq = 1; seq <= count; seq += 7) {
      const page = index.page(seq);
      const slot = slotOf(seq);
      expect([page.start[slot], page.pid[slot], page.name[slot], page.flags[slot]])
        .toEqual([seq * 1000.5, -seq, (count - seq) % 3 === 0 ? seq % 65_536 : 0, (count - seq) % 3 === 0 ? seq % 256 : 0]);
    }
    // Never written: zeros.
    expect(index.page(count * 3).start[slotOf(count * 3)]).toBe(0);
    index.close();
  });

  it('keeps its pages in memory when the disk takes no more, losing nothing', () => {
    const index = CallIndex.create();
    for (let seq = 1; seq <= 50_000; seq++) index.pageToChange(seq).pid[slotOf(seq)] = seq;
    diskFull.now = true;
    try {
      for (let seq = 50_001; seq <= 150_000; seq++) index.pageToChange(seq).pid[slotOf(seq)] = seq;
      for (let seq = 1; seq <= 150_000; seq += 11) expect(index.page(seq).pid[slotOf(seq)]).toBe(seq);
    } finally {
      diskFull.now = false;
      index.close();
    }
  });

  it('leaves no file behind: the file is removed as soon as it is open', () => {
    const before = readdirSync(os.tmpdir()).filter((name) => name.startsWith('syscall-lens-index-'));
    const index = CallIndex.create();
    index.pageToChange(1).start[1] = 5;
    expect(readdirSync(os.tmpdir()).filter((name) => name.startsWith('syscall-lens-index-'))).toEqual(before);
    index.close();
  });
});
