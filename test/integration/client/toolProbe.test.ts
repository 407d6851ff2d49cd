// The status bar's view of the machine, probed with the real tools (and real absences: a PATH
// without them, a setting pointing at the wrong program).
import { mkdtempSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { machineHealth, machineProblems, probeMachine, probePtrace } from '../../../client/status/toolProbe';
import { DEFAULT_TOOL_PATHS, findExecutable } from '../../../toolchain/tools';

describe('probing the tools Syscall Lens drives', () => {
  it('finds each installed tool with its version', async () => {
    const report = await probeMachine(DEFAULT_TOOL_PATHS);
    for (const tool of report.tools) {
      expect(tool.problem, `${tool.tool}: ${tool.problem}`).toBeUndefined();
      expect(tool.path).toBe(findExecutable(tool.tool));
      expect(tool.version).toMatch(/^\d+\.\d+/);
    }
    expect(report.tools.find((t) => t.tool === 'nasm')!.version).toMatch(/^2\.\d+/);
    expect(report.platform.supported).toBe(true);
    expect(report.ptrace).toEqual({ permitted: true });
    expect(machineHealth(report)).toBe('ok');
    expect(machineProblems(report)).toEqual([]);
  });

  it('says how to install a tool that is not on the PATH', async () => {
    // A PATH with only `true` on it: every tool is really absent.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'probe-path-'));
    symlinkSync(findExecutable('true')!, path.join(bin, 'true'));
    const report = await probeMachine(DEFAULT_TOOL_PATHS, bin);
    const strace = report.tools.find((t) => t.tool === 'strace')!;
    expect(strace.problem).toBe('strace was not found on the PATH');
    expect(strace.fix).toBe('Install it (sudo apt-get install strace) or set syscallLens.stracePath to its location. Needed for tracing.');
    expect(report.tools.find((t) => t.tool === 'ld')!.fix).toContain('sudo apt-get install binutils');
    expect(report.ptrace).toBeUndefined();
    expect(machineHealth(report)).toBe('unusable');
    expect(machineProblems(report)).toHaveLength(5);
  });

  it('notices a setting that points at the wrong program or nowhere', async () => {
    const report = await probeMachine({ ...DEFAULT_TOOL_PATHS, gdb: findExecutable('true')!, nasm: '/nonexistent/nasm' });
    const gdb = report.tools.find((t) => t.tool === 'gdb')!;
    expect(gdb.problem).toMatch(/does not look like gdb/);
    expect(gdb.fix).toBe('Point syscallLens.gdbPath at gdb.');
    expect(report.tools.find((t) => t.tool === 'nasm')!.problem).toBe('nasm was not found at /nonexistent/nasm');
    expect(machineHealth(report)).toBe('degraded');
  });

  it('lets strace trace a child here', async () => {
    expect(await probePtrace(findExecutable('strace')!)).toEqual({ permitted: true });
  });
});
