// The examples a user tries first: each one builds with the shared toolchain and runs to the output
// its header promises.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram, describeBuildFailure } from '../../toolchain/build';
import { runProgram } from '../../toolchain/tools';
import { kernelRunsI386 } from '../../toolchain/kernel';

const EXAMPLES = path.resolve(__dirname, '../../examples');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function build(name: string) {
  const result = await buildProgram({
    source: path.join(EXAMPLES, name),
    buildDirectory: path.join(scratch, name.replace(/\W/g, '-')),
  });
  expect(result.ok, describeBuildFailure(result)).toBe(true);
  return result;
}

async function buildAndRun(name: string, args: string[] = []) {
  const { program, format } = await build(name);
  return { format, ...(await runProgram(program, args, { timeoutMs: 10_000 })) };
}

describe('hello.asm', () => {
  it('prints "Hello, world!" and exits with 0', async () => {
    const run = await buildAndRun('hello.asm');
    expect(run.format).toBe('elf64');
    expect(run).toMatchObject({ stdout: 'Hello, world!\n', stderr: '', exitCode: 0 });
  });
});

describe('hello32.asm', () => {
  it.skipIf(!kernelRunsI386())('is built as a 32-bit program and prints "Hello, world!" through int 0x80', async () => {
    const run = await buildAndRun('hello32.asm');
    expect(run.format).toBe('elf32');
    expect(run).toMatchObject({ stdout: 'Hello, world!\n', exitCode: 0 });
  });

  it('is an i386 ELF file', async () => {
    const { program } = await build('hello32.asm');
    const header = readFileSync(program).subarray(0, 20);
    expect(header[4]).toBe(1); // EI_CLASS: ELFCLASS32
    expect(header.readUInt16LE(18)).toBe(3); // e_machine: EM_386
  });
});

describe('hello.c', () => {
  it('prints "Hello, world!" through libc', async () => {
    const run = await buildAndRun('hello.c');
    expect(run.format).toBe('c');
    expect(run).toMatchObject({ stdout: 'Hello, world!\n', exitCode: 0 });
  });
});

describe('readfile.asm', () => {
  it('copies the file named by argv[1] to stdout, across several 4 KiB reads', async () => {
    const big = path.join(scratch, 'big.txt');
    const text = Array.from({ length: 600 }, (_, i) => `line ${i} of a file larger than one buffer`).join('\n');
    writeFileSync(big, text);
    const run = await buildAndRun('readfile.asm', [big]);
    expect(run).toMatchObject({ stdout: text, exitCode: 0 });
  });

  it('prints /proc/version without an argument', async () => {
    const run = await buildAndRun('readfile.asm');
    expect(run.stdout).toBe(readFileSync('/proc/version', 'utf8'));
    expect(run.exitCode).toBe(0);
  });

  it('reports a missing file on stderr and exits with ENOENT (2)', async () => {
    const run = await buildAndRun('readfile.asm', [path.join(scratch, 'no-such-file')]);
    expect(run).toMatchObject({ stdout: '', stderr: 'readfile: cannot open the file\n', exitCode: 2 });
  });
});

describe('mmapcat.asm', () => {
  it('prints the file named by argv[1] through one mapping', async () => {
    const source = path.join(EXAMPLES, 'mmapcat.asm');
    const run = await buildAndRun('mmapcat.asm', [source]);
    expect(run).toMatchObject({ stdout: readFileSync(source, 'utf8'), exitCode: 0 });
  });

  it('fails with EINVAL (22) on a file of size 0, which cannot be mapped', async () => {
    const run = await buildAndRun('mmapcat.asm', ['/proc/version']);
    expect(run).toMatchObject({ stdout: '', exitCode: 22 });
    expect(run.stderr).toContain('mmapcat: cannot open, stat or map the file');
  });
});
