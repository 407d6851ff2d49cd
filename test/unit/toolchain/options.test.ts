import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSettingsFrom, resolveBuildOptions } from '../../../toolchain/options';

const FOLDER = '/home/u/project';
const SOURCE = '/home/u/project/src/deep/hello.asm';

describe('the one path rule for build settings', () => {
  it('resolves a relative build directory and include paths against the workspace folder', () => {
    const options = resolveBuildOptions({ buildDirectory: 'out', includePaths: ['inc', '../shared'] }, FOLDER, SOURCE);
    expect(options.buildDirectory).toBe('/home/u/project/out');
    expect(options.includePaths).toEqual(['/home/u/project/inc', '/home/u/shared', '/home/u/project/src', '/home/u/project']);
  });

  it('ends the include directories with the folders above the source up to the workspace folder (a Makefile at the top runs nasm there)', () => {
    expect(resolveBuildOptions({}, FOLDER, SOURCE).includePaths).toEqual(['/home/u/project/src', '/home/u/project']);
    expect(resolveBuildOptions({}, FOLDER, '/home/u/project/hello.asm').includePaths).toEqual([]);
    expect(resolveBuildOptions({}, FOLDER, '/elsewhere/hello.asm').includePaths).toEqual([]);
  });

  it('without a workspace folder, resolves them against the source\'s folder, never the process directory', () => {
    const options = resolveBuildOptions({ buildDirectory: 'out', includePaths: ['inc'] }, undefined, SOURCE);
    expect(options.buildDirectory).toBe('/home/u/project/src/deep/out');
    expect(options.includePaths).toEqual(['/home/u/project/src/deep/inc']);
  });

  it('keeps absolute paths, expands ~/ and ${workspaceFolder}', () => {
    const options = resolveBuildOptions({ buildDirectory: '/tmp/b', includePaths: ['~/nasm-lib', '${workspaceFolder}/inc', '~'] }, FOLDER, SOURCE);
    expect(options.buildDirectory).toBe('/tmp/b');
    expect(options.includePaths).toEqual([path.join(os.homedir(), 'nasm-lib'), '/home/u/project/inc', os.homedir(), '/home/u/project/src', '/home/u/project']);
  });

  it('treats an empty build directory as "the private cache folder" and skips empty include entries', () => {
    const options = resolveBuildOptions({ buildDirectory: '  ', includePaths: ['', 'inc'] }, FOLDER, SOURCE);
    expect(options.buildDirectory).toBeUndefined();
    expect(options.includePaths).toEqual(['/home/u/project/inc', '/home/u/project/src', '/home/u/project']);
  });

  it('fills tools and the output format from their defaults, keeping what is set', () => {
    expect(resolveBuildOptions({}, undefined, SOURCE)).toEqual({
      tools: { nasm: 'nasm', ld: 'ld', gcc: 'gcc' }, includePaths: [], defines: [], defaultFormat: 'elf64',
    });
    expect(resolveBuildOptions({ nasmPath: '/opt/nasm/bin/nasm', outputFormat: 'elf32' }, undefined, SOURCE))
      .toMatchObject({ tools: { nasm: '/opt/nasm/bin/nasm', ld: 'ld' }, defaultFormat: 'elf32' });
    expect(resolveBuildOptions({ defines: ['ARCH_X86_64=1'] }, undefined, SOURCE).defines).toEqual(['ARCH_X86_64=1']);
  });
});

describe('build settings from a launch configuration', () => {
  it('takes the build attributes and nothing else, leaving empty ones out', () => {
    expect(buildSettingsFrom({ program: 'x.asm', buildDirectory: 'out', includePaths: ['inc'], nasmPath: '', outputFormat: 'elf32' }))
      .toEqual({ buildDirectory: 'out', includePaths: ['inc'], outputFormat: 'elf32' });
  });

  it('names the attribute when its type is wrong', () => {
    expect(() => buildSettingsFrom({ buildDirectory: 3 })).toThrow(/"buildDirectory" must be a string/);
    expect(() => buildSettingsFrom({ includePaths: 'inc' })).toThrow(/"includePaths" must be a list/);
    expect(() => buildSettingsFrom({ outputFormat: 'win64' })).toThrow(/"outputFormat" must be "elf64" or "elf32"/);
  });
});
