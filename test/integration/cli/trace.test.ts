// `syscall-lens trace` as a user runs it in a terminal: the bundled CLI under a real pseudo-terminal
// (python3's pty), real gcc and strace.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { markerLine } from '../../support/markers';
import { findExecutable } from '../../../toolchain/tools';

const work = mkdtempSync(path.join(os.tmpdir(), 'cli-trace-'));
const cli = path.join(work, 'cli.js');

beforeAll(async () => {
  await build({ entryPoints: [path.resolve(__dirname, '../../../cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: cli, logLevel: 'error' });
});

/** Runs the CLI with a terminal as its stdin, stdout and stderr, as in a shell; returns what the terminal showed. */
function inTerminal(...args: string[]) {
  const runPty = 'import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)';
  return spawnSync('python3', ['-c', runPty, process.execPath, cli, ...args], {
    cwd: work, encoding: 'utf8', timeout: 120_000, env: { ...process.env, XDG_CACHE_HOME: work }, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('syscall-lens trace in a terminal', () => {
  it('gives the program the terminal as its stdout, so C\'s stdio writes each line where printf is (not at exit)', () => {
    const source = path.join(work, 'lines.c');
    writeFileSync(source, '#include <stdio.h>\nint main(void) {\n  printf("first\\n"); // @first\n  printf("second\\n"); // @second\n  return 0;\n}\n');
    const run = inTerminal('trace', source);
    expect(run.status, run.stderr).toBe(0);
    const line = (marker: string) => markerLine(source, marker);
    expect(run.stdout).toMatch(/newfstatat\(1, "", \{st_mode=S_IFCHR|newfstatat\(1, "", \{st_mode=0?20\d+ \/\* S_IFCHR/);
    expect(run.stdout).toMatch(new RegExp(`lines\\.c:${line('first')} +write\\(1, "first\\\\n", 6\\) = 6`));
    expect(run.stdout).toMatch(new RegExp(`lines\\.c:${line('second')} +write\\(1, "second\\\\n", 7\\) = 7`));
  });
});

describe.skipIf(!findExecutable('cargo'))('syscall-lens trace on a Cargo project\'s source', () => {
  it('builds it offline as the debugger does and credits each call to src/main.rs', () => {
    const crate = path.join(mkdtempSync(path.join(work, 'crate-')), 'rust-hello');
    cpSync(path.resolve(__dirname, '../../fixtures/trace/rust-hello'), crate, { recursive: true });
    const run = spawnSync(process.execPath, [cli, 'trace', 'src/main.rs'], {
      cwd: crate, encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, XDG_CACHE_HOME: work, CARGO_TARGET_DIR: path.join(work, 'cargo-target') },
    });
    expect(run.status, run.stderr).toBe(0);
    const main = path.join(crate, 'src/main.rs');
    expect(run.stdout).toMatch(new RegExp(`^src/main\\.rs:${markerLine(main, 'println')} +write\\(1, "hello from rust\\\\n", 16\\) = 16$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^src/main\\.rs:${markerLine(main, 'stderr')} +write\\(2, "to stderr\\\\n", 10\\) = 10$`, 'm'));
  });
});

describe('syscall-lens trace says what the build warned of', () => {
  it('prints ld\'s warning that the program has no _start before the trace', () => {
    const source = path.join(work, 'nostart.asm');
    writeFileSync(source, 'section .text\nglobal begin\nbegin:\n    mov eax, 60\n    xor edi, edi\n    syscall\n');
    const run = spawnSync(process.execPath, [cli, 'trace', source], { cwd: work, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: work } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^syscall-lens: warning: cannot find entry symbol _start; defaulting to [0-9a-f]+$/m);
  });
});

describe('syscall-lens trace on a NASM program its own Makefile built', () => {
  it('prints macro calls at the lines that used them, and says which source changed since the build', () => {
    const folder = path.join(mkdtempSync(path.join(work, 'make-')), 'prebuilt');
    cpSync(path.resolve(__dirname, '../../fixtures/trace/prebuilt'), folder, { recursive: true });
    const run = (file: string, args: string[]) => spawnSync(file, args, { cwd: folder, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: work } });
    for (const source of ['main', 'greet']) expect(run('nasm', ['-f', 'elf64', '-g', '-F', 'dwarf', '-I', 'macros/', `${source}.asm`, '-o', `${source}.o`]).status).toBe(0);
    expect(run('ld', ['-o', 'prebuilt', 'main.o', 'greet.o']).status).toBe(0);
    const main = path.join(folder, 'main.asm');
    const body = markerLine(path.join(folder, 'macros/sys.inc'), 'body-syscall');
    const traced = run(process.execPath, [cli, 'trace', './prebuilt']);
    expect(traced.status, traced.stderr).toBe(0);
    expect(traced.stdout).toMatch(new RegExp(`^main\\.asm:${markerLine(main, 'print-banner')} \\(macro macros/sys\\.inc:${body}\\) write\\(1, "start\\\\n", 6\\) = 6$`, 'm'));
    writeFileSync(main, readFileSync(main, 'utf8').replace('print banner, banner_len', 'print banner, 3'));
    const stale = run(process.execPath, [cli, 'trace', './prebuilt']);
    expect(stale.stderr).toContain(`syscall-lens: main.asm: line ${markerLine(main, 'print-banner')} assembles to other bytes than the program has (changed, or built with other options, since the program was built); the calls its macros make show the macros' own lines\n`);
    expect(stale.stdout).toMatch(new RegExp(`^macros/sys\\.inc:${body} +write\\(1, "start\\\\n", 6\\) = 6$`, 'm'));
  });
});
