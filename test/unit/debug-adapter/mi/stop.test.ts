import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../../../debug-adapter/mi/parser';
import { decodeStopRecord, parseExitCode, type StopRecord } from '../../../../debug-adapter/mi/stop';

const REFERENCE = path.resolve(__dirname, '../../../fixtures/reference/gdb-mi');

/** The first `*stopped` record of a real gdb 13 transcript that contains `needle`, decoded. */
function stopFrom(file: string, needle: string): StopRecord {
  const line = readFileSync(path.join(REFERENCE, file), 'utf8').split('\n').map((l) => l.trim())
    .find((l) => l.startsWith('*stopped') && l.includes(needle));
  if (!line) throw new Error(`no stop with ${needle} in ${file}`);
  const record = parseRecord(line);
  if (record.kind !== 'exec') throw new Error(`not an exec record: ${line}`);
  return decodeStopRecord(record.results);
}

describe('stop records decoded from real gdb transcripts', () => {
  it('a breakpoint hit: its number and the frame with file and line', () => {
    const stop = stopFrom('t1.out', 'reason="breakpoint-hit"');
    expect(stop).toMatchObject({ reason: 'breakpoint-hit', breakpoint: '2', arch: 'i386:x86-64' });
    expect(stop.frame).toMatchObject({ func: '_start', file: 'hello.asm', line: 17 });
    expect(stop.signal).toBeUndefined();
    expect(stop.exit).toBeUndefined();
  });

  it('starti\'s stop is signal "0"', () => {
    expect(stopFrom('t4.out', 'signal-name="0"').signal).toEqual({ name: '0', meaning: 'Signal 0' });
  });

  it('a syscall entry and return carry the phase, number and name', () => {
    expect(stopFrom('t2.out', 'syscall-entry').syscall).toEqual({ phase: 'entry', number: 1, name: 'write' });
    expect(stopFrom('t2.out', 'syscall-return').syscall).toMatchObject({ phase: 'return', number: 1 });
  });

  it('the end of the program is an exit, with no frame to show', () => {
    const files = ['t1.out', 't2.out', 't3.out', 't4.out', 't5.out', 't6.out', 't7.out', 't8.out', 't9.out', 't10.out'];
    const exits = files.flatMap((file) => {
      try { return [stopFrom(file, 'exited')]; } catch { return []; }
    });
    expect(exits.length).toBeGreaterThan(0);
    for (const stop of exits) expect(stop.exit?.code).toBe(0);
  });

  it('a stop without a reason (finish from a label) keeps its frame', () => {
    const stop = stopFrom('t1.out', '*stopped,frame=');
    expect(stop.reason).toBeUndefined();
    expect(stop.frame.address).toBeGreaterThan(0n);
  });
});

describe('stop records gdb writes that the transcripts lack', () => {
  it('a program killed by a signal, and octal exit codes', () => {
    expect(decodeStopRecord({ reason: 'exited-signalled', 'signal-name': 'SIGKILL', 'signal-meaning': 'Killed' }).exit)
      .toEqual({ code: 0, signal: 'SIGKILL' });
    expect(decodeStopRecord({ reason: 'exited', 'exit-code': '012' }).exit).toEqual({ code: 10, signal: undefined });
  });

  it('the watchpoint number of each watchpoint kind', () => {
    expect(decodeStopRecord({ reason: 'watchpoint-trigger', wpt: { number: '4', exp: 'count' } }).watchpoint).toBe('4');
    expect(decodeStopRecord({ reason: 'read-watchpoint-trigger', 'hw-rwpt': { number: '5' } }).watchpoint).toBe('5');
    expect(decodeStopRecord({ reason: 'access-watchpoint-trigger', 'hw-awpt': { number: '6' } }).watchpoint).toBe('6');
  });

  it('reads octal exit codes: exit-code="012" is 10', () => {
    expect(parseExitCode('012')).toBe(10);
    expect(parseExitCode('0377')).toBe(255);
    expect(parseExitCode(undefined)).toBe(0);
  });
});
