// A NASM program assembled from several files (a root that declares extern, sources that define those
// symbols as global): built, debugged and traced from its root, with the real nasm, ld, gdb and strace.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { markerLine } from '../../support/markers';
import { buildProgram } from '../../../toolchain/build';
import { runProgram } from '../../../toolchain/tools';
import type { SyscallEvent } from '../../../trace/events';
import { TraceSession } from '../../../trace/session';
import { continueToStop, launchStopped, topFrame, useDebugClient } from '../debug-adapter/harness';

const work = mkdtempSync(path.join(tmpdir(), 'syscall-lens-multiobject-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
cpSync(path.resolve(__dirname, '../../fixtures/toolchain/multiobject'), work, { recursive: true });
const main = path.join(work, 'src/main.asm');
const print = path.join(work, 'src/io/print.asm');
const log = path.join(work, 'src/io/log.asm');
const sys = path.join(work, 'src/io/sys.inc');
const calls = path.join(work, 'src/sys/calls.asm');

describe('a program of several NASM sources, from its root', () => {
  it('builds every source that defines what the root declares extern and links them with ld', async () => {
    const build = await buildProgram({ source: main, buildDirectory: path.join(work, 'out') });
    expect(build.messages).toEqual([]);
    expect(build.ok).toBe(true);
    expect(build.companions).toEqual([print, log, calls, path.join(work, 'src/str.asm')]);
    expect(build.steps.at(-1)?.tool).toBe('ld');
    const run = await runProgram(build.program, [], { timeoutMs: 10_000 });
    expect([run.stdout, run.exitCode]).toEqual(['one\ntwo\nlog\nlog\n', 3]);
  });

  it('traces each call to the line in the source that made it', async () => {
    const session = await TraceSession.start({ file: main, args: [], stdio: 'pipe', buildDirectory: path.join(work, 'trace') });
    const result = await session.done;
    const events = result.model.events.filter((e): e is SyscallEvent => e?.kind === 'syscall');
    const writes = events.filter((e) => e.name === 'write').map((e) => e.location);
    expect(writes.slice(0, 2).map((l) => l?.file)).toEqual([print, print]);
    // A macro expanded in another source: its invocation lines there (from that source's listing).
    const body = { macroLine: markerLine(sys, 'macro_syscall'), macroFile: sys };
    expect(writes.slice(2)).toEqual([{ file: log, line: markerLine(log, 'log_first'), ...body }, { file: log, line: markerLine(log, 'log_second'), ...body }]);
    // A small wrapper in another source: the line that called it, the wrapper's line as detail.
    const wrapper = { procedureLine: markerLine(calls, 'getpid_syscall'), procedureFile: calls };
    expect(events.filter((e) => e.name === 'getpid').map((e) => e.location)).toEqual([
      { file: main, line: markerLine(main, 'getpid_first'), ...wrapper }, { file: main, line: markerLine(main, 'getpid_second'), ...wrapper },
    ]);
    expect(events.find((e) => e.name === 'exit')?.location).toMatchObject({ file: main, line: markerLine(main, 'exit') });
  });

  const dc = useDebugClient();
  it('debugs it: a breakpoint in another source is verified and hit', async () => {
    await launchStopped(dc(), main, { stopAtEntry: true });
    const set = await dc().setBreakpointsRequest({ source: { path: print }, breakpoints: [{ line: markerLine(print, 'print_write') }] });
    expect(set.body.breakpoints[0]).toMatchObject({ verified: true });
    await continueToStop(dc());
    expect(await topFrame(dc())).toMatchObject({ source: { path: print }, line: markerLine(print, 'print_write') });
  });
});

describe('C and NASM in one program', () => {
  const mixed = path.join(work, 'mixed');
  cpSync(path.resolve(__dirname, '../../fixtures/toolchain/mixed'), mixed, { recursive: true });

  /** Builds `root`, checks which other source it took, and runs the program: [stdout, exit code]. */
  async function buildAndRun(root: string, companion: string): Promise<[string, number | null]> {
    const build = await buildProgram({ source: root, buildDirectory: path.join(work, path.basename(path.dirname(root))) });
    // ld may warn that the NASM object has no .note.GNU-stack, as it does when the user links it.
    expect(build.messages.filter((m) => m.severity === 'error')).toEqual([]);
    expect(build.ok).toBe(true);
    expect(build.companions).toEqual([companion]);
    const run = await runProgram(build.program, [], { timeoutMs: 10_000 });
    return [run.stdout, run.exitCode];
  }

  it('a C main calling a NASM function: builds the .asm that defines it and links with gcc', async () => {
    const root = path.join(mixed, 'c-calls-asm/main.c');
    expect(await buildAndRun(root, path.join(mixed, 'c-calls-asm/message.asm'))).toEqual(['from NASM\nfrom NASM\n', 0]);
    // Traced: the NASM function's write at its syscall line.
    const session = await TraceSession.start({ file: root, args: [], stdio: 'pipe', buildDirectory: path.join(work, 'c-calls-asm-trace') });
    const result = await session.done;
    const asm = path.join(mixed, 'c-calls-asm/message.asm');
    const writes = result.model.events.filter((e): e is SyscallEvent => e?.kind === 'syscall' && e.name === 'write' && e.location?.file === asm);
    expect(writes.map((e) => e.location?.line)).toEqual([markerLine(asm, 'message_write'), markerLine(asm, 'message_write')]);
  });

  it('a NASM main calling a C function: builds the .c that defines it and links with the C runtime', async () => {
    const root = path.join(mixed, 'asm-calls-c/main.asm');
    expect(await buildAndRun(root, path.join(mixed, 'asm-calls-c/greet.c'))).toEqual(['from C\n', 5]);
  });
});
