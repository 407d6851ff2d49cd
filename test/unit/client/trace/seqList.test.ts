import { describe, expect, it } from 'vitest';
import { SeqList } from '../../../../client/trace/seqList';

describe('the rows a filter lets through, kept as runs of seqs', () => {
  it('agrees with a plain sorted list under appends and inserts in any order', () => {
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const list = new SeqList();
    const plain: number[] = [];
    let next = 1;
    for (let step = 0; step < 5000; step++) {
      if (random(3) > 0) {
        // Appends, often consecutive (runs), sometimes with gaps.
        next += random(4) === 0 ? 1 + random(5) : 1;
        list.push(next);
        plain.push(next);
      } else {
        const seq = 1 + random(next + 10);
        const added = list.insert(seq);
        expect(added).toBe(!plain.includes(seq));
        if (added) {
          plain.push(seq);
          plain.sort((a, b) => a - b);
          next = Math.max(next, seq);
        }
      }
    }
    expect(list.length).toBe(plain.length);
    plain.forEach((seq, i) => {
      expect(list.at(i)).toBe(seq);
      expect(list.indexOf(seq)).toBe(i);
    });
    expect(list.at(plain.length)).toBeUndefined();
    expect(list.indexOf(next + 100)).toBe(-1);
  });

  it('keeps two million consecutive rows as one run', () => {
    const list = new SeqList();
    for (let seq = 1; seq <= 2_000_000; seq++) list.push(seq);
    expect(list.length).toBe(2_000_000);
    expect(list.at(1_999_999)).toBe(2_000_000);
    expect(list.indexOf(1_234_567)).toBe(1_234_566);
    expect(list.runCount).toBe(1);
  });
});
