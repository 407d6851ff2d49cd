// The debugger, the trace and the CLI build a source into the same place: one path rule
// (toolchain/options resolveBuildOptions), checked with the real adapter, strace and the CLI bundle.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveBuildOptions, type BuildSettings } from '../../../toolchain/options';
import { TraceSession } from '../../../trace/session';
import { launchStopped, useDebugClient } from '../debug-adapter/harness';
import { useScratch } from './project';

const { work, project } = useScratch('syscall-lens-options-');
const cli = path.join(work, 'cli.js');
beforeAll(async () => {
  await build({ entryPoints: [path.resolve(__dirname, '../../../cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: cli, logLevel: 'error' });
});

const dc = useDebugClient();

/** The program gdb runs, from `info inferiors` in the Debug Console. */
async function debuggedProgram(): Promise<string> {
  const info = (await dc().evaluateRequest({ expression: '-exec info inferiors', context: 'repl' })).body.result;
  // `* 1    process 4242     /path/to/program` (the executable is the last column; it may hold spaces).
  return /\s(\/.*?)\s*$/m.exec(info)![1]!;
}

async function tracedProgram(source: string, settings: BuildSettings, folder: string | undefined): Promise<{ program: string; writes: number }> {
  const session = await TraceSession.start({ file: source, args: [], stdio: 'pipe', ...resolveBuildOptions(settings, folder, source) });
  const result = await session.done;
  const writes = result.model.events.filter((e) => e?.kind === 'syscall' && e.name === 'write' && e.location?.file === source).length;
  return { program: result.target.program, writes };
}

describe('a relative buildDirectory resolves the same way in debug and trace', () => {
  it('with a workspace folder (the launch cwd for the adapter): relative to the folder', async () => {
    const folder = project('with-folder');
    const source = path.join(folder, 'src/app/count.asm');
    const settings = { buildDirectory: 'out', includePaths: ['include'] };
    await launchStopped(dc(), source, { cwd: folder, ...settings, stopAtEntry: true });
    const debugged = await debuggedProgram();
    const traced = await tracedProgram(source, settings, folder);
    expect(debugged).toBe(path.join(folder, 'out', 'count'));
    expect(traced).toEqual({ program: debugged, writes: 3 });
  });

  it('without a workspace folder: relative to the source\'s folder, not the process directory', async () => {
    const folder = project('loose');
    const source = path.join(folder, 'src/app/count.asm');
    const settings = { buildDirectory: 'out', includePaths: ['../../include'] };
    await launchStopped(dc(), source, settings);
    const debugged = await debuggedProgram();
    const traced = await tracedProgram(source, settings, undefined);
    expect(debugged).toBe(path.join(folder, 'src/app/out', 'count'));
    expect(traced).toEqual({ program: debugged, writes: 3 });
  });

  it('an %include written from the top of the workspace folder (a Makefile there runs nasm) builds with no includePaths', async () => {
    const folder = project('from-top');
    const source = path.join(folder, 'src/app/count.asm');
    writeFileSync(source, readFileSync(source, 'utf8').replace('%include "linux.inc"', '%include "include/linux.inc"'));
    await launchStopped(dc(), source, { cwd: folder, stopAtEntry: true });
    const debugged = await debuggedProgram();
    expect(path.basename(debugged)).toBe('count');
    expect((await tracedProgram(source, {}, folder)).writes).toBe(3);
  });

  it('the CLI: --build-dir and -I relative to the current directory', () => {
    const folder = project('cli');
    const run = spawnSync(process.execPath, [cli, 'trace', '--build-dir', 'out', '-I', 'include', 'src/app/count.asm'], { cwd: folder, encoding: 'utf8' });
    expect(run.stderr).toContain('count exited with 3');
    expect(run.stdout).toMatch(/^src\/app\/count\.asm:\d+.* write\(1, "3\\n", 2\) = 2$/m);
    const again = spawnSync(process.execPath, [cli, 'trace', '--build-dir=out', '-I', 'include', path.join(folder, 'src/app/count.asm')], { cwd: folder, encoding: 'utf8' });
    expect(again.stderr).toContain('count exited with 3');
    // The program, its object and listing, and (count.asm prints through a wrapper procedure) the copy
    // linked with unwind tables that the trace runs to credit the wrapper's callers.
    expect(spawnSync('ls', [path.join(folder, 'out')], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).sort()).toEqual(['count', 'count.lst', 'count.o', 'unwind']);
  });
});

describe('a source whose folder and name contain line breaks', () => {
  it('is debugged (entry stop, its frame, a verified breakpoint) and traced to its lines', async () => {
    const dir = path.join(work, 'line\nbreak');
    mkdirSync(dir);
    const source = path.join(dir, 'odd\nname.asm');
    writeFileSync(source, 'global _start\nsection .text\n_start:\n  mov eax, 60\n  mov edi, 3\n  syscall\n');
    await launchStopped(dc(), source, { stopAtEntry: true });
    const frame = (await dc().stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
    expect([frame.source?.path, frame.line]).toEqual([source, 4]);
    const set = await dc().setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: 6 }] });
    expect(set.body.breakpoints[0]).toMatchObject({ verified: true, line: 6 });

    const session = await TraceSession.start({ file: source, args: [], stdio: 'pipe', buildDirectory: path.join(work, 'nl-build') });
    const result = await session.done;
    const exit = result.model.events.find((e) => e?.kind === 'syscall' && e.name === 'exit');
    expect(exit?.location).toMatchObject({ file: source, line: 6 });
    expect(result.programExit?.exitCode).toBe(3);
  });
});
