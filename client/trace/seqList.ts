// An ordered list of seqs kept as runs of consecutive numbers: the rows a filter lets through. A
// trace's rows mostly come in long runs (every row, or every call of a loop), so two million rows
// take a few runs instead of two million numbers.

export class SeqList {
  /** Run r covers seqs firsts[r] … firsts[r] + counts[r] − 1 and starts at list position positions[r]. */
  private firsts = new Uint32Array(8);
  private counts = new Uint32Array(8);
  private positions = new Float64Array(8);
  private runs = 0;
  length = 0;

  /** How many runs hold the list (its memory: 16 bytes a run). */
  get runCount(): number {
    return this.runs;
  }

  /** Adds `seq`, which must be above every seq in the list. */
  push(seq: number): void {
    const last = this.runs - 1;
    if (last >= 0 && this.firsts[last]! + this.counts[last]! === seq) this.counts[last]!++;
    else this.addRun(this.runs, seq);
    this.length++;
  }

  /** Adds `seq` where it belongs; false when it was there already. */
  insert(seq: number): boolean {
    const r = this.runAtOrBefore(seq);
    if (r >= 0 && seq < this.firsts[r]! + this.counts[r]!) return false;
    if (r === this.runs - 1) {
      this.push(seq);
      return true;
    }
    if (r >= 0 && this.firsts[r]! + this.counts[r]! === seq) {
      this.counts[r]!++;
      // It closed the gap to the next run: the two become one.
      if (this.firsts[r + 1] === seq + 1) {
        this.counts[r]! += this.counts[r + 1]!;
        this.removeRun(r + 1);
      }
    } else if (this.firsts[r + 1] === seq + 1) {
      this.firsts[r + 1] = seq;
      this.counts[r + 1]!++;
    } else {
      this.addRun(r + 1, seq);
    }
    this.length++;
    this.renumber(Math.max(0, r));
    return true;
  }

  /** The seq at list position `index`. */
  at(index: number): number | undefined {
    if (index < 0 || index >= this.length) return undefined;
    let low = 0;
    let high = this.runs - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.positions[mid]! <= index) low = mid;
      else high = mid - 1;
    }
    return this.firsts[low]! + (index - this.positions[low]!);
  }

  /** The list position of `seq`, or -1. */
  indexOf(seq: number): number {
    const r = this.runAtOrBefore(seq);
    if (r < 0 || seq >= this.firsts[r]! + this.counts[r]!) return -1;
    return this.positions[r]! + (seq - this.firsts[r]!);
  }

  /** The last run starting at or before `seq`, or -1. */
  private runAtOrBefore(seq: number): number {
    let low = 0;
    let high = this.runs - 1;
    if (high < 0 || this.firsts[0]! > seq) return -1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.firsts[mid]! <= seq) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  private addRun(at: number, seq: number): void {
    if (this.runs === this.firsts.length) {
      this.firsts = grow(this.firsts, new Uint32Array(this.runs * 2));
      this.counts = grow(this.counts, new Uint32Array(this.runs * 2));
      this.positions = grow(this.positions, new Float64Array(this.runs * 2));
    }
    this.firsts.copyWithin(at + 1, at, this.runs);
    this.counts.copyWithin(at + 1, at, this.runs);
    this.positions.copyWithin(at + 1, at, this.runs);
    this.firsts[at] = seq;
    this.counts[at] = 1;
    this.positions[at] = this.length;
    this.runs++;
  }

  private removeRun(at: number): void {
    this.firsts.copyWithin(at, at + 1, this.runs);
    this.counts.copyWithin(at, at + 1, this.runs);
    this.positions.copyWithin(at, at + 1, this.runs);
    this.runs--;
  }

  /** Positions of runs from `from` on, after a run changed. */
  private renumber(from: number): void {
    let position = from === 0 ? 0 : this.positions[from - 1]! + this.counts[from - 1]!;
    for (let r = from; r < this.runs; r++) {
      this.positions[r] = position;
      position += this.counts[r]!;
    }
  }
}

function grow<T extends Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
