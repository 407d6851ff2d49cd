// Lists in line order (symbols, scopes, checkpoints, blocks), changed in place by edits.

/** The index of the first item at or after `line` in a list in line order. */
export function firstAtOrAfter(list: readonly { line: number }[], line: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid]!.line < line) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Puts `items` in place of list[from, to), in place (no spread of a long list into arguments). */
export function replaceRange<T>(list: T[], from: number, to: number, items: readonly T[]): void {
  // A few items: one native splice moves the tail.
  if (items.length <= 1024) { list.splice(from, to - from, ...items); return; }
  const tail = list.splice(to);
  list.length = from;
  for (const item of items) list.push(item);
  for (const item of tail) list.push(item);
}
