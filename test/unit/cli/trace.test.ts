import { describe, expect, it } from 'vitest';
import { escapeControlCharacters, textLine } from '../../../cli/trace';
import type { TraceEvent } from '../../../trace/events';
import { StraceParser } from '../../../trace/parse/parser';

describe('notices on a terminal', () => {
  it('carry no raw control characters (escape sequences, newlines, DEL), tabs and text kept', () => {
    expect(escapeControlCharacters('strace: \x1b[2Jcleared\r\n\x7f\tok é')).toBe('strace: \\x1b[2Jcleared\\x0d\\x0a\\x7f\tok é');
  });
});

describe('text lines', () => {
  // As strace -f prints them, and its own message when a traced process is let go at an interrupt.
  const events: TraceEvent[] = [];
  const parser = new StraceParser({ onEvent: (event) => events.push(event) });
  parser.push('1677 write(1, "hi\\n", 3) = 3\n1681 accept(4, NULL, NULL) = 5\n');
  parser.addNotice('/usr/bin/strace: Process 1677 detached');
  parser.end();

  it('name the pid of a process other than the first, and none for strace\'s own messages', () => {
    const lines = events.map((event) => textLine(event, 1677, '/tmp'));
    expect(lines[0]).toBe(`${'-'.padEnd(14)} write(1, "hi\\n", 3) = 3\n`);
    expect(lines[1]).toBe(`${'-'.padEnd(14)} [pid 1681] accept(4, NULL, NULL) = 5\n`);
    expect(lines[2]).toBe(`${'-'.padEnd(14)} /usr/bin/strace: Process 1677 detached\n`);
  });
});
