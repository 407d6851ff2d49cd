import { describe, expect, it } from 'vitest';
import { compareVersions, describePlatform, machineHealth, parseToolVersion, type MachineReport } from '../../../../client/status/toolProbe';

describe('reading tool versions', () => {
  it.each([
    ['nasm', 'NASM version 2.16.01 compiled on May 12 2023', '2.16.01'],
    ['ld', 'GNU ld (GNU Binutils for Debian) 2.40', '2.40'],
    ['gcc', 'gcc (Debian 12.2.0-14+deb12u1) 12.2.0\nCopyright (C) 2022', '12.2.0'],
    ['gdb', 'GNU gdb (Debian 13.1-3) 13.1\nCopyright (C) 2023', '13.1'],
    ['strace', 'strace -- version 6.1\nCopyright (c) 1991-2022', '6.1'],
  ] as const)('%s: %s', (tool, output, version) => {
    expect(parseToolVersion(tool, output)).toBe(version);
  });

  it('compares dotted versions as numbers', () => {
    expect(compareVersions('2.16.01', '2.14')).toBeGreaterThan(0);
    expect(compareVersions('2.9', '2.14')).toBeLessThan(0);
    expect(compareVersions('5.0', '5')).toBe(0);
  });
});

describe('the platform', () => {
  it('supports Linux x86-64 only, saying what to do elsewhere', () => {
    expect(describePlatform('linux', 'x64', '6.1.0')).toEqual({ supported: true, description: 'Linux 6.1.0 x86-64' });
    expect(describePlatform('darwin', 'arm64', '23.0').fix).toMatch(/Remote-SSH, WSL or a dev container/);
    expect(describePlatform('linux', 'arm64', '6.1.0').supported).toBe(false);
  });
});

describe('overall health', () => {
  const ok = (tool: string) => ({ tool, configured: tool, path: `/usr/bin/${tool}`, version: '99', neededFor: [] });
  const report = (over: Partial<MachineReport>): MachineReport => ({
    tools: ['nasm', 'ld', 'gcc', 'gdb', 'strace'].map(ok) as MachineReport['tools'],
    ptrace: { permitted: true }, platform: { supported: true, description: 'Linux' }, ...over,
  });
  it('is ok with every tool and ptrace, degraded when ptrace is denied', () => {
    expect(machineHealth(report({}))).toBe('ok');
    expect(machineHealth(report({ ptrace: { permitted: false } }))).toBe('degraded');
    expect(machineHealth(report({ platform: { supported: false, description: 'macOS' } }))).toBe('unusable');
  });
});
