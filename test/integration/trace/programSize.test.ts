// programSize against binutils: every figure equals what readelf and size print for the same file.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveBuildOptions } from '../../../toolchain/options';
import { prepareTarget } from '../../../toolchain/target';
import { buildCargoProgram } from '../../../toolchain/cargo';
import { demangleLabels, programSize } from '../../../trace/map/programSize';
import { sizeReportText } from '../../../trace/map/sizeText';

const ROOT = path.resolve(__dirname, '../../..');
const work = mkdtempSync(path.join(tmpdir(), 'program-size-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Measured, never run: a program this kernel cannot run (i386 without IA32 emulation) is measured too.
async function built(source: string, includePaths: string[] = []): Promise<string> {
  const file = path.join(ROOT, source);
  const options = resolveBuildOptions({ includePaths, buildDirectory: path.join(work, source.replace(/\W/g, '-')) }, ROOT, file);
  return (await prepareTarget(file, { ...options, run: false })).program;
}

function readelf(...args: string[]): string {
  const run = spawnSync('readelf', ['-W', ...args], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

const PROGRAMS: [string, string[]][] = [
  ['examples/hello.asm', []], ['examples/hello32.asm', []], ['examples/hello.c', []], ['examples/readfile.asm', []],
  ['test/fixtures/toolchain/project/src/app/count.asm', ['test/fixtures/toolchain/project/include']],
  ['test/fixtures/trace/libc-main.asm', []],
];

/** Every figure of the report equals what readelf and size print for the same file. */
function expectBinutilsFigures(program: string): void {
  const report = programSize(program);
  expect(report.fileSize).toBe(statSync(program).size);

  const sections = [...readelf('-S', program).matchAll(/^\s*\[\s*(\d+)\] (\S*)\s+(\S+)\s+([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+)/gm)]
    .filter((m) => m[1] !== '0')
    .map((m) => ({ name: m[2], type: m[3], address: parseInt(m[4]!, 16), offset: parseInt(m[5]!, 16), size: parseInt(m[6]!, 16) }));
  expect(report.sections.map(({ name, type, address, offset, size }) => ({ name, type, address, offset, size }))).toEqual(sections);

  const size = spawnSync('size', ['-A', program], { encoding: 'utf8' }).stdout;
  for (const [, name, bytes] of size.matchAll(/^(\.\S+)\s+(\d+)\s+\d+\s*$/gm)) {
    expect(report.sections.find((s) => s.name === name)?.size).toBe(Number(bytes));
  }

  const segments = [...readelf('-l', program).matchAll(/^\s+([A-Z_]+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x[0-9a-f]+ 0x([0-9a-f]+) 0x([0-9a-f]+) (R?)\s?(W?)\s?(E?)\s/gm)]
    .map((m) => ({ type: m[1], offset: parseInt(m[2]!, 16), address: parseInt(m[3]!, 16), fileSize: parseInt(m[4]!, 16), memorySize: parseInt(m[5]!, 16), flags: `${m[6] ? 'r' : '-'}${m[7] ? 'w' : '-'}${m[8] ? 'x' : '-'}` }));
  expect(report.segments).toEqual(segments);

  const header = readelf('-h', program);
  const number = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(header)![1]);
  expect(report.headers).toEqual({
    elf: number('Size of this header'),
    programHeaders: number('Size of program headers') * number('Number of program headers'),
    sectionHeaders: number('Size of section headers') * number('Number of section headers'),
  });
}

describe('program size', () => {
  for (const [source, includes] of PROGRAMS) {
    it(`of ${source} equals readelf -S, -l, -h and size -A`, async () => {
      expectBinutilsFigures(await built(source, includes));
    });
  }

  it('gives each label the bytes up to the next one, and each source file its code', async () => {
    const report = programSize(await built(PROGRAMS[4]![0], PROGRAMS[4]![1]));
    // From the listing: print_digit is lea (3) + mov (6) + write_str (24) + ret (1); _start 28 bytes; digit 2 + 6.
    expect(report.labels.map((l) => [l.name, l.section, l.size])).toEqual([
      ['print_digit', '.text', 34], ['_start', '.text', 28], ['digit', '.data', 8],
    ]);
    // The macros' instructions are in include/linux.inc's line rows (nasm's DWARF points into the macro body).
    expect(report.sourceFiles.map((f) => path.relative(ROOT, f.file)).sort()).toEqual([
      'test/fixtures/toolchain/project/include/linux.inc', 'test/fixtures/toolchain/project/src/app/count.asm',
    ]);
    expect(report.sourceFiles.reduce((n, f) => n + f.bytes, 0)).toBe(62);
  });

  it('of a Rust program built with cargo: readelf figures, functions by their st_size, names demangled', async () => {
    const crate = path.join(work, 'rust-hello');
    cpSync(path.join(ROOT, 'test/fixtures/dap/rust-hello'), crate, { recursive: true });
    const program = await buildCargoProgram(path.join(crate, 'src/main.rs'));
    expectBinutilsFigures(program);
    const report = await demangleLabels(programSize(program));
    // nm -S: each function symbol's size, by its mangled name.
    const nm = spawnSync('nm', ['-S', program], { encoding: 'utf8' }).stdout;
    const sizes = new Map([...nm.matchAll(/^[0-9a-f]+ ([0-9a-f]+) [tT] (\S+)$/gm)].map((m) => [m[2]!, parseInt(m[1]!, 16)]));
    // The crate's own functions (fn total, fn main in src/main.rs), by their Rust names.
    for (const name of ['rust_hello::total', 'rust_hello::main']) {
      const label = report.labels.find((l) => l.demangled === name);
      expect(label, name).toBeDefined();
      expect(label!.name).toMatch(/^_ZN10rust_hello\d+\w+17h[0-9a-f]{16}E$/);
      expect(label!.size).toBe(sizes.get(label!.name));
    }
    // The largest are std's (v0-mangled `_R…` in this toolchain, legacy in older ones): read as paths, without hashes.
    for (const label of report.labels.slice(0, 10)) {
      expect(label.demangled, label.name).toMatch(/::/);
      expect(label.demangled).not.toMatch(/\[[0-9a-f]+\]|::h[0-9a-f]{16}$/);
      if (sizes.has(label.name)) expect(label.size, label.name).toBe(sizes.get(label.name));
    }
    expect(report.labels.map((l) => l.name)).not.toContain('__FRAME_END__');
    const text = sizeReportText('main.rs', report, { labels: 10 });
    expect(text).toContain(report.labels[0]!.demangled);
  }, 300_000);
});
