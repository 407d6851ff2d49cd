import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../../trace/events';
import { toRecord } from '../../../../trace/model/jsonl';
import { parseStraceText } from '../../../../trace/parse/parser';

const REFERENCE = path.resolve(__dirname, '../../../fixtures/reference/strace') + '/';

describe('JSON Lines records', () => {
  it('always has every schema key', () => {
    const events = parseStraceText(readFileSync(REFERENCE + 'edge_i.txt', 'utf8')).events as TraceEvent[];
    const keys = ['type', 'seq', 'pid', 'time', 'duration', 'name', 'args', 'argOrigins', 'argPaths', 'result', 'resultPath', 'errno', 'signal', 'ip', 'file', 'line', 'macroLine', 'macroFile', 'procedureLine', 'procedureFile', 'origin', 'via', 'credit', 'creditFunction', 'creditModule', 'creditReason'];
    for (const event of events) expect(Object.keys(toRecord(event))).toEqual(keys);
    expect(toRecord(events[4]!)).toMatchObject({ type: 'signal', signal: 'SIGSEGV', ip: '0x40102b' });
    expect(toRecord(events[5]!)).toMatchObject({ type: 'exit', signal: 'SIGSEGV', result: null, ip: null });
  });
  it('names the caller line and the wrapper procedure\'s syscall line of a call made through a wrapper', () => {
    const parse = () => parseStraceText('write(1, "hi\\n", 3) = 3\n').events[0]!;
    const write = parse();
    const located = Object.assign(parse(), { location: { file: '/p/main.asm', line: 38, procedureLine: 16, procedureFile: '/p/lib/io.inc' } });
    expect(toRecord(located)).toMatchObject({ file: '/p/main.asm', line: 38, procedureLine: 16, procedureFile: '/p/lib/io.inc' });
    expect(toRecord(write)).toMatchObject({ procedureLine: null, procedureFile: null });
  });
  it('says how a call was credited, and why not when it was not', () => {
    const [write] = parseStraceText('write(1, "hi\\n", 3) = 3\n').events as TraceEvent[];
    expect(toRecord(write!)).toMatchObject({ credit: null, creditFunction: null, creditModule: null, creditReason: null });
    write!.credit = { method: 'none', function: 'write', module: 'libc.so.6', reason: 'libc.so.6 itself also calls write' };
    expect(toRecord(write!)).toMatchObject({ credit: 'none', creditFunction: 'write', creditModule: 'libc.so.6', creditReason: 'libc.so.6 itself also calls write', line: null });
  });
});
