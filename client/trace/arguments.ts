// Program arguments typed as one line, split the way a user expects from a shell's simplest rules —
// but never given to a shell: blanks separate words, '…' keeps everything literally, "…" keeps blanks
// and lets \" and \\ through, a backslash outside quotes escapes the next character.

import * as path from 'node:path';
import type { TraceRunOptions } from '../../trace/configuration';

/** The words of `line`, or an error message for an unterminated quote. */
export function splitArguments(line: string): string[] | { error: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === '\\') {
      word += line[++i] ?? '';
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { error: 'a single quote is not closed' };
      word += line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && (line[j + 1] === '"' || line[j + 1] === '\\')) j++;
        word += line[j];
      }
      if (j >= line.length) return { error: 'a double quote is not closed' };
      i = j;
    } else word += c;
  }
  if (inWord) words.push(word);
  return words;
}

/** The arguments as one line that splitArguments reads back to the same words. */
export function joinArguments(words: readonly string[]): string {
  return words.map((w) => (w && /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** `notes.txt -n < input.txt`: what a run will be given (a CodeLens says it), paths inside `folder` relative to it. */
export function describeRunOptions(options: TraceRunOptions, folder: string | undefined): string {
  const inside = folder !== undefined && options.stdin !== undefined && !path.relative(folder, options.stdin).startsWith('..');
  const stdin = options.stdin ? `< ${inside ? path.relative(folder!, options.stdin) : options.stdin}` : '';
  return [joinArguments(options.args), stdin].filter(Boolean).join(' ');
}
