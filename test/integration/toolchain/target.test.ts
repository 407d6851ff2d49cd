// prepareTarget with real nasm and ld: where the files go, odd names, programs given ready-made.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBuildOptions } from '../../../toolchain/options';
import { prepareTarget, TargetError } from '../../../toolchain/target';
import { runProgram } from '../../../toolchain/tools';
import { useScratch } from './project';

const { work, project } = useScratch('syscall-lens-target-');

const EXIT_42 = 'global _start\nsection .text\n_start:\n  mov eax, 60\n  mov edi, 42\n  syscall\n';

describe('building a source into a program', () => {
  it('builds a program with %include files from the include paths, into the build folder, and it runs', async () => {
    const folder = project('include');
    const source = path.join(folder, 'src/app/count.asm');
    const target = await prepareTarget(source, resolveBuildOptions({ includePaths: ['include'], buildDirectory: 'out' }, folder, source));
    expect(target.program).toBe(path.join(folder, 'out', 'count'));
    expect(target.listing).toBe(path.join(folder, 'out', 'count.lst'));
    expect(target.source).toBe(source);
    const run = await runProgram(target.program, [], { timeoutMs: 10_000 });
    expect([run.stdout, run.exitCode]).toEqual(['3\n2\n1\n', 3]);
    // Nothing beside the source.
    expect(readdirSync(path.dirname(source))).toEqual(['count.asm']);
  });

  it('fails with the build\'s messages when an include path is missing', async () => {
    const folder = project('no-include');
    const source = path.join(folder, 'src/app/count.asm');
    const failure = await prepareTarget(source, resolveBuildOptions({ buildDirectory: 'out' }, folder, source)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TargetError);
    expect((failure as TargetError).reason).toBe('build-failed');
    expect((failure as TargetError).message).toMatch(/^Build failed: count\.asm:2: .*linux\.inc/);
    expect((failure as TargetError).build?.messages[0]).toMatchObject({ file: source, line: 2, severity: 'error' });
  });

  for (const name of ['...asm', '..asm', '.asm', '-o.asm']) {
    it(`keeps every output of a source named "${name}" inside the build folder`, async () => {
      const parent = mkdtempSync(path.join(work, 'dots-'));
      mkdirSync(path.join(parent, 'src'));
      const source = path.join(parent, 'src', name);
      writeFileSync(source, EXIT_42);
      const build = path.join(parent, 'build');
      const target = await prepareTarget(source, { buildDirectory: build });
      expect(path.dirname(target.program)).toBe(build);
      expect(readdirSync(parent).sort()).toEqual(['build', 'src']);
      expect(readdirSync(path.join(parent, 'src'))).toEqual([name]);
      expect((await runProgram(target.program, [], { timeoutMs: 10_000 })).exitCode).toBe(42);
    });
  }

  it('builds a source whose folder and name contain line breaks, and reports its errors on the right line', async () => {
    const dir = path.join(work, 'line\nbreak');
    mkdirSync(dir);
    const source = path.join(dir, 'odd\nname.asm');
    writeFileSync(source, EXIT_42);
    const build = path.join(work, 'out\nbuild');
    const target = await prepareTarget(source, { buildDirectory: build });
    // The program's own name is ours to choose: no line break for gdb and strace to trip on.
    expect(target.program).toBe(path.join(build, 'odd_name'));
    expect((await runProgram(target.program, [], { timeoutMs: 10_000 })).exitCode).toBe(42);

    writeFileSync(source, EXIT_42 + '  jmp nowhere\n');
    const failure = await prepareTarget(source, { buildDirectory: build }).then(() => { throw new Error("built"); }, (e: TargetError) => e);
    expect(failure.build?.messages).toEqual([expect.objectContaining({ file: source, line: 7, severity: 'error' })]);
    expect(failure.message).toContain('odd\nname.asm:7: symbol `nowhere\' not defined');
  });
});

describe('a program given ready-made', () => {
  it('is taken as it is, with the nasm listing beside it', async () => {
    const dir = mkdtempSync(path.join(work, 'ready-'));
    const source = path.join(dir, 'exit.asm');
    writeFileSync(source, EXIT_42);
    const built = await prepareTarget(source, { buildDirectory: dir });
    const again = await prepareTarget(built.program);
    expect(again).toEqual({ program: built.program, listing: path.join(dir, 'exit.lst') });
  });

  it('refuses a source when building is off, a missing file, and a file that is not executable', async () => {
    const dir = mkdtempSync(path.join(work, 'refuse-'));
    const source = path.join(dir, 'exit.asm');
    writeFileSync(source, EXIT_42);
    await expect(prepareTarget(source, { build: false })).rejects.toMatchObject({ reason: 'not-a-program', message: expect.stringMatching(/building is off/) });
    await expect(prepareTarget(path.join(dir, 'missing'))).rejects.toMatchObject({ reason: 'program-not-found' });
    const data = path.join(dir, 'data.bin');
    writeFileSync(data, 'x');
    chmodSync(data, 0o644);
    await expect(prepareTarget(data)).rejects.toMatchObject({ reason: 'not-a-program' });
    expect(existsSync(path.join(dir, 'exit'))).toBe(false);
  });
});
