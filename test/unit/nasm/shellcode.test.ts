import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseListing } from '../../../nasm/listing';
import { checkShellcode, escapedBytes, parseByteList, shellcodeBytes, shellcodeModeOf } from '../../../nasm/shellcode';

const FIXTURES = path.resolve(__dirname, '../../fixtures/nasm/listing');
const listingOf = (name: string) => parseListing(readFileSync(path.join(FIXTURES, `${name}.lst`), 'utf8'));

describe('shellcode checks', () => {
  it('finds the NUL bytes of the naive exit(0), each on its line and offset', () => {
    const report = checkShellcode(listingOf('exit-nul'), { relocationsFinal: true });
    expect(report.length).toBe(12);
    expect(report.findings).toEqual([
      { kind: 'bad-byte', line: 4, section: '.text', offset: 2, byte: 0, count: 3 },
      { kind: 'bad-byte', line: 5, section: '.text', offset: 6, byte: 0, count: 4 },
    ]);
  });

  it('passes the push/pop/xor version', () => {
    expect(checkShellcode(listingOf('exit-clean'), { relocationsFinal: true })).toMatchObject({ length: 7, findings: [] });
  });

  it('flags absolute addresses, and judges their bytes only where nasm wrote the final value', () => {
    const records = listingOf('write-abs');
    const flat = checkShellcode(records, { badBytes: [0, 0x0a], relocationsFinal: true });
    expect(flat.findings.map((f) => [f.kind, f.line, f.offset])).toEqual([
      ['absolute-address', 7, 8], ['bad-byte', 7, 9], ['bad-byte', 15, 0x21],
    ]);
    const object = checkShellcode(records, { badBytes: [0, 0x0a], relocationsFinal: false });
    expect(object.findings.map((f) => [f.kind, f.line])).toEqual([['absolute-address', 7], ['bad-byte', 15]]);
  });

  it('copies as a \\x string', () => {
    expect(escapedBytes(shellcodeBytes(listingOf('exit-clean'))!)).toBe('\\x6a\\x3c\\x58\\x31\\xff\\x0f\\x05');
  });
});

describe('shellcode mode in a file', () => {
  it('is asked for by a comment, with its own bad bytes', () => {
    expect(shellcodeModeOf('; syscall-lens: shellcode\nbits 64\n')).toEqual({ badBytes: [0] });
    expect(shellcodeModeOf('bits 64\n  ;  syscall-lens: shellcode bad=00,0a, 0x0d\n')).toEqual({ badBytes: [0, 0x0a, 0x0d] });
    expect(shellcodeModeOf('; shellcode, syscall-lens style\nnop\n')).toBeUndefined();
  });

  it('reads byte lists and refuses what is not one', () => {
    expect(parseByteList('00 0a,\\x0d,0x20')).toEqual([0, 10, 13, 32]);
    expect(parseByteList('100')).toBeUndefined();
    expect(parseByteList('zz')).toBeUndefined();
  });
});
