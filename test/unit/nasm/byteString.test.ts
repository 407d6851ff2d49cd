import { describe, expect, it } from 'vitest';
import { renderBytes, renderText } from '../../../nasm/byteString';

describe('bytes shown as NASM writes them', () => {
  it('quotes text and writes other bytes as numbers', () => {
    expect(renderText('Hello, world!\n\0')).toBe('"Hello, world!", 10, 0');
    expect(renderBytes(Uint8Array.of(0, 1, 0xff))).toBe('0, 1, 255');
    expect(renderText('/etc/hostname\0')).toBe('"/etc/hostname", 0');
  });

  it('never shows JSON or C escapes', () => {
    expect(renderText('a\0b\tc')).not.toMatch(/\\u|\\0|\\t/);
  });

  it('picks a quote the text does not contain', () => {
    expect(renderText('say "hi"')).toBe(`'say "hi"'`);
    expect(renderText(`it's`)).toBe(`"it's"`);
    expect(renderText(`"it's"`)).toBe('`"it\'s"`');
    expect(renderText('a`b\\c"\'')).toBe('`a\\`b\\\\c"\'`');
  });

  it('keeps UTF-8 text inside the quotes and stray high bytes as numbers', () => {
    expect(renderText('héllo')).toBe('"héllo"');
    expect(renderBytes(Uint8Array.of(0x41, 0xc3, 0x42))).toBe('"A", 195, "B"');
  });

  it('shows nothing as an empty string and marks truncation', () => {
    expect(renderBytes(new Uint8Array())).toBe('""');
    expect(renderText('abcdef', { limit: 3 })).toBe('"abc"…');
    expect(renderText('abc', { truncated: true })).toBe('"abc"…');
  });
});
