// `syscall-lens bytes` as a user runs it: the bundled CLI and the real nasm.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatSyscallLine, type SyscallEvent } from '../../../trace/events';
import { TraceSession } from '../../../trace/session';

const work = mkdtempSync(path.join(os.tmpdir(), 'cli-bytes-'));
const cli = path.join(work, 'cli.js');
const LISTINGS = path.resolve(__dirname, '../../fixtures/nasm/listing');
const PROJECT = path.resolve(__dirname, '../../fixtures/toolchain/project');

beforeAll(async () => {
  await build({ entryPoints: [path.resolve(__dirname, '../../../cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: cli, logLevel: 'error' });
});

/** The program's syscalls (execve left out) with their results, and its exit status, traced with strace. */
async function traceOf(file: string) {
  const session = await TraceSession.start({ file, args: [], stdio: 'pipe', buildDirectory: mkdtempSync(path.join(work, 'b-')) });
  const result = await session.done;
  return {
    calls: result.model.events.filter((e): e is SyscallEvent => e?.kind === 'syscall' && e.name !== 'execve').map((e) => formatSyscallLine(e)),
    exit: result.programExit?.exitCode,
  };
}

function bytes(args: string[], cwd = LISTINGS) {
  return spawnSync(process.execPath, [cli, 'bytes', ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
}

describe('syscall-lens bytes', () => {
  it('prints each line\'s machine code, macro calls and %include files resolved', () => {
    const run = bytes(['-I', 'include', 'src/app/count.asm'], PROJECT);
    expect(run.status, run.stderr).toBe(0);
    // `write_str digit, 2` (a macro from include/linux.inc) is five instructions, 24 bytes; its lea
    // is relative to .data, which the linker fills in.
    expect(run.stdout).toMatch(/^src\/app\/count\.asm:15 +24 {2}b8 01 00 00 00 bf 01 00 00 00 48 8d 35 \(00 00 00 00\) …\s+write_str digit, 2$/m);
    expect(run.stdout).toMatch(/^src\/app\/count\.asm:6 +6 {2}00 00 00 00 00 00\s+times 6 db 0/m);
    expect(run.stdout).toMatch(/^src\/app\/count\.asm:25 +12 {2}b8 3c 00 00 00 bf 03 00 00 00 0f 05\s+exit +3$/m);
    expect(run.stdout).toMatch(/^total 70 bytes \(\.data 8, \.text 62\)$/m);
    expect(run.stdout).not.toContain('shellcode:');
  });

  it('checks shellcode a comment asks for: NUL bytes on their lines, exit status 3', () => {
    const run = bytes(['--format', 'bin', 'exit-nul.asm']);
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(/^exit-nul\.asm:4 +5 {2}b8 3c 00 00 00 +mov +rax, 60$/m);
    expect(run.stdout).toContain('! NUL 0x00 at .text+0x2 (3 times)');
    expect(run.stdout).toContain('shellcode: 2 lines with bad bytes, 0 absolute addresses');
    const clean = bytes(['--format', 'bin', 'exit-clean.asm']);
    expect([clean.status, clean.stdout.trimEnd().split('\n').at(-1)]).toEqual([0, 'shellcode: no bad bytes, no absolute addresses']);
  });

  it('takes bad bytes from --bad and prints JSON', () => {
    const run = bytes(['--json', '--bad', '0a', '--format', 'bin', 'exit-clean.asm']);
    expect(run.status).toBe(0);
    const objects = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(objects.at(-1)).toMatchObject({ type: 'summary', format: 'bin', length: 7, sections: { '.text': 7 }, findings: 0, shellcode: true });
    expect(objects[0]).toMatchObject({ type: 'line', line: 4, size: 2, records: [{ section: '.text', offset: 0, bytes: '6a3c', repeat: 1 }] });
    const abs = bytes(['--json', '--format', 'bin', 'write-abs.asm']);
    const findings = abs.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.type === 'line').flatMap((o) => o.findings);
    expect(findings.map((f: { kind: string; byte?: number }) => f.byte ?? f.kind)).toEqual(['absolute-address', 0, 10]);
  });

  it('says why when nasm fails, the file is missing, or the options are wrong', () => {
    const broken = path.join(work, 'broken.asm');
    writeFileSync(broken, 'mov eax, nowhere\n');
    const run = bytes([broken]);
    expect([run.status, run.stderr]).toEqual([1, "syscall-lens bytes: nasm failed: broken.asm:1: symbol `nowhere' not defined\n"]);
    expect(bytes(['no-such.asm']).stderr).toBe('syscall-lens bytes: cannot read no-such.asm: ENOENT\n');
    expect(bytes(['--bad', 'zz', 'exit-nul.asm'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--bad needs a list of bytes') });
  });
});

describe('syscall-lens bytes --fix', () => {
  it('offers only rewrites proven by re-assembly, and the rewritten program makes the same syscalls', async () => {
    const source = path.join(LISTINGS, 'write-nul.asm');
    const run = bytes(['--fix', '--json', source]);
    expect(run.status).toBe(3);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.type === 'line');
    const fixed = new Map<number, { title: string; lines: string[]; size: number }>(
      lines.filter((l) => l.fixes.length).map((l) => [l.line, l.fixes[0]]),
    );
    // Every mov with a NUL got a rewrite; the lea's displacement cannot be fixed this way.
    expect([...fixed.values()].map((f) => f.title)).toEqual(['push 1 / pop rax', 'push 1 / pop rdi', 'push 6 / pop rdx', 'push 60 / pop rax', 'xor edi, edi']);
    expect(lines.find((l) => l.fixes.length === 0 && l.findings.length)?.line).toBe(9);

    // Apply them bottom-up and check the result as a whole.
    const text = readFileSync(source, 'utf8').split('\n');
    for (const [line, fix] of [...fixed].sort((a, b) => b[0] - a[0])) text.splice(line - 1, 1, ...fix.lines);
    const rewritten = path.join(work, 'write-fixed.asm');
    writeFileSync(rewritten, text.join('\n'));
    const after = bytes(['--json', rewritten]);
    const findings = after.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.type === 'line').flatMap((o) => o.findings);
    expect(findings.map((f: { line: number }) => f.line)).toEqual([expect.any(Number)]); // the lea alone

    const original = await traceOf(source);
    expect(original).toEqual({ calls: ['write(1, "hello\\n", 6) = 6', 'exit(0) = ?'], exit: 0 });
    expect(await traceOf(rewritten)).toEqual(original);
  });
});

describe('syscall-lens bytes --fix with the neighbouring instructions', () => {
  it('writes the low byte of a zeroed register, tests against zero before a conditional, and the program behaves the same', async () => {
    const source = path.resolve(__dirname, '../../fixtures/nasm/shellcode/fixes.asm');
    const run = bytes(['--fix', '--json', source]);
    expect(run.status).toBe(3);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.type === 'line');
    const first = new Map<number, { title: string; lines: string[] }>(lines.filter((l) => l.fixes.length).map((l) => [l.line, l.fixes[0]]));
    const sourceLines = readFileSync(source, 'utf8').split('\n');
    const titled = [...first].map(([line, fix]) => `${sourceLines[line - 1]!.trim().replace(/\s+/g, ' ').replace(/ ;.*$/, '')} → ${fix.title}`);
    expect(titled).toEqual([
      'mov r12, 3 → push 3 / pop r12',
      'mov eax, 1 → mov al, 1',
      'mov edi, 1 → mov dil, 1',
      'mov edx, 3 → mov dl, 3',
      'cmp r12, 0 → test r12, r12',
      'sub r12, 0 → test r12, r12',
      'add rax, 0 → test rax, rax',
      'mov r8, 0 → xor r8d, r8d',
      'mov eax, 60 → mov al, 60',
    ]);

    // Every line rewritten at once (bottom-up): only the lea's displacement keeps a NUL, and the
    // program makes the same calls with the same results and exit status.
    const text = [...sourceLines];
    for (const [line, fix] of [...first].sort((a, b) => b[0] - a[0])) text.splice(line - 1, 1, ...fix.lines);
    const rewritten = path.join(work, 'fixes-rewritten.asm');
    writeFileSync(rewritten, text.join('\n'));
    const after = bytes(['--json', rewritten]);
    const left = after.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.type === 'line' && o.findings.length);
    expect(left.map((o: { line: number }) => text[o.line - 1]!.trim())).toEqual(['lea     rsi, [rel msg]']);
    const original = await traceOf(source);
    expect(original).toEqual({ calls: Array(3).fill('write(1, "ab\\n", 3) = 3').concat('exit(0) = ?'), exit: 0 });
    expect(await traceOf(rewritten)).toEqual(original);
  });
});

describe('syscall-lens bytes --as', () => {
  it('prints the bytes as a C array and a Python literal that hold exactly what nasm writes', () => {
    const source = path.join(LISTINGS, 'write-abs.asm');
    const bin = path.join(work, 'write-abs.bin');
    expect(spawnSync('nasm', ['-f', 'bin', '-o', bin, source]).status).toBe(0);
    const expected = readFileSync(bin);

    const array = bytes(['--as', 'c', '--format', 'bin', source]);
    expect(array.status).toBe(0);
    const program = path.join(work, 'dump.c');
    writeFileSync(program, `#include <stdio.h>\n${array.stdout}\nint main(void) { fwrite(shellcode, 1, sizeof shellcode, stdout); return 0; }\n`);
    expect(spawnSync('gcc', ['-o', path.join(work, 'dump'), program]).status).toBe(0);
    expect(spawnSync(path.join(work, 'dump')).stdout.equals(expected)).toBe(true);

    const literal = bytes(['--as', 'python', '--format', 'bin', source]).stdout;
    const python = spawnSync('python3', ['-c', `${literal}\nimport sys\nsys.stdout.buffer.write(shellcode)`]);
    expect(python.stdout.equals(expected)).toBe(true);
    expect(bytes(['--as', 'string', '--format', 'bin', source]).stdout).toMatch(/^"\\x31\\xc0\\xff\\xc0/);
  });

  it('refuses code spread over several sections', () => {
    const run = bytes(['--as', 'c', 'corpus.asm']);
    expect([run.status, run.stderr]).toEqual([1, 'syscall-lens bytes: .data, .text all hold bytes; shellcode is one block, so put it in one section.\n']);
  });
});
