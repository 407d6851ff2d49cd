// Searching the syscall table the way people search a syscall table in a browser tab: by number
// (decimal or hex), by name (SYS_/__NR_ prefixes allowed), by category, by parameter. Shared by the
// `syscall-lens table` CLI and the editor's table view; browser-safe.
import type { SyscallInfo } from './types';

/**
 * A parsed search. Free text is split into words that must all match:
 *   `60` or `0x3c`      the syscall with that number
 *   `cat:file`          category (also `category:`)
 *   `arg:fd`            a parameter whose name or type contains the word (also `param:`)
 *   anything else       part of the name, a category's exact name, or a parameter's exact name
 */
export interface SyscallQuery {
  words: QueryWord[];
  implementedOnly: boolean;
}

export type QueryWord =
  | { kind: 'number'; number: number }
  | { kind: 'category'; category: string }
  | { kind: 'param'; text: string }
  | { kind: 'text'; text: string };

export function parseSyscallQuery(text: string, options: { implementedOnly?: boolean } = {}): SyscallQuery {
  const words = text.trim().toLowerCase().split(/[\s,]+/).filter(Boolean).map(parseWord);
  return { words, implementedOnly: options.implementedOnly ?? false };
}

function parseWord(word: string): QueryWord {
  if (/^(0x[0-9a-f]+|\d+)$/.test(word)) return { kind: 'number', number: Number(word) };
  const prefixed = /^(cat|category|arg|param):(.*)$/.exec(word);
  if (prefixed) {
    return prefixed[1]!.startsWith('cat') ? { kind: 'category', category: prefixed[2]! } : { kind: 'param', text: prefixed[2]! };
  }
  return { kind: 'text', text: word.replace(/^(sys_|__nr_)/, '') };
}

/** Implemented: the table names a kernel entry point other than sys_ni_syscall. */
export function isImplemented(syscall: SyscallInfo): boolean {
  return syscall.entry !== null && syscall.entry !== 'sys_ni_syscall';
}

function wordMatches(syscall: SyscallInfo, word: QueryWord): boolean {
  switch (word.kind) {
    case 'number': return syscall.number === word.number;
    case 'category': return syscall.category.startsWith(word.category);
    case 'param': return syscall.params.some((p) => p.name.toLowerCase().includes(word.text) || p.type.toLowerCase().includes(word.text));
    case 'text':
      return syscall.name.includes(word.text) || syscall.category === word.text
        || syscall.params.some((p) => p.name.toLowerCase() === word.text);
  }
}

export function matchesSyscallQuery(syscall: SyscallInfo, query: SyscallQuery): boolean {
  if (query.implementedOnly && !isImplemented(syscall)) return false;
  return query.words.every((word) => wordMatches(syscall, word));
}

/**
 * The syscalls matching the query. Names equal to a typed word come first, then names starting with
 * it, then the rest; within each group, number order.
 */
export function searchSyscalls(all: readonly SyscallInfo[], query: SyscallQuery): SyscallInfo[] {
  const texts = query.words.flatMap((word) => (word.kind === 'text' ? [word.text] : []));
  const rank = (syscall: SyscallInfo): number => {
    if (texts.some((text) => syscall.name === text)) return 0;
    if (texts.some((text) => syscall.name.startsWith(text))) return 1;
    return 2;
  };
  return all
    .filter((syscall) => matchesSyscallQuery(syscall, query))
    .map((syscall) => ({ syscall, rank: rank(syscall) }))
    .sort((a, b) => a.rank - b.rank || a.syscall.number - b.syscall.number)
    .map(({ syscall }) => syscall);
}

/** Names close to a mistyped one, for "did you mean": containing it, or at most two edits away. */
export function nearestSyscallNames(all: readonly SyscallInfo[], word: string, limit = 5): string[] {
  const bare = word.toLowerCase().replace(/^(sys_|__nr_)/, '');
  if (bare.length < 2) return [];
  const scored = all
    .map((syscall) => ({ name: syscall.name, distance: syscall.name.includes(bare) ? 0 : editDistance(bare, syscall.name, 2) }))
    .filter((candidate) => candidate.distance <= 2)
    .sort((a, b) => a.distance - b.distance || a.name.length - b.name.length);
  return [...new Set(scored.map((candidate) => candidate.name))].slice(0, limit);
}

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    if (Math.min(...current) > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}
