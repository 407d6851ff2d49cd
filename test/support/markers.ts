// Test programs mark the lines tests look for with `@name` in a comment (`; @exit`, `/* @getppid */`).
import { readFileSync } from 'node:fs';

/** The 1-based line of `file` carrying `@marker`; throws when no line does. */
export function markerLine(file: string, marker: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((l) => new RegExp(`@${marker}\\b`).test(l));
  if (index < 0) throw new Error(`no @${marker} in ${file}`);
  return index + 1;
}
