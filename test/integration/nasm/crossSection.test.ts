// Shellcode mode flags relative fields that reach another section or an external symbol, naming the
// symbol and its section, checked against the object file's relocations as `readelf -r` prints them:
// on a fixture with labels from an included file and a macro, and on every program of the corpus.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listingSymbolSections } from '../../../nasm/labelPlaces';
import { parseListing } from '../../../nasm/listing';
import { checkShellcode, describeShellcodeFinding, type ShellcodeFinding } from '../../../nasm/shellcode';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/nasm/shellcode');
const work = mkdtempSync(path.join(tmpdir(), 'syscall-lens-cross-section-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Relocation {
  section: string;
  offset: number;
  type: string;
  /** The symbol readelf names: a label, an extern, or a section (for nasm's section-relative relocations). */
  symbol: string;
}

/** nasm run by hand into files this test owns; returns the listing text and the object's path. */
function assemble(source: string, includes: string[]): { listing: string; object: string } {
  const object = path.join(work, `${path.basename(source)}.o`);
  const run = spawnSync('nasm', ['-f', 'elf64', ...includes.map((dir) => `-I${dir}/`), '-l', `${object}.lst`, '-o', object, source], { cwd: path.dirname(source), encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return { listing: readFileSync(`${object}.lst`, 'utf8'), object };
}

/** `readelf -rW`: every relocation, by the section it patches. */
function relocationsOf(object: string): Relocation[] {
  const run = spawnSync('readelf', ['-rW', object], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const relocations: Relocation[] = [];
  let section = '';
  for (const line of run.stdout.split('\n')) {
    const heading = /^Relocation section '\.rela?(\S+)'/.exec(line);
    if (heading) section = heading[1]!;
    const row = /^([0-9a-f]{16})\s+[0-9a-f]+\s+(R_X86_64_\w+)\s+[0-9a-f]+\s+(\S+)/.exec(line);
    if (row) relocations.push({ section, offset: parseInt(row[1]!, 16), type: row[2]!, symbol: row[3]! });
  }
  return relocations;
}

const PC_RELATIVE = new Set(['R_X86_64_PC32', 'R_X86_64_PLT32', 'R_X86_64_PC64', 'R_X86_64_PC16', 'R_X86_64_PC8']);

function findingsOf(source: string, includes: string[] = []) {
  const { listing, object } = assemble(source, includes);
  const report = checkShellcode(parseListing(listing), { relocationsFinal: false, symbolSections: listingSymbolSections(listing) });
  return { findings: report.findings, relocations: relocationsOf(object) };
}

const crossSection = (findings: ShellcodeFinding[]) => findings.filter((f): f is Extract<ShellcodeFinding, { kind: 'cross-section-reference' }> => f.kind === 'cross-section-reference');

describe('relative references across sections', () => {
  it('are flagged where the object has a PC-relative relocation, naming the label and its section', () => {
    const { findings, relocations } = findingsOf(path.join(FIXTURES, 'cross-section.asm'), [FIXTURES]);
    const relative = relocations.filter((r) => PC_RELATIVE.has(r.type));
    expect(crossSection(findings).map((f) => [f.section, f.offset])).toEqual(relative.map((r) => [r.section, r.offset]));
    expect(crossSection(findings).map((f) => [f.line, f.symbol, f.targetSection])).toEqual([
      [14, 'msg', '.data'],
      [18, 'greeting', '.rodata'], // defined by a macro from the included file
      [19, 'banner', '.rodata'], // defined in the included file
      [20, 'helper', undefined], // extern
      [21, 'flag', '.data'],
    ]);
    // readelf names the extern itself, and the section of the others (nasm relocates against it).
    expect(relative.map((r) => r.symbol)).toEqual(['.data', '.rodata', '.rodata', 'helper', '.data']);
    // References inside .text (line 15's `.here`, line 16's `print_it`, line 22's jne) are not flagged.
    expect(crossSection(findings).filter((f) => [15, 16, 22].includes(f.line))).toEqual([]);
    expect(describeShellcodeFinding(crossSection(findings)[0]!)).toBe(
      'relative reference at .text+0x3 to msg in .data: the linker fixes that distance, so the bytes of .text alone are not position-independent');
    expect(describeShellcodeFinding(crossSection(findings)[3]!)).toMatch(/^relative reference at \.text\+0x22 to external symbol helper:/);
  });

  it('match the object file on every program of the corpus', () => {
    const asm = (dir: string) => readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.asm')).map((f) => ({ source: path.join(ROOT, dir, f), includes: [] as string[] }));
    const programs = [
      ...asm('examples'), ...asm('test/fixtures/trace'), ...asm('test/fixtures/dap'), ...asm('test/fixtures/nasm/listing').filter((p) => !/exit-|write-|boot/.test(p.source)),
      { source: path.join(ROOT, 'test/fixtures/toolchain/project/src/app/count.asm'), includes: [path.join(ROOT, 'test/fixtures/toolchain/project/include')] },
    ];
    let checked = 0;
    for (const { source, includes } of programs) {
      const { findings, relocations } = findingsOf(source, includes);
      const name = path.relative(ROOT, source);
      const relative = relocations.filter((r) => PC_RELATIVE.has(r.type) && !r.section.startsWith('.debug') && r.section !== '.eh_frame');
      const flagged = crossSection(findings);
      expect(flagged.map((f) => `${f.section}+${f.offset}`), name).toEqual(relative.map((r) => `${r.section}+${r.offset}`));
      // A named symbol (an extern or a global label) is the one readelf names; a section-relative one is in that section.
      flagged.forEach((finding, i) => {
        const symbol = relative[i]!.symbol;
        if (symbol.startsWith('.')) expect(finding.targetSection, `${name} ${finding.offset}`).toBe(symbol);
        else expect(finding.symbol, `${name} ${finding.offset}`).toBe(symbol);
      });
      checked += flagged.length;
    }
    expect(programs.length).toBeGreaterThan(10);
    expect(checked).toBeGreaterThan(0);
  });
});
