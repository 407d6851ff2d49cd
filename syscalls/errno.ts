import type { ErrnoInfo } from './types';
import errnoData from './data/errno.json';

let byNumber: Map<number, ErrnoInfo> | undefined;
let byName: Map<string, ErrnoInfo> | undefined;

function build(): void {
  byNumber = new Map();
  byName = new Map();
  for (const [number, name, message] of errnoData.errors as Array<[number, string, string]>) {
    const info = Object.freeze({ number, name, message });
    byNumber.set(number, info);
    byName.set(name, info);
  }
  for (const [alias, target] of Object.entries(errnoData.aliases as Record<string, string>)) {
    const info = byName.get(target);
    if (info) byName.set(alias, info);
  }
}

/** errno 2 → { name: 'ENOENT', message: 'No such file or directory' }. Accepts the negated kernel form too. */
export function errnoByNumber(n: number): ErrnoInfo | undefined {
  if (!byNumber) build();
  return byNumber!.get(Math.abs(n));
}

/** 'ENOENT' (or 'enoent', or an alias such as 'EWOULDBLOCK') → its errno. */
export function errnoByName(name: string): ErrnoInfo | undefined {
  if (!byName) build();
  return byName!.get(name.trim().toUpperCase());
}

/** All errnos, by number. */
export function allErrnos(): ErrnoInfo[] {
  if (!byNumber) build();
  return [...byNumber!.values()];
}
