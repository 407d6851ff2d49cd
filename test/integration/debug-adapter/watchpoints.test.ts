// Whether hardware watchpoints fire on this machine, asked of gdb with a program of our own: the
// answer must agree with gdb watching a label of a nasm-built program, and the probe program must be
// a program the kernel runs as written (it writes its word and exits with 0).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hardwareWatchpointsFire, PROBE_WORD_ADDRESS, readProbeOutput, watchProbeProgram } from '../../../debug-adapter/watchpoints';
import { withGdbEnvironment } from '../../../debug-adapter/mi/gdbProcess';
import { findExecutable } from '../../../toolchain/tools';

const work = mkdtempSync(path.join(tmpdir(), 'syscall-lens-watch-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const gdb = findExecutable('gdb')!;

describe('do hardware watchpoints fire here?', () => {
  it('the probe program runs, and gdb sees its write in software', () => {
    const program = path.join(work, 'probe');
    writeFileSync(program, watchProbeProgram(), { mode: 0o700 });
    expect(spawnSync(program, [], { stdio: 'ignore' }).status).toBe(0);
    const software = execFileSync(gdb, ['-nx', '-batch', '-ex', 'starti', '-ex', 'set can-use-hw-watchpoints 0',
      '-ex', `watch -l *(int *)0x${PROBE_WORD_ADDRESS.toString(16)}`, '-ex', 'continue', program], { env: withGdbEnvironment(), encoding: 'utf8' });
    expect(software).toMatch(/^Watchpoint 1: /m);
    expect(software).toMatch(/^New value = 1$/m);
  });

  it('agrees with gdb watching a label of a nasm program in hardware', async () => {
    const source = path.join(work, 'count.asm');
    writeFileSync(source, 'section .data\ncount: dq 0\nsection .text\nglobal _start\n_start:\n mov ecx, 3\n.again:\n inc qword [rel count]\n dec ecx\n jnz .again\n mov eax, 60\n xor edi, edi\n syscall\n');
    execFileSync('nasm', ['-f', 'elf64', '-o', path.join(work, 'count.o'), source]);
    execFileSync('ld', ['-o', path.join(work, 'count'), path.join(work, 'count.o')]);
    const output = execFileSync(gdb, ['-nx', '-batch', '-ex', 'starti', '-ex', 'watch -l *(long *)&count', '-ex', 'continue',
      path.join(work, 'count')], { env: withGdbEnvironment(), encoding: 'utf8' });
    expect(output).toMatch(/^Hardware watchpoint 1: /m);
    const fired = /^New value = 1$/m.test(output);
    if (!fired) expect(output).toMatch(/exited normally/);
    expect(await hardwareWatchpointsFire(gdb)).toBe(fired);
  });

  it('reads gdb\'s answer, and no answer as none', () => {
    expect(readProbeOutput('Hardware watchpoint 1: -location *(int *)0x400088\n\nOld value = 0\nNew value = 1\n')).toBe(true);
    expect(readProbeOutput('Hardware watchpoint 1: -location *(int *)0x400088\n[Inferior 1 (process 7) exited normally]\n')).toBe(false);
    expect(readProbeOutput('No symbol table is loaded.\n')).toBeUndefined();
  });
});
