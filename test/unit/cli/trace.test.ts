import { describe, expect, it } from 'vitest';
import { escapeControlCharacters } from '../../../cli/trace';

describe('notices on a terminal', () => {
  it('carry no raw control characters (escape sequences, newlines, DEL), tabs and text kept', () => {
    expect(escapeControlCharacters('strace: \x1b[2Jcleared\r\n\x7f\tok é')).toBe('strace: \\x1b[2Jcleared\\x0d\\x0a\\x7f\tok é');
  });
});
