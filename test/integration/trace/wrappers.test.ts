// A write made through a small wrapper procedure belongs to the line that called the wrapper: the
// program is traced as a copy with unwind rules for the wrapper's syscall (strace -k then names the
// caller), the wrapper's own line kept as detail. Real nasm, ld and strace.
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { markerLine } from '../../support/markers';
import type { SyscallEvent } from '../../../trace/events';
import { ElfFile } from '../../../trace/map/elf';
import { TraceSession } from '../../../trace/session';

const FIXTURES = path.resolve(__dirname, '../../fixtures/trace');
const SOURCE = path.join(FIXTURES, 'wrappers.asm');
const work = mkdtempSync(path.join(os.tmpdir(), 'trace-wrappers-'));

const lineOf = (marker: string) => markerLine(SOURCE, marker);

async function trace(file = SOURCE, stackTraces?: boolean) {
  const session = await TraceSession.start({ file, args: [], stdio: 'pipe', buildDirectory: mkdtempSync(path.join(work, 'b-')), ...(stackTraces === undefined ? {} : { stackTraces }) });
  const result = await session.done;
  return { result, writes: result.model.events.filter((e): e is SyscallEvent => e?.kind === 'syscall' && e.name === 'write') };
}

describe('calls through small wrapper procedures', () => {
  it('credits each write to the line that called print, the wrapper\'s syscall line kept as detail', async () => {
    const { result, writes } = await trace();
    const wrapped = lineOf('wrapped-write');
    expect(writes.map((w) => [w.location?.line, w.location?.procedureLine])).toEqual([
      [lineOf('call-hello'), wrapped], [lineOf('call-world'), wrapped],
      [lineOf('call-dot'), wrapped], [lineOf('call-dot'), wrapped], [lineOf('call-dot'), wrapped],
      // write_all loops and branches: not a small wrapper, so its write is its own line's.
      [lineOf('loop-write'), undefined],
    ]);
    expect(writes.every((w) => w.location?.file === SOURCE && w.origin === 'user')).toBe(true);
    // Annotations: each calling line, and the wrapper's line with what all its callers got.
    const lines = result.model.lines.get(SOURCE)!;
    expect(lines.get(lineOf('call-dot'))!.get('write')).toMatchObject({ count: 3, results: ['1'] });
    expect(lines.get(wrapped)!.get('write')).toMatchObject({ count: 5, results: ['6', '1'] });
    expect(result.programExit?.exitCode).toBe(0);
  });

  it('follows a frame pointer (push rbp / mov rbp, rsp … leave), and takes an exit helper that never returns', async () => {
    const source = path.join(FIXTURES, 'framed.asm');
    const at = (marker: string) => markerLine(source, marker);
    const { result } = await trace(source);
    const calls = result.model.events.filter((e): e is SyscallEvent => e?.kind === 'syscall' && (e.name === 'write' || e.name === 'exit'));
    expect(calls.map((c) => [c.name, c.location?.line, c.location?.procedureLine])).toEqual([
      ['write', at('call-say'), at('framed-write')], ['exit', at('call-quit'), at('quit-exit')],
    ]);
  });

  it('without stacks, credits a wrapper the program calls from one place only to that call, and leaves the others at their syscall line', async () => {
    const source = path.join(FIXTURES, 'framed.asm');
    const at = (marker: string) => markerLine(source, marker);
    const { result } = await trace(source, false);
    const calls = result.model.events.filter((e): e is SyscallEvent => e?.kind === 'syscall' && (e.name === 'write' || e.name === 'exit'));
    expect(calls.every((c) => c.stack.length === 0)).toBe(true);
    expect(calls.map((c) => [c.name, c.location?.line, c.location?.procedureLine, c.credit?.method, c.credit?.function])).toEqual([
      ['write', at('call-say'), at('framed-write'), 'call-site', 'say'], ['exit', at('call-quit'), at('quit-exit'), 'call-site', 'quit'],
    ]);
    // A wrapper whose address the program also keeps (a register, a table in data) may be reached from anywhere.
    const taken = path.join(FIXTURES, 'taken.asm');
    const { result: takenResult } = await trace(taken, false);
    const takenCalls = takenResult.model.events.filter((e): e is SyscallEvent => e?.kind === 'syscall' && (e.name === 'write' || e.name === 'exit'));
    expect(takenCalls.map((c) => [c.name, c.location?.line, c.credit?.method])).toEqual([
      ['write', markerLine(taken, 'call-say'), 'call-site'], ['exit', markerLine(taken, 'quit-exit'), 'address'],
    ]);
    // print is called from three lines: without a stack, which one made a write is not known.
    const { writes } = await trace(SOURCE, false);
    expect(writes.slice(0, 5).map((w) => [w.location?.line, w.location?.procedureLine, w.credit?.method])).toEqual(
      Array.from({ length: 5 }, () => [lineOf('wrapped-write'), undefined, 'address']));
  });

  it('leaves the user\'s program as built and traces a copy whose code is where the listing says', async () => {
    const { result } = await trace();
    const program = result.target.program;
    const copy = path.join(path.dirname(program), 'unwind', path.basename(program));
    const original = ElfFile.read(program);
    const traced = ElfFile.read(copy);
    expect(traced.section('.text')!.address).toBe(original.section('.text')!.address);
    expect(traced.section('.text')!.size).toBe(original.section('.text')!.size);
    expect(original.section('.eh_frame')).toBeUndefined();
    expect(traced.section('.eh_frame_hdr')).toBeDefined();
    // The copy runs under the program's own name: argv[0] is the program, not the copy.
    const execve = result.model.events.find((e): e is SyscallEvent => e?.kind === 'syscall' && e.name === 'execve')!;
    expect(execve.args[1]).toEqual({ text: JSON.stringify([program]) });
  });

  it('sees wrappers made of a macro declared .nolist, whose syscall the build\'s listing hides in one record of bytes', async () => {
    const source = path.join(FIXTURES, 'nolist/nolist.asm');
    const at = (marker: string) => markerLine(source, marker);
    const { result, writes } = await trace(source);
    expect(writes.map((w) => [w.location?.line, w.location?.procedureLine])).toEqual([
      [at('call_hello'), at('print_write')], [at('call_bye'), at('print_write')],
    ]);
    // .nolist keeps the macro's body out of the listing and the DWARF: a call it makes at top level is its invocation line's.
    const exit = result.model.events.find((e): e is SyscallEvent => e?.kind === 'syscall' && e.name === 'exit');
    expect(exit?.location).toEqual({ file: source, line: at('exit') });
    // The wrapper was found in a second listing (nasm -Lf); the build's listing and object are as nasm made them.
    const program = result.target.program;
    expect(readFileSync(`${program}.lst`, 'utf8')).not.toMatch(/ [0-9A-F]{8} 0F05 +<1>/);
    expect(readFileSync(path.join(path.dirname(program), 'unwind', `relisted-${path.basename(program)}.lst`), 'utf8')).toMatch(/ [0-9A-F]{8} 0F05 +<1>/);
  });

  it('changes nothing for a program without wrappers: no copy, no stack traces', async () => {
    const { result, writes } = await trace(path.join(FIXTURES, 'calls.asm'));
    expect(writes[0]!.stack).toEqual([]);
    expect(writes[0]!.location?.procedureLine).toBeUndefined();
    const execve = result.model.events.find((e): e is SyscallEvent => e?.kind === 'syscall' && e.name === 'execve')!;
    expect(execve.args[0]!.text).not.toContain('/unwind/');
  });
});
