import { describe, expect, it } from 'vitest';
import { cutQuotedString } from '../../../trace/events';

describe('strings cut the way strace -s cuts them', () => {
  it('counts an escape as one byte and marks the cut with ...', () => {
    expect(cutQuotedString('"Hello, world!\\n"', 5)).toBe('"Hello"...');
    expect(cutQuotedString('"a\\nb\\x7fc\\177d"', 4)).toBe('"a\\nb\\x7f"...');
    expect(cutQuotedString('"a\\"b"', 2)).toBe('"a\\""...');
  });
  it('leaves short strings, strings strace already cut, and non-strings alone', () => {
    expect(cutQuotedString('"hi\\n"', 3)).toBe('"hi\\n"');
    expect(cutQuotedString('"abc"...', 3)).toBe('"abc"...');
    expect(cutQuotedString('O_RDONLY', 1)).toBe('O_RDONLY');
    expect(cutQuotedString('""', 0)).toBe('""');
  });
});
