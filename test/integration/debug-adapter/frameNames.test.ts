// Frame names at syscall stops, against real gdb: the label that holds the `syscall` instruction
// (pc − 2), even when the instruction ends its section or another label follows it.
import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { continueToStop, fixture, launchStopped, lineOf, useDebugClient } from './harness';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

async function stopAtSyscalls(program: string, condition: string): Promise<void> {
  await launchStopped(dc, program);
  await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition }] });
}

async function frames() {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
}

/** The address of the `syscall` on `line`, from gdb's line table. */
async function syscallAddress(file: string, line: number): Promise<bigint> {
  const reply = await dc.evaluateRequest({ expression: `-exec info line ${file}:${line}`, context: 'repl' });
  return BigInt(/starts at address (0x[0-9a-f]+)/.exec(reply.body.result)![1]!);
}

describe('the exit stop at the end of a section', () => {
  it('is named after the label holding the syscall, not its address', async () => {
    const hello = fixture('hello.asm'); // its exit `syscall` is the last instruction of .text
    await stopAtSyscalls(hello, 'exit');
    expect((await continueToStop(dc)).body.description).toBe('syscall exit(error_code=10)');
    const [top] = await frames();
    expect(top!.name).toBe('_start');
    expect(top!.line).toBe(lineOf(hello, 'LINE_EXIT'));
    expect(BigInt(top!.instructionPointerReference!)).toBe(await syscallAddress(hello, lineOf(hello, 'LINE_EXIT')));
  });
});

describe('a syscall with another label right after it', () => {
  it('names the label before the syscall in the top frame, and the caller below it', async () => {
    const labels = fixture('labels.asm');
    await stopAtSyscalls(labels, 'write, exit');
    for (let round = 0; round < 3; round++) {
      expect((await continueToStop(dc)).body.description).toMatch(/^syscall write\(/);
      const [top, caller] = await frames();
      expect(top!.name).toBe('report'); // not report.done, where pc is
      expect(top!.line).toBe(lineOf(labels, 'LINE_WRITE'));
      expect(caller!.name).toBe('_start · .again');
      expect(caller!.line).toBe(lineOf(labels, 'LINE_CALL'));
    }
    expect((await continueToStop(dc)).body.description).toBe('syscall exit(error_code=0)');
    const [top] = await frames();
    expect(top!.name).toBe('finish');
    expect(top!.line).toBe(lineOf(labels, 'LINE_EXIT'));
  });
});
