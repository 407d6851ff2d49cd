// `syscall-lens table` as a user runs it: the bundled CLI, real man pages, real pipes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { allSyscalls } from '../../../syscalls';

const work = mkdtempSync(path.join(os.tmpdir(), 'cli-table-'));
const cli = path.join(work, 'cli.js');
const manInstalled = existsSync('/usr/bin/man') && existsSync('/usr/share/man/man2/write.2.gz');

beforeAll(async () => {
  await build({ entryPoints: [path.resolve(__dirname, '../../../cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: cli, logLevel: 'error' });
});

function table(...args: string[]) {
  return spawnSync(process.execPath, [cli, 'table', ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe('syscall-lens table lists the table', () => {
  it('prints a header and one line per syscall, in number order', () => {
    const run = table();
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ *NR +NAME +CATEGORY +PARAMETERS$/);
    expect(lines.length - 1).toBe(allSyscalls('x86_64').length);
    expect(lines[1]).toMatch(/^ +0 +read +descriptor +unsigned int fd, char \*buf, size_t count$/);
    expect(lines.find((l) => / 60 +exit /.test(l))).toMatch(/int error_code$/);
  });

  it('--abi i386 lists the 32-bit table', () => {
    const lines = table('--abi', 'i386', '--no-header').stdout.trimEnd().split('\n');
    expect(lines.length).toBe(allSyscalls('i386').length);
    expect(lines[4]).toMatch(/^ +4 +write /);
  });

  it('filters with --search, --category and --implemented', () => {
    const memory = table('--category', 'memory', '--no-header').stdout.trimEnd().split('\n');
    expect(memory.every((l) => / memory( |$)/.test(l))).toBe(true);
    expect(memory.some((l) => / mmap /.test(l))).toBe(true);
    const search = table('--search', 'arg:dfd cat:file', '--no-header').stdout;
    expect(search).toMatch(/ openat /);
    expect(search).not.toMatch(/ open  /);
    expect(table('--search', 'tuxcall').stdout).toMatch(/tuxcall.*\(not implemented\)/);
    expect(table('--search', 'tuxcall', '--implemented').status).toBe(1);
  });

  it('stops quietly when the reader goes away (| head)', () => {
    // The shell is only the pipe under test; the CLI itself never uses one.
    const run = spawnSync('/bin/sh', ['-c', '"$0" "$1" table --json | head -n 2', process.execPath, cli], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(run.stderr).toBe('');
  });
});

describe('syscall-lens table NAME|NUMBER describes syscalls', () => {
  it('shows the signature, the registers, the result and the errors', () => {
    const run = table('write');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('write — x86-64 syscall 1 (descriptor)');
    expect(run.stdout).toContain('long write(unsigned int fd, const char *buf, size_t count);');
    expect(run.stdout).toMatch(/^ {2}rax {2}1$/m);
    expect(run.stdout).toMatch(/^ {2}rdi {2}unsigned int fd$/m);
    expect(run.stdout).toMatch(/^ {2}rdx {2}size_t count$/m);
    expect(run.stdout).toContain('returns in rax; -4095..-1 is -errno');
    expect(run.stdout).toContain('kernel: sys_write in fs/read_write.c');
    expect(run.stdout).toContain('man 2 write');
  });

  it.skipIf(!manInstalled)('takes the errors from the installed man page', () => {
    expect(table('write').stdout).toMatch(/^ {2}errors: EAGAIN, EWOULDBLOCK, EBADF, .*EPIPE$/m);
  });

  it('finds the same call by number, hex number, SYS_ name, and in the i386 table', () => {
    const byName = table('exit').stdout;
    expect(table('60').stdout).toBe(byName);
    expect(table('0x3c').stdout).toBe(byName);
    expect(table('SYS_exit').stdout).toBe(byName);
    const i386 = table('--abi', 'i386', '1').stdout;
    expect(i386).toContain('exit — i386 syscall 1 (process)');
    expect(i386).toMatch(/^ {2}ebx {2}int error_code$/m);
    expect(i386).toContain('does not return when it succeeds');
  });

  it('says which names are unknown, suggests close ones, and exits 1', () => {
    const run = table('write', 'wirte');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('write — x86-64 syscall 1');
    expect(run.stderr).toBe('syscall-lens table: unknown syscall wirte in the x86-64 table (did you mean write?)\n');
  });

  it('reports wrong usage with exit status 2', () => {
    expect(table('--abi', 'arm').status).toBe(2);
    expect(table('--category', 'nonsense').stderr).toContain('--category needs one of file, descriptor');
    expect(table('--frobnicate').status).toBe(2);
  });
});

describe('syscall-lens table --json', () => {
  it('prints one JSON object per syscall with the documented fields', () => {
    const run = table('--json');
    expect(run.status).toBe(0);
    const records = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(records).toHaveLength(allSyscalls('x86_64').length);
    const write = records.find((r) => r.name === 'write');
    expect(Object.keys(write)).toEqual(['number', 'name', 'abi', 'category', 'implemented', 'params', 'returns', 'entry', 'source', 'summary', 'noReturn', 'errors', 'errorsSource', 'man']);
    expect(write.params).toEqual([
      { name: 'fd', type: 'unsigned int', register: 'rdi' },
      { name: 'buf', type: 'const char *', register: 'rsi' },
      { name: 'count', type: 'size_t', register: 'rdx' },
    ]);
    expect(write.errors).toContain('EBADF');
    expect(records.find((r) => r.name === 'tuxcall')).toMatchObject({ implemented: false, errors: ['ENOSYS'] });
  });

  it('describes named calls as JSON too', () => {
    const record = JSON.parse(table('--json', '--abi', 'i386', 'mmap2').stdout);
    expect(record).toMatchObject({ number: 192, name: 'mmap2', abi: 'i386', category: 'memory' });
    expect(record.params.map((p: { register: string }) => p.register)).toEqual(['ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp']);
  });
});
