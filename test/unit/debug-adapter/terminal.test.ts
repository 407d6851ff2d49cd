import { describe, expect, it } from 'vitest';
import { encodeTerminalInput } from '../../../debug-adapter/terminal';

describe('terminal input from a file', () => {
  it('quotes line-editing characters and ends with end-of-file', () => {
    expect([...encodeTerminalInput(Buffer.from('a\x04b\n'))]).toEqual([0x61, 0x16, 0x04, 0x62, 0x0a, 0x04]);
    expect([...encodeTerminalInput(Buffer.from('no newline'))].slice(-2)).toEqual([0x04, 0x04]);
    expect([...encodeTerminalInput(Buffer.alloc(0))]).toEqual([0x04]);
  });
});
