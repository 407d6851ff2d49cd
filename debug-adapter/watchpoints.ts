// Whether this machine's hardware watchpoints fire. gdb sets a "Hardware watchpoint" through the
// processor's debug registers; some virtual machines accept the registers and never raise the trap,
// so a data breakpoint is set, verified, and the program runs past every write. The only way to know
// is to try: gdb watches a word of a 144-byte program that writes it once. The answer is kept per boot
// (it is the kernel's and the hypervisor's, not the program's) under our cache directory, so the probe
// costs one gdb run (about 0.1 s) the first time a data breakpoint is asked for after each boot.
// Where they do not fire, the session turns to gdb's software watchpoints (it single-steps the
// program and compares: slow on long loops, exact) and says so; read and access watchpoints need the
// hardware, so they are refused with the reason.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheDirectory } from '../toolchain/cacheDirectory';
import { runProgram } from '../toolchain/tools';
import { SEGMENT_EXECUTE, SEGMENT_READ, SEGMENT_WRITE, TINY_ELF_BODY_OFFSET, tinyElfProgram } from '../toolchain/tinyElf';
import { withGdbEnvironment } from './mi/gdbProcess';

const BASE = 0x40_0000;
const CODE = TINY_ELF_BODY_OFFSET;
const WORD = CODE + 20; // the watched word, after the code
/** Where the probe program's word is, which it sets to 1. */
export const PROBE_WORD_ADDRESS = BASE + WORD;

/** An x86-64 ELF program: `mov dword [rel word], 1; mov eax, 60; xor edi, edi; syscall`, then the word. */
export function watchProbeProgram(): Buffer {
  const code = Buffer.from([
    0xc7, 0x05, 0, 0, 0, 0, 1, 0, 0, 0, // mov dword [rip + disp32], 1
    0xb8, 60, 0, 0, 0, // mov eax, 60 (exit)
    0x31, 0xff, // xor edi, edi
    0x0f, 0x05, // syscall
  ]);
  code.writeInt32LE(WORD - (CODE + 10), 2);
  return tinyElfProgram(BASE, Buffer.concat([code, Buffer.alloc(WORD + 4 - CODE - code.length)]), SEGMENT_READ | SEGMENT_WRITE | SEGMENT_EXECUTE);
}

/** What gdb printed for the probe: fired, never fired, or no answer (gdb failed: no verdict, nothing kept). */
export function readProbeOutput(output: string): boolean | undefined {
  if (/^Hardware watchpoint \d+: /m.test(output) && /^New value = 1$/m.test(output)) return true;
  if (/^Hardware watchpoint \d+: /m.test(output) && /exited normally/.test(output)) return false;
  return undefined;
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown-boot';
  }
}

const asked = new Map<string, Promise<boolean>>();

/**
 * Whether gdb's hardware watchpoints fire here. An unknown answer (gdb could not run the probe)
 * counts as yes: the session then behaves as before, with hardware watchpoints.
 */
export function hardwareWatchpointsFire(gdbPath: string): Promise<boolean> {
  let answer = asked.get(gdbPath);
  if (!answer) {
    answer = probe(gdbPath);
    asked.set(gdbPath, answer);
  }
  return answer;
}

async function probe(gdbPath: string): Promise<boolean> {
  const kept = path.join(cacheDirectory('probes'), `hardware-watchpoints-${bootId()}`);
  try {
    const text = readFileSync(kept, 'utf8').trim();
    if (text === 'fire' || text === 'silent') return text === 'fire';
  } catch { /* not asked since this boot */ }
  const folder = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-watch-'));
  try {
    const program = path.join(folder, 'probe');
    writeFileSync(program, watchProbeProgram(), { mode: 0o700 });
    const run = await runProgram(gdbPath, [
      '-nx', '-batch', '-ex', 'starti', '-ex', `watch -l *(int *)0x${PROBE_WORD_ADDRESS.toString(16)}`, '-ex', 'continue', program,
    ], { env: withGdbEnvironment(), timeoutMs: 20_000 });
    const verdict = readProbeOutput(run.stdout + run.stderr);
    if (verdict === undefined) return true;
    try {
      mkdirSync(path.dirname(kept), { recursive: true });
      writeFileSync(kept, verdict ? 'fire\n' : 'silent\n');
    } catch { /* no cache: asked again next time */ }
    return verdict;
  } catch {
    return true;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export const SOFTWARE_WATCHPOINTS_NOTE = "Data breakpoints: this machine's hardware watchpoints never fire "
  + '(a virtual machine that does not pass the debug registers through), so gdb watches in software: '
  + 'it single-steps the program and compares the value after each instruction, which is exact but slow over long loops.';

export const NO_READ_WATCHPOINTS = "Break on read or access needs hardware watchpoints, and this machine's never fire "
  + '(a virtual machine that does not pass the debug registers through). Break on value change works: gdb watches writes in software.';
