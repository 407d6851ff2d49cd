/**
 * A string kept for long, as its own copy. The parser cuts names, results and arguments out of the
 * chunk of log it read; V8 keeps such a piece (13 characters or more) as a view into the chunk, so
 * keeping the piece would keep the whole chunk (up to a megabyte) alive.
 */
export function ownCopy(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, 'utf8').toString('utf8');
}
