// A project's own build command (launch.json "build"): found relative to the launch cwd, bounded in time.
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareProgram } from '../../../debug-adapter/launch';
import { runBuildCommand } from '../../../toolchain/buildCommand';
import { runProgram } from '../../../toolchain/tools';
import { useScratch } from './project';

const { project } = useScratch('syscall-lens-buildcmd-');

/** Running or stopped; a zombie (killed, waiting for init to reap it) counts as ended. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('a relative build command', () => {
  it('runs ./build.sh from the launch cwd, wherever the adapter runs, and debugs what it built', async () => {
    const folder = project('relative');
    expect(process.cwd()).not.toBe(folder);
    const prepared = await prepareProgram({ program: 'bin/count', cwd: folder, build: './build.sh' }, () => undefined);
    expect(prepared.program).toBe(path.join(folder, 'bin', 'count'));
    expect(prepared.cwd).toBe(folder);
    const run = await runProgram(prepared.program, [], { timeoutMs: 10_000 });
    expect(run.stdout).toBe('3\n2\n1\n');
  });

  it('says where it looked when the script is not there', async () => {
    const folder = project('missing');
    await expect(runBuildCommand('./make-it.sh', folder)).rejects.toThrow(`looked for ${path.join(folder, 'make-it.sh')}`);
    await expect(runBuildCommand('no-such-build-tool-xyz', folder)).rejects.toThrow(/not found on the PATH/);
  });

  it('reports a failing build with its output', async () => {
    const folder = project('failing');
    rmSync(path.join(folder, 'include'), { recursive: true });
    await expect(runBuildCommand('./build.sh', folder)).rejects.toThrow(/The build command failed \(exit code 1\): .*linux\.inc/s);
  });
});

describe('a build command that does not finish', () => {
  it('is stopped at its time limit together with what it started', async () => {
    const folder = project('slow');
    const script = path.join(folder, 'slow.sh');
    // The script starts a child that would outlive it, then waits on it.
    writeFileSync(script, '#!/bin/sh\nsleep 60 &\necho $! > child.pid\nwait\n');
    chmodSync(script, 0o755);
    // The message names the limit that ended it (the test's own time limit catches a build left running).
    await expect(runBuildCommand('./slow.sh', folder, 1500)).rejects.toThrow(/did not finish within 1.5 s/);
    const child = Number(readFileSync(path.join(folder, 'child.pid'), 'utf8'));
    for (let i = 0; i < 50 && alive(child); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(child)).toBe(false);
  });

  it('is stopped when the launch is cancelled', async () => {
    const folder = project('cancel');
    const controller = new AbortController();
    const running = runProgram('sleep', ['60'], { cwd: folder, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const result = await running;
    expect(result.signal).toBe('SIGKILL');
    expect(existsSync(folder)).toBe(true);
  });
});
