// Whether the kernel runs i386 programs, asked of the kernel itself: the probe must agree with a
// program nasm and ld build, and a program the kernel cannot run is refused with the reason, before
// strace or gdb meet an ENOEXEC they would report as "Exec format error".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../toolchain/build';
import { isI386Program, kernelRefusal, kernelRunsI386 } from '../../../toolchain/kernel';
import { prepareTarget, TargetError } from '../../../toolchain/target';
import { runProgram } from '../../../toolchain/tools';
import { TraceSession } from '../../../trace/session';
import { TraceModel } from '../../../trace/model/model';

const work = mkdtempSync(path.join(tmpdir(), 'syscall-lens-kernel-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const EXIT_7 = 'bits 32\nsection .text\nglobal _start\n_start:\n mov eax, 1\n mov ebx, 7\n int 0x80\n';
const INT80_IN_64 = 'bits 64\nsection .text\nglobal _start\n_start:\n mov eax, 1\n mov ebx, 7\n int 0x80\n mov eax, 60\n mov edi, 9\n syscall\n';

async function built(name: string, text: string): Promise<string> {
  const source = path.join(work, name);
  writeFileSync(source, text);
  const result = await buildProgram({ source, buildDirectory: path.join(work, `out-${name}`) });
  expect(result.ok).toBe(true);
  return result.program;
}

describe('does this kernel run i386 programs?', () => {
  it('the probe agrees with an i386 program nasm and ld built, and with int 0x80 in a 64-bit one', async () => {
    const program32 = await built('exit7.asm', EXIT_7);
    expect(isI386Program(program32)).toBe(true);
    const run32 = await runProgram(program32, []).then((r) => r.exitCode, () => 'refused');
    const program64 = await built('int80.asm', INT80_IN_64);
    expect(isI386Program(program64)).toBe(false);
    const run64 = await runProgram(program64, []);
    if (kernelRunsI386()) {
      expect(run32).toBe(7);
      expect(run64.exitCode).toBe(7); // int 0x80's exit(7), never the 64-bit exit(9)
    } else {
      expect(run32).not.toBe(7);
      expect(run64.signal).toBe('SIGSEGV');
    }
  });

  it('refuses an i386 program the kernel cannot run, with the reason, and measures it all the same', async () => {
    const program32 = await built('again.asm', EXIT_7);
    if (kernelRunsI386()) {
      expect(kernelRefusal(program32)).toBeUndefined();
      await expect(prepareTarget(program32)).resolves.toMatchObject({ program: program32 });
      return;
    }
    expect(kernelRefusal(program32)).toMatch(/^again is a 32-bit \(i386\) program\. This kernel does not run 32-bit \(i386\) programs: .*ia32_emulation=0.*nasm -f elf64/);
    const refused = await prepareTarget(program32).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(TargetError);
    expect(refused).toMatchObject({ reason: 'kernel-cannot-run' });
    await expect(prepareTarget(program32, { run: false })).resolves.toMatchObject({ program: program32 });
    // The trace says so too, before strace runs.
    const source = path.join(work, 'trace32.asm');
    writeFileSync(source, EXIT_7);
    await expect(TraceSession.start({ file: source, args: [], cwd: work, stdio: 'output', model: new TraceModel({ keepEvents: false }), buildDirectory: path.join(work, 'out-trace') }))
      .rejects.toMatchObject({ reason: 'kernel-cannot-run' });
  });

  it('says nothing of programs it cannot read or of 64-bit ones', () => {
    const text = path.join(work, 'notes.txt');
    writeFileSync(text, 'not a program');
    expect(isI386Program(text)).toBe(false);
    expect(isI386Program(path.join(work, 'missing'))).toBe(false);
    expect(kernelRefusal('/bin/true')).toBeUndefined();
  });
});
