// Labels' places and sizes from nasm's listing. labels.lst is nasm's own listing of labels.asm
// (test/integration/nasm/listing.test.ts checks it still is).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binOrigin, labelPlaces, listingLabels } from '../../../nasm/labelPlaces';

const FIXTURES = path.resolve(__dirname, '../../fixtures/nasm/listing');
const listing = readFileSync(path.join(FIXTURES, 'labels.lst'), 'utf8');
const source = readFileSync(path.join(FIXTURES, 'labels.asm'), 'utf8').split('\n');
const lineOf = (text: string) => source.findIndex((l) => l.startsWith(text)) + 1;
const labels = new Map(['msg:', 'pad:', 'buf:', 'origin:', '_start:', 'print:', '.again:', '.x:'].map((l) => [lineOf(l), l.startsWith('.')]));
const places = labelPlaces(listing, labels);

describe('label places', () => {
  it('give each label its section, offset and the bytes up to the next label', () => {
    expect(places.get(lineOf('msg:'))).toEqual({ section: '.data', offset: 0, size: 6 });
    expect(places.get(lineOf('pad:'))).toEqual({ section: '.data', offset: 6, size: 3 });
    expect(places.get(lineOf('buf:'))).toEqual({ section: '.bss', offset: 0, size: 32 });
    // `resb point_size` is listed as `????????`: 8 bytes reserved.
    expect(places.get(lineOf('origin:'))).toEqual({ section: '.bss', offset: 32, size: 8 });
    expect(places.get(lineOf('_start:'))).toEqual({ section: '.text', offset: 0, size: 14 });
    expect(places.get(lineOf('print:'))).toEqual({ section: '.text', offset: 14, size: 25 });
    expect(places.get(lineOf('.again:'))).toEqual({ section: '.text', offset: 36, size: 3 });
  });

  it('leave out struc fields, which are in no section', () => {
    expect(places.has(lineOf('.x:'))).toBe(false);
  });

  it('have no flat-binary origin in an ELF listing', () => {
    expect(binOrigin(listing)).toBeUndefined();
  });
});

describe('label places by name', () => {
  const byName = listingLabels(listing).places;

  it('agree with the places by line, local labels under their parent', () => {
    for (const [text, name] of [['msg:', 'msg'], ['pad:', 'pad'], ['buf:', 'buf'], ['origin:', 'origin'], ['_start:', '_start'], ['print:', 'print'], ['.again:', 'print.again']]) {
      expect(byName.get(name!), name).toEqual(places.get(lineOf(text!)));
    }
  });

  it('leave out struc fields and equ constants', () => {
    expect([...byName.keys()].some((name) => name.endsWith('.x'))).toBe(false);
    expect(byName.size).toBe(7);
  });
});
