// A stdin file for the traced program (`program < FILE` without a shell): we open the file and hand
// the descriptor over, on the panel's terminal and in the CLI alike; the reads in the trace return
// the file's bytes.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SyscallEvent } from '../../../trace/events';
import { SUPERVISOR_SCRIPT } from '../../../trace/capture/supervisor';
import { TraceSession } from '../../../trace/session';

const FIXTURES = path.resolve(__dirname, '../../fixtures/trace');
const INPUT = path.join(FIXTURES, 'upcase.input.txt');
const work = mkdtempSync(path.join(os.tmpdir(), 'trace-stdin-'));
const cli = path.join(work, 'cli.js');

beforeAll(async () => {
  // The CLI as shipped: the same esbuild bundle as dist/cli.js, with the supervisor beside it.
  await build({ entryPoints: [path.resolve(__dirname, '../../../cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: cli, logLevel: 'error' });
  copyFileSync(SUPERVISOR_SCRIPT, path.join(work, 'supervisor.py'));
});

/** strace's quoted string back to bytes: `"fox\njumps"` → `fox⏎jumps` (the escapes strace uses for text). */
function unquote(text: string): string {
  const body = /^"(.*)"(\.\.\.)?$/s.exec(text)![1]!;
  return body.replace(/\\(x[0-9a-f]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', v: '\v', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

/** What the reads of fd 0 returned, joined, and the reads themselves. */
function readsOfStdin(reads: { fd: string; buffer: string; result: number }[]): string {
  return reads.filter((r) => r.fd === '0' && r.result > 0).map((r) => unquote(r.buffer).slice(0, r.result)).join('');
}

describe('a stdin file for the traced program', () => {
  it('the CLI (--stdin FILE): every read of fd 0 returns the file, in order, then end of file', () => {
    // Our own stdin carries other text: the program must not see it.
    const run = spawnSync(process.execPath, [cli, 'trace', '--json', '--stdin', 'upcase.input.txt', 'upcase.asm'], {
      cwd: FIXTURES, encoding: 'utf8', input: 'NOT THE FILE\n', env: { ...process.env, XDG_CACHE_HOME: work },
    });
    expect(run.stderr).toContain('upcase exited with 0');
    expect(run.status).toBe(0);
    const reads = run.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.name === 'read');
    const contents = readFileSync(INPUT, 'utf8');
    expect(readsOfStdin(reads.map((r) => ({ fd: r.args[0], buffer: r.args[1], result: Number(r.result) })))).toBe(contents);
    // 16 bytes at a time, the last read at end of file returns 0; -y names the file.
    expect(reads.length).toBe(Math.ceil(contents.length / 16) + 1);
    expect(reads.at(-1).result).toBe('0');
    expect(reads[0].argPaths[0]).toBe(INPUT);
    // The program's output (on our stderr) is the file in upper case.
    expect(run.stderr).toContain(contents.toUpperCase());
  });

  it('the panel\'s way: the program reads the file while its output still goes to its own terminal', async () => {
    let shown = '';
    const session = await TraceSession.start({
      file: path.join(FIXTURES, 'upcase.asm'), args: [], cwd: FIXTURES, stdin: 'upcase.input.txt', stdio: 'terminal', ownProcessGroup: true,
      buildDirectory: mkdtempSync(path.join(work, 'b-')), onTerminalOutput: (text) => { shown += text; },
    });
    expect(session.stdio).toBe('terminal');
    const result = await session.done;
    const calls = result.model.events.filter((e): e is SyscallEvent => e?.kind === 'syscall');
    const reads = calls.filter((e) => e.name === 'read');
    const contents = readFileSync(INPUT, 'utf8');
    expect(readsOfStdin(reads.map((e) => ({ fd: e.args[0]!.text, buffer: e.args[1]!.text, result: e.returnValue ?? -1 })))).toBe(contents);
    expect(reads[0]!.args[0]!.fdPath).toBe(INPUT);
    // fd 1 is still the program's terminal, a real pty, which shows the output (\n becomes \r\n there).
    const write = calls.find((e) => e.name === 'write')!;
    expect(write.args[0]!.fdPath).toMatch(/^\/dev\/pts\/\d+$/);
    expect(shown.replace(/\r\n/g, '\n')).toContain(contents.toUpperCase());
    expect(result.programExit?.exitCode).toBe(0);
  });

  it('refuses a missing file or a folder with a message, before anything runs', () => {
    const missing = spawnSync(process.execPath, [cli, 'trace', '--stdin', 'no-such-input.txt', 'upcase.asm'], { cwd: FIXTURES, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: work } });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`syscall-lens trace: Cannot read the stdin file ${path.join(FIXTURES, 'no-such-input.txt')}: it does not exist.\n`);
    const folder = spawnSync(process.execPath, [cli, 'trace', '--stdin', 'project', 'upcase.asm'], { cwd: FIXTURES, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: work } });
    expect(folder.status).toBe(1);
    expect(folder.stderr).toContain(`The stdin file ${path.join(FIXTURES, 'project')} is a folder`);
    expect(spawnSync(process.execPath, [cli, 'trace', '--stdin'], { cwd: FIXTURES, encoding: 'utf8' }).stderr).toContain('--stdin needs a file');
  });
});
