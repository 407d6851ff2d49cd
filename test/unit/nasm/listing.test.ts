// Reading nasm's listing. The .lst fixtures are nasm 2.16's own output for the .asm beside them
// (test/integration/nasm/listing.test.ts checks they still are).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesByLine, parseListing, recordSize, type ListingRecord } from '../../../nasm/listing';

const FIXTURES = path.resolve(__dirname, '../../fixtures/nasm/listing');
const records = parseListing(readFileSync(path.join(FIXTURES, 'corpus.lst'), 'utf8'));
const source = readFileSync(path.join(FIXTURES, 'corpus.asm'), 'utf8').split('\n');
const lineOf = (text: string) => source.findIndex((l) => l.includes(text)) + 1;
const hex = (record: ListingRecord | undefined) => (record?.bytes ? Buffer.from(record.bytes).toString('hex') : undefined);
const byLine = bytesByLine(records);

describe('the bytes of each line', () => {
  it('joins an instruction continued over several listing lines', () => {
    const [record] = byLine.get(lineOf('mov     rax, 0x1122334455667788'))!.records;
    expect(hex(record)).toBe('48b88877665544332211');
    expect(hex(byLine.get(lineOf('greeting: db'))!.records[0])).toBe(Buffer.from('Hello, listing world, long enough to wrap\n').toString('hex'));
  });

  it('marks absolute and relative relocated fields', () => {
    expect(byLine.get(lineOf('mov     rsi, greeting'))!.records[0]!.relocations).toEqual([{ offset: 2, size: 8, kind: 'absolute' }]);
    expect(byLine.get(lineOf('call    helper_elsewhere'))!.records[0]!.relocations).toEqual([{ offset: 1, size: 4, kind: 'relative' }]);
    expect(byLine.get(lineOf('table:  dq'))!.records[0]!.relocations).toEqual([{ offset: 0, size: 8, kind: 'absolute' }]);
  });

  it('counts times, align padding, reservations and incbin without expanding them', () => {
    const pad = byLine.get(lineOf('pad:'))!;
    expect([hex(pad.records[0]), pad.records[0]!.repeat, pad.size]).toEqual(['0201', 5, 10]);
    expect(byLine.get(lineOf('times 2 inc eax'))!.size).toBe(4);
    expect(byLine.get(lineOf('align   16'))!.size).toBe(10);
    expect(byLine.get(lineOf('buffer:'))).toMatchObject({ size: 0, reserved: 64 });
    expect(byLine.get(lineOf('counts:'))).toMatchObject({ size: 0, reserved: 32 });
    const blob = byLine.get(lineOf('incbin  "blob.bin"'))!;
    expect([blob.size, blob.records[0]!.bytes, blob.records[0]!.unshown]).toEqual([10, undefined, 10]);
  });

  it('gives a macro call the bytes of its whole expansion', () => {
    const exit = byLine.get(lineOf('sys     60'))!;
    expect(exit.records.map(hex)).toEqual(['b83c000000', '0f05']);
    expect(exit.records.every((r) => r.depth === 1 && r.section === '.text')).toBe(true);
  });

  it('gives each %rep body line its copies, and a macro called inside the block its expansions', () => {
    expect(byLine.get(lineOf('inc     ebx'))!.records.map(hex)).toEqual(['ffc3', 'ffc3', 'ffc3']);
    expect(byLine.get(lineOf('sys     39'))!.size).toBe(21);
    expect(byLine.has(lineOf('%endrep'))).toBe(false);
  });

  it('follows a macro into .data and back with __SECT__, but not a macro definition', () => {
    const bye = byLine.get(lineOf('string  bye'))!;
    expect(bye.records.map((r) => [r.section, hex(r)])).toEqual([['.data', '62796500']]);
    expect(byLine.get(lineOf('lea     rsi, [rel bye]'))!.records[0]!.section).toBe('.text');
  });

  it('places every record in its section at its offset, contiguous like the object file', () => {
    const next = new Map<string, number>();
    for (const record of records) {
      expect(record.offset).toBe(next.get(record.section) ?? 0);
      next.set(record.section, record.offset + recordSize(record) + record.reserved * record.repeat);
    }
    expect(Object.fromEntries(next)).toEqual({ '.data': 72, '.bss': 96, '.text': 101 });
  });
});

describe('listings as other tools write them', () => {
  it('skips nasm\'s warnings, reads -Ld decimal counts, and survives text that is not a listing', () => {
    const listing = [
      '     2 00000000 [0C00000000000000]      ptr: dq msg',
      "     2          ******************       warning: `ptr' is not a NASM keyword [-w+ptr]",
      '     3 00000008 00<rep 20>              times 20 db 0',
      '     4 0000001C <res 16>                resb 16',
    ].join('\n');
    expect(parseListing(listing).map((r) => [r.line, recordSize(r), r.reserved])).toEqual([[2, 8, 0], [3, 20, 0], [4, 0, 16]]);
    expect(parseListing('not\na listing\n\0\n')).toEqual([]);
  });
});
