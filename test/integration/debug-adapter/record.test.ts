// debug-adapter/record.py against real gdb: which instructions gdb 13's process record fails to undo,
// and that the recorder's added log entries make stepping back exact for every register.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from './harness';

const RECORD_PY = path.resolve(__dirname, '../../../debug-adapter/record.py');
const DRIVER = path.resolve(__dirname, 'record_driver.py');

let dir: string;
let program: string;
/** Whether gdb can write the SSE registers on this machine (not on one with AMX state: see record.py). */
let vectorWritable: boolean;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-record-'));
  const object = path.join(dir, 'history.o');
  program = path.join(dir, 'history');
  for (const [file, args] of [['nasm', ['-f', 'elf64', '-g', '-F', 'dwarf', fixture('history.asm'), '-o', object]], ['ld', [object, '-o', program]]] as const) {
    const run = spawnSync(file, args, { encoding: 'utf8', timeout: 30_000, shell: false });
    expect(run.status, run.stderr).toBe(0);
  }
  // Asked of gdb directly, not of record.py, which the tests check.
  const probe = spawnSync('gdb', ['-q', '-nx', '-batch', '-ex', 'starti', '-ex', 'set $xmm0.v2_int64[0] = 5', '-ex', 'print $xmm0.v2_int64[0]', program], { encoding: 'utf8', timeout: 60_000, shell: false });
  vectorWritable = /\$1 = 5\b/.test(probe.stdout);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the driver inside gdb (see record_driver.py) and returns its JSON answer. */
function drive(mode: 'plain' | 'exact'): Record<string, unknown> {
  const run = spawnSync('gdb', ['-q', '-nx', '-batch', '-x', DRIVER, program], {
    encoding: 'utf8', timeout: 120_000, shell: false, killSignal: 'SIGKILL',
    env: { ...process.env, RECORD_PY, MODE: mode, LC_ALL: 'C' },
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  expect(line, `${run.stdout}\n${run.stderr}`).toBeDefined();
  const result = JSON.parse(line!.slice('RESULT '.length)) as Record<string, unknown>;
  expect(result.error).toBeUndefined();
  return result;
}

interface Row { asm: string; code: string; flagged: string[]; notRestored: string[]; skipped?: boolean }

describe("gdb's process record, stepping once forward and once back over each instruction form", () => {
  let rows: Row[];
  beforeAll(() => { rows = drive('plain').rows as Row[]; }, 150_000);

  it('leaves a register unrestored only where the decoder says it will', () => {
    const missed = rows.filter((r) => r.notRestored.some((name) => !r.flagged.includes(name)));
    expect(missed).toEqual([]);
  });

  it('fails to restore the forms the recorder fixes (so this table tests something)', () => {
    const broken = new Set(rows.filter((r) => r.notRestored.length).map((r) => r.asm.replace(/\s+/g, ' ')));
    for (const form of [
      'mov r12,r13', 'mov r11w,ax', 'mov r10b,bl', 'xchg r12,rax', 'xchg r8,rax', 'xadd r9,r10', 'cmpxchg r13,r14', 'syscall',
      'bsr rbx,rcx', 'lzcnt rbx,r9', 'popcnt r13,r9', 'shld rbx,rcx,0x4', 'pextrq r13,xmm0,0x0', 'mov r12d,ds',
    ]) {
      expect(broken).toContain(form);
    }
    expect(rows.find((r) => r.asm.startsWith('xchg') && r.code === '4990')!.notRestored.sort()).toEqual(['r8', 'rax']);
    // Its flags too where this processor's undefined flags come out differently from before.
    expect(rows.find((r) => r.asm.replace(/\s+/g, ' ') === 'shld rbx,rcx,0x4')!.notRestored).toContain('rbx');
  });

  it('restores memory-writing, immediate, arithmetic and stack forms by itself', () => {
    const fine = rows.filter((r) => !r.notRestored.length && !r.skipped).map((r) => r.asm.replace(/\s+/g, ' '));
    for (const form of ['mov r12,0xffffffffffffffff', 'add r9,r13', 'mov rax,r10', 'mov rbx,r14', 'pop r13', 'xchg r9,r8', 'bswap r10', 'cvttsd2si r12,xmm0', 'movq r12,xmm0', 'mov ebx,ds']) {
      expect(fine).toContain(form);
    }
  });

  it('skips only the instructions that write an SSE register, and only where gdb cannot write one', () => {
    // On a processor with AMX state gdb 13 cannot write xmm0 (record.py); elsewhere nothing is skipped.
    expect(rows.filter((r) => r.skipped).map((r) => r.asm.replace(/\s+/g, ' '))).toEqual(vectorWritable ? [] : ['movq xmm0,rax']);
  });
});

describe('the recorder (record.py)', () => {
  it('steps the whole run back one instruction at a time, then forward again, with every register as it was', () => {
    const result = drive('exact');
    expect(result.fixed).toBeGreaterThanOrEqual(15); // the fixture's misrecorded instructions, found in .text
    expect(result.vectorWritable).toBe(vectorWritable);
    // Where gdb cannot write SSE registers, the recording ends before the fixture's first instruction
    // that writes one (and the run is checked up to there); elsewhere it covers the whole run.
    const ending = result.ending as { asm: string; why: string; active: boolean; at: boolean } | null;
    if (vectorWritable) {
      expect(ending).toBeNull();
      expect(result.steps).toBeGreaterThan(100);
    } else {
      expect(ending?.asm.replace(/\s+/g, ' ')).toBe('movq xmm0,rax');
      expect(ending?.why).toMatch(/cannot write SSE, MMX or x87 registers on this processor/);
      expect(ending?.at).toBe(true);
      expect(ending?.active).toBe(false);
      expect(result.steps).toBeGreaterThan(50);
    }
    expect(result.entries).toBeGreaterThan(result.steps as number); // the added register writes
    expect(result.back).toEqual([]);
    expect(result.forward).toEqual([]);
  }, 150_000);
});
