// `syscall-lens size` as a user runs it: the bundled CLI, real nasm, gcc and strace.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const work = mkdtempSync(path.join(os.tmpdir(), 'cli-size-'));
const cli = path.join(work, 'cli.js');
const EXAMPLES = path.resolve(__dirname, '../../../examples');

beforeAll(async () => {
  await build({ entryPoints: [path.resolve(__dirname, '../../../cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: cli, logLevel: 'error' });
});

function size(...args: string[]) {
  // A private cache, so the sources build into this test's folder.
  return spawnSync(process.execPath, [cli, 'size', ...args], { cwd: EXAMPLES, encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_CACHE_HOME: work } });
}

describe('syscall-lens size', () => {
  it('builds a source as the debugger does and explains its size', () => {
    const run = size('hello.asm');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^hello\.asm: ELF64, \d+ bytes in the file, 51 loaded$/m);
    expect(run.stdout).toMatch(/^\.text +PROGBITS +0x401000 +0x1000 +37$/m);
    expect(run.stdout).toMatch(/^LOAD +r-x +0x1000 +0x401000 +37 +37$/m);
    expect(run.stdout).toMatch(/^ +37 {2}\.text +_start$/m);
    expect(run.stdout).toMatch(/^ +37 {2}.*examples\/hello\.asm$/m);
  });

  it('puts two programs side by side with their syscall counts', () => {
    const run = size('--trace', '--json', 'hello.c', 'hello.asm');
    expect(run.status, run.stderr).toBe(0);
    const [c, asm, comparison] = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(asm).toMatchObject({ type: 'program', name: 'hello.asm', syscalls: 3 });
    expect(c.syscalls).toBeGreaterThan(10);
    expect(comparison.rows.slice(0, 3)).toEqual([
      { what: 'file size', a: c.fileSize, b: asm.fileSize },
      { what: 'loaded bytes', a: expect.any(Number), b: 51 },
      { what: 'syscalls', a: c.syscalls, b: 3 },
    ]);
    expect(comparison.rows).toContainEqual({ what: '.interp', a: 28, b: null });
    // The programs' own output goes to stderr, never into the report.
    expect(run.stderr).toContain('Hello, world!');
  });

  it('builds a Cargo project from a .rs file and names its functions as Rust does', () => {
    const crate = path.join(work, 'rust-hello');
    cpSync(path.resolve(__dirname, '../../fixtures/dap/rust-hello'), crate, { recursive: true });
    const run = size('--json', path.join(crate, 'src/main.rs'));
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ type: 'program', name: 'main.rs', format: 'ELF64' });
    const main = report.labels.find((l: { demangled?: string }) => l.demangled === 'rust_hello::main');
    expect(main?.name).toMatch(/^_ZN10rust_hello4main17h[0-9a-f]{16}E$/);
  }, 300_000);

  it('says why when a file is not a program', () => {
    const text = path.join(work, 'notes.txt');
    writeFileSync(text, 'not a program');
    const run = size(text);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^syscall-lens size: .*notes\.txt is not an executable program/);
    expect(size().status).toBe(2);
  });
});
