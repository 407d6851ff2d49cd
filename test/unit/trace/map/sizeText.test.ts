import { describe, expect, it } from 'vitest';
import type { SizeReport } from '../../../../trace/map/programSize';
import { compareSizes, loadedBytes, sizeComparisonText, sizeReportText } from '../../../../trace/map/sizeText';

// Shaped like examples/hello.asm built with nasm -g and ld (sizes from the size view of that build), plus a .bss.
const report: SizeReport = {
  file: '/build/hello', fileSize: 9544, format: 'ELF64',
  headers: { elf: 64, programHeaders: 168, sectionHeaders: 640 },
  sections: [
    { name: '.text', type: 'PROGBITS', address: 0x401000, offset: 0x1000, size: 37, inFile: true, loaded: true },
    { name: '.data', type: 'PROGBITS', address: 0x402000, offset: 0x2000, size: 14, inFile: true, loaded: true },
    { name: '.bss', type: 'NOBITS', address: 0x402010, offset: 0x200e, size: 64, inFile: false, loaded: true },
    { name: '.symtab', type: 'SYMTAB', address: 0, offset: 0x2010, size: 144, inFile: true, loaded: false },
  ],
  segments: [{ type: 'LOAD', offset: 0x1000, address: 0x401000, fileSize: 37, memorySize: 37, flags: 'r-x' }],
  labels: [
    { name: '_start', section: '.text', address: 0x401000, size: 37 },
    { name: 'msg', section: '.data', address: 0x402000, size: 14 },
  ],
  sourceFiles: [{ file: 'hello.asm', bytes: 37 }],
  padding: 100,
};

describe('sizeReportText', () => {
  it('counts the loaded bytes of every section with an address, .bss included', () => {
    expect(loadedBytes(report)).toBe(37 + 14 + 64);
  });

  it('prints the headline, headers, sections, segments, labels and source files', () => {
    const lines = sizeReportText('hello.asm', report, { labels: 10 }).split('\n');
    expect(lines[0]).toBe('hello.asm: ELF64, 9544 bytes in the file, 115 loaded');
    expect(lines).toContain('headers: 64 ELF header, 168 program headers, 640 section headers; 100 bytes of alignment padding');
    expect(lines.find((l) => l.startsWith('.text'))).toMatch(/^\.text\s+PROGBITS\s+0x401000\s+0x1000\s+37$/);
    expect(lines.find((l) => l.startsWith('.bss'))).toMatch(/\s64 {2}\(memory only\)$/);
    expect(lines.find((l) => l.startsWith('LOAD'))).toMatch(/^LOAD\s+r-x\s+0x1000\s+0x401000\s+37\s+37$/);
    expect(lines.some((l) => /^ +37 {2}\.text +_start$/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('        37  hello.asm');
  });

  it('lists the 20 source files with the most code and sums the rest', () => {
    const sourceFiles = Array.from({ length: 25 }, (_, i) => ({ file: `f${i}.rs`, bytes: 100 - i }));
    const lines = sizeReportText('main.rs', { ...report, sourceFiles }, { labels: 0 }).split('\n');
    expect(lines.filter((l) => /^ +\d+ {2}f\d+\.rs$/.test(l))).toHaveLength(20);
    expect(lines.at(-1)).toBe(`  ${String(80 + 79 + 78 + 77 + 76).padStart(8)}  in 5 more files`);
  });

  it('lists a label by its demangled name when it has one', () => {
    const rust = { ...report, labels: [{ name: '_ZN10rust_hello5total17h2baf012d534236aeE', section: '.text', address: 0x174c0, size: 130, demangled: 'rust_hello::total' }] };
    expect(sizeReportText('main.rs', rust, { labels: 10 }).split('\n')).toContain('       130  .text        rust_hello::total');
  });

  it('adds the syscall count when traced and lists only as many labels as asked', () => {
    const text = sizeReportText('hello.asm', report, { labels: 1, syscalls: 2 });
    expect(text.split('\n')[0]).toBe('hello.asm: ELF64, 9544 bytes in the file, 115 loaded, 2 syscalls');
    expect(text).toContain('_start');
    expect(text).not.toMatch(/ msg$/m);
    expect(sizeReportText('hello.asm', report, { labels: 0 })).not.toContain('largest labels');
  });

  it('leaves out the sections a report does not have', () => {
    const text = sizeReportText('tiny', { ...report, segments: [], labels: [], sourceFiles: [] }, { labels: 10 });
    expect(text).not.toContain('segment');
    expect(text).not.toContain('largest labels');
    expect(text).not.toContain('code by source file');
  });
});

describe('sizeComparisonText', () => {
  const tiny: SizeReport = {
    ...report, fileSize: 400,
    sections: [{ name: '.text', type: 'PROGBITS', address: 0x10078, offset: 0x78, size: 30, inFile: true, loaded: true }],
  };

  it('puts the journey in one line and every figure side by side with its change', () => {
    const lines = sizeComparisonText({ name: 'hello.c', report, syscalls: 63 }, { name: 'tiny.asm', report: tiny, syscalls: 2 }).split('\n');
    expect(lines[0]).toBe('hello.c → tiny.asm: 63 syscalls / 9544 bytes → 2 syscalls / 400 bytes');
    expect(lines).toContain(`${'file size'.padEnd(24)} ${'9544'.padStart(12)} ${'400'.padStart(12)}   -9144 (-96%)`);
    expect(lines.find((l) => l.startsWith('syscalls'))).toMatch(/^syscalls\s+63\s+2\s+-61 \(-97%\)$/);
    expect(lines.find((l) => l.startsWith('.text'))).toMatch(/^\.text\s+37\s+30\s+-7 \(-19%\)$/);
    // A section only one program has: a dash on the other side, no change.
    expect(lines.find((l) => l.startsWith('.data'))).toMatch(/^\.data\s+14\s+-$/);
  });

  it('keeps the syscall row when only one was traced, and leaves it out when neither was', () => {
    const one = compareSizes({ name: 'a', report, syscalls: 3 }, { name: 'b', report: tiny });
    expect(one.rows[2]).toEqual({ what: 'syscalls', a: 3, b: null });
    expect(sizeComparisonText({ name: 'a', report }, { name: 'b', report: tiny }).split('\n')[0]).toBe('a → b: 9544 bytes → 400 bytes');
    expect(compareSizes({ name: 'a', report }, { name: 'b', report: tiny }).rows.map((r) => r.what)).not.toContain('syscalls');
  });
});
