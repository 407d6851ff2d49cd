// The Call Stack through NASM procedures, which have no frame information, against real nasm and gdb:
// each caller at the line of its call, with the registers it had there (nasm_unwind.py).
import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { kernelRunsI386 } from '../../../toolchain/kernel';
import { continueToStop, fixture, launchConfigured, lineOf, stoppedEvent, useDebugClient } from './harness';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const program = fixture('saved.asm');

async function stopAt(marker: string, file = program): Promise<void> {
  await launchConfigured(dc, { program: file, stopAtEntry: false }, () => dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: lineOf(file, marker) }] }));
}

async function stack(): Promise<Array<{ id: number; name: string; line: number }>> {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames.map((f) => ({ id: f.id, name: f.name, line: f.line }));
}

/**
 * Stopped at LINE_INNER of `file`: inner ← outer (at its call) ← _start (at its call), and `register`
 * read in each frame: 99 in inner, which saved it first, and outer's 3 in outer.
 */
async function expectCallers(file: string, register: string): Promise<void> {
  await stopAt('LINE_INNER', file);
  const frames = await stack();
  expect(frames.map((f) => [f.name, f.line])).toEqual([
    ['inner', lineOf(file, 'LINE_INNER')], ['outer', lineOf(file, 'LINE_OUTER_CALL')], ['_start', lineOf(file, 'LINE_START_CALL')],
  ]);
  const read = async (frameId: number) => (await dc.evaluateRequest({ expression: register, frameId, context: 'watch' })).body.result;
  expect(await read(frames[0]!.id)).toBe('99 (0x63)');
  expect(await read(frames[1]!.id)).toBe('3 (0x3)');
}

describe('the Call Stack in NASM procedures', () => {
  it('shows each caller at its call, past pushes, stack room and a frame aligned with and rsp, -16', async () => {
    // inner changed rbx after saving it; outer's rbx is the 3 it set.
    await expectCallers(program, 'rbx');
  });

  it('shows the caller after a call the procedure made', async () => {
    await stopAt('LINE_OUTER_AFTER');
    expect((await stack()).map((f) => [f.name, f.line])).toEqual([['outer', lineOf(program, 'LINE_OUTER_AFTER')], ['_start', lineOf(program, 'LINE_START_CALL')]]);
  });

  it('follows a procedure past a label without a dot that only a jump reaches, and past its first call', async () => {
    await stopAt('LINE_INNER');
    for (let hit = 0; hit < 2; hit++) await continueToStop(dc); // outer's call, then twice's first
    expect((await stack()).map((f) => [f.name, f.line])).toEqual([
      ['inner', lineOf(program, 'LINE_INNER')], ['twice_positive', lineOf(program, 'LINE_TWICE_SECOND')], ['_start', lineOf(program, 'LINE_START_TWICE')],
    ]);
  });

  it('shows the caller after the procedure\'s own pushes, and again after Step Out', async () => {
    await stopAt('LINE_OUTER_BODY');
    expect((await stack()).map((f) => f.name)).toEqual(['outer', '_start']);
    const stepped = stoppedEvent(dc);
    await dc.stepOutRequest({ threadId: 1 });
    await stepped;
    expect((await stack()).map((f) => [f.name, f.line])).toEqual([['_start', lineOf(program, 'LINE_START_CALL') + 1]]);
  });
});

describe.skipIf(!kernelRunsI386())('the Call Stack in a 32-bit NASM program', () => {
  it('shows each caller at its call, with the registers it had there', async () => {
    await expectCallers(fixture('saved32.asm'), 'esi');
  });

  it('steps out of a procedure whose `ret` lies past a label without a dot, to the line after its call', async () => {
    const file = fixture('handwritten.asm');
    await stopAt('LINE_IN_COUNT', file);
    expect((await stack()).map((f) => [f.name, f.line])).toEqual([['count_digits', lineOf(file, 'LINE_IN_COUNT')], ['_start', lineOf(file, 'LINE_CALL')]]);
    const out = stoppedEvent(dc);
    await dc.stepOutRequest({ threadId: 1 });
    await out;
    expect((await stack()).map((f) => [f.name, f.line])).toEqual([['_start', lineOf(file, 'LINE_AFTER_CALL')]]);
    expect((await dc.evaluateRequest({ expression: 'rax', context: 'watch' })).body.result).toBe('5 (0x5)');
  });
});
