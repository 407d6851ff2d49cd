// Rust: F5 on a Cargo project's src/main.rs builds it offline (std only) and debugs it with the frames,
// locals and syscall stops a Rust user expects.
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { findExecutable } from '../../../toolchain/tools';
import { fixture, lineOf, scopeVariables, stoppedEvent, useDebugClient } from './harness';

const main = fixture('rust-hello/src/main.rs');

describe.skipIf(!findExecutable('cargo'))('a Rust program', () => {
  // cargo writes into a private folder, not beside the fixture (the adapter inherits this environment).
  beforeAll(() => { process.env.CARGO_TARGET_DIR = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-cargo-')); });
  const client = useDebugClient();
  let dc: DebugClient;
  let console: string[] = [];
  beforeEach(() => { dc = client(); console = []; });

  async function launchWith(configure: () => Promise<unknown>, program = main) {
    dc.on('output', (event: DebugProtocol.OutputEvent) => { console.push(event.body.output); });
    const stopped = stoppedEvent(dc);
    const configured = dc.waitForEvent('initialized').then(async () => {
      await configure();
      await dc.configurationDoneRequest();
    });
    await Promise.all([configured, dc.launch({ program, terminal: 'none' })]);
    return stopped;
  }

  it('builds with cargo, verifies a breakpoint in main.rs and stops there with Rust frames and locals', async () => {
    let verified: boolean | undefined;
    const stopped = await launchWith(async () => {
      const reply = await dc.setBreakpointsRequest({ source: { path: main }, breakpoints: [{ line: lineOf(main, 'LINE_ADD') }] });
      verified = reply.body.breakpoints[0]!.verified;
    });
    expect(verified).toBe(true);
    expect(stopped.body.reason).toBe('breakpoint');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    expect([frames[0]!.name, frames[0]!.source?.path, frames[0]!.line]).toEqual(['rust_hello::total', main, lineOf(main, 'LINE_ADD')]);
    expect(frames[1]!.name).toBe('rust_hello::main');
    const locals = await scopeVariables(dc, 'Locals');
    expect(locals.find((v) => v.name === 'sum')).toMatchObject({ value: '0', type: 'u64' });
    expect(locals.map((v) => v.name)).toContain('values');
    // std's pretty-printers, from the toolchain as rust-gdb loads them: main's Vec shows its items.
    const vector = await dc.evaluateRequest({ expression: 'values', context: 'repl', frameId: frames[1]!.id });
    expect(vector.body.result).toMatch(/^Vec\(size=3\) = \{40, 1, 1\}$/);
    // NASM memory operands read in a Rust frame too (gdb's Rust parser has no C casts).
    const rsp = BigInt((await dc.evaluateRequest({ expression: 'rsp', context: 'repl', frameId: frames[0]!.id })).body.result.split(' ').at(-1)!);
    const word = (await dc.evaluateRequest({ expression: 'qword [rsp]', context: 'repl', frameId: frames[0]!.id })).body.result;
    const bytes = ((await dc.customRequest('readMemory', { memoryReference: `0x${rsp.toString(16)}`, count: 8 })) as DebugProtocol.ReadMemoryResponse).body!.data!;
    expect(BigInt(word)).toBe(Buffer.from(bytes, 'base64').readBigUInt64LE());
  });

  it('Step Out from a breakpoint in a function returns to main at its call', async () => {
    await launchWith(() => dc.setBreakpointsRequest({ source: { path: main }, breakpoints: [{ line: lineOf(main, 'LINE_ADD') }] }));
    await dc.setBreakpointsRequest({ source: { path: main }, breakpoints: [] });
    const stopped = stoppedEvent(dc);
    await dc.stepOutRequest({ threadId: 1 });
    expect((await stopped).body.reason).toBe('step');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    expect([frames[0]!.name, frames[0]!.source?.path, frames[0]!.line]).toEqual(['rust_hello::main', main, lineOf(main, 'LINE_TOTAL')]);
    expect(console.join('')).not.toMatch(/Missing auto-load script/);
  });

  it('a write syscall stop inside std focuses main at the line that wrote', async () => {
    const stopped = await launchWith(() => dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'write' }] }));
    expect((await stopped).body.description).toMatch(/^syscall write\(fd=1 \(stdout\), buf=0x[0-9a-f]+ \("total 42", 10\), count=9\)$/);
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    expect(frames[0]!.source).toBeUndefined();
    const focused = frames.find((f) => f.source?.path && f.source.presentationHint !== 'deemphasize')!;
    expect([focused.name, focused.line]).toEqual(['rust_hello::main', lineOf(main, 'LINE_WRITE')]);
  });

  it('stops where a panic happens (the Rust panic filter, on by default), at the user\'s line under std\'s frames', async () => {
    const panicking = fixture('rust-panic/src/main.rs');
    // A client that never sets the exception filters (nvim-dap, a raw DAP client) gets the default too.
    const stopped = await launchWith(async () => undefined, panicking);
    expect(stopped.body.reason).toBe('exception');
    expect((await dc.exceptionInfoRequest({ threadId: 1 })).body.exceptionId).toBe('panic');
    expect(console.join('')).toMatch(/panicked at src\/main\.rs:3:\d+:\nindex out of bounds/);
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const focused = frames.find((f) => f.source?.path && f.source.presentationHint !== 'deemphasize')!;
    expect([focused.name, focused.line]).toEqual(['rust_panic::pick', lineOf(panicking, 'LINE_PANIC')]);
    expect(frames[frames.indexOf(focused) + 1]).toMatchObject({ name: 'rust_panic::sum_all', line: lineOf(panicking, 'LINE_CALL') });
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    expect((await exited).body.exitCode).toBe(101);
  });

  it('runs through a panic to exit 101 with the filter off', async () => {
    const panicking = fixture('rust-panic/src/main.rs');
    let stops = 0;
    dc.on('stopped', () => { stops++; });
    const exited = dc.waitForEvent('exited');
    const configured = dc.waitForEvent('initialized').then(async () => {
      await dc.setExceptionBreakpointsRequest({ filters: [] });
      await dc.configurationDoneRequest();
    });
    await Promise.all([configured, dc.launch({ program: panicking, terminal: 'none' })]);
    expect((await exited).body.exitCode).toBe(101);
    expect(stops).toBe(0);
  });
});
