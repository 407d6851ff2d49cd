import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import * as path from 'node:path';
import { kernelRunsI386 } from '../../../toolchain/kernel';
import {
  continueToStop, EXAMPLES, children, fixture, launch, launchStopped as launchAt, lineOf, scopeVariables, stoppedEvent, topFrame, useDebugClient,
} from './harness';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const launchStopped = (program: string, args: Record<string, unknown> = {}) => launchAt(dc, program, args);

describe('the Syscall scope', () => {
  it('shows what the syscall instruction under the cursor is about to do', async () => {
    const hello = fixture('hello.asm');
    await launchStopped(hello);
    await dc.setBreakpointsRequest({ source: { path: hello }, breakpoints: [{ line: lineOf(hello, 'SYS_write') + 2 }] });
    await continueToStop(dc);
    const scope = await scopeVariables(dc, 'Syscall');
    expect(scope.find((v) => v.name === 'call')?.value).toMatch(/^write\(fd=1 \(stdout\), buf=0x[0-9a-f]+ \("Hello, world!", 10\), count=14\)$/);
    expect(scope.find((v) => v.name === 'fd')?.type).toMatch(/in rdi$/);
  });

  it('shows a call interrupted by a pause as blocked in it', async () => {
    const wait = fixture('wait.asm');
    await launch(dc, { program: wait, stopAtEntry: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = stoppedEvent(dc);
    await dc.pauseRequest({ threadId: 1 });
    const event = await stopped;
    expect(event.body.reason).toBe('pause');
    expect(event.body.description).toBe('blocked in pause()');
    expect((await topFrame(dc)).line).toBe(lineOf(wait, 'LINE_PAUSE'));
  });

  // Under Step Back's recording gdb single-steps: the pause ends the call's step and leaves its SIGINT queued.
  for (const recording of [false, true]) {
    const mode = recording ? 'recording for Step Back' : 'not recording';
    const pausedInNap = async (condition?: string) => {
      const nap = fixture('nap.asm');
      const ret = lineOf(nap, 'nanosleep') + 4;
      await launchStopped(nap, recording ? {} : { stepBackLimit: 0 });
      await dc.setBreakpointsRequest({ source: { path: nap }, breakpoints: [{ line: ret, ...(condition ? { condition } : {}) }] });
      await dc.continueRequest({ threadId: 1 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const paused = stoppedEvent(dc);
      await dc.pauseRequest({ threadId: 1 });
      const event = await paused;
      expect(event.body.reason).toBe('pause');
      expect(event.body.description).toMatch(/^blocked in nanosleep\(/);
      expect((await topFrame(dc)).line).toBe(lineOf(nap, 'nanosleep') + 3);
      return ret;
    };

    it(`goes on from a pause inside a blocking call to a breakpoint right after it, its condition read after the call (${mode})`, async () => {
      const ret = await pausedInNap('rax == 0');
      const event = await continueToStop(dc);
      expect(event.body.reason).toBe('breakpoint');
      expect((await topFrame(dc)).line).toBe(ret);
      const rax = await dc.evaluateRequest({ expression: 'rax', context: 'watch' });
      expect(rax.body.result).toBe('0 (0x0)'); // the sleep was completed, not cut short
    });

    it(`steps over a blocking call from a pause inside it to the next line, the call completed (${mode})`, async () => {
      const ret = await pausedInNap();
      const stepped = stoppedEvent(dc);
      await dc.nextRequest({ threadId: 1 });
      expect((await stepped).body.reason).toBe('step');
      expect((await topFrame(dc)).line).toBe(ret);
      expect((await dc.evaluateRequest({ expression: 'rax', context: 'watch' })).body.result).toBe('0 (0x0)');
    });
  }

  it('stops only at the syscalls of a group condition', async () => {
    const hello = fixture('hello.asm');
    await launchStopped(hello);
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: '%process' }] });
    const event = await continueToStop(dc);
    expect(event.body.description).toMatch(/^syscall exit\(error_code=10\)$/);
  });
});

describe('syscall results', () => {
  it('decodes a failed call\'s result as an errno, and its path argument as a string', async () => {
    const missing = fixture('missing.asm');
    await launchStopped(missing);
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'open' }, { filterId: 'syscall-return', condition: '2' }] });
    const entry = await continueToStop(dc);
    expect(entry.body.description).toMatch(/^syscall open\(filename=0x[0-9a-f]+ \("\/nonexistent\/file"\), flags=O_RDONLY, mode=/);
    const exit = await continueToStop(dc);
    expect(exit.body.description).toMatch(/^open\(.*\) = -2 ENOENT \(No such file or directory\)$/);
    expect((await topFrame(dc)).line).toBe(lineOf(missing, 'LINE_OPEN'));
    const result = (await scopeVariables(dc, 'Syscall')).find((v) => v.name === 'result');
    expect(result?.value).toBe('-2 ENOENT (No such file or directory)');
  });

  it('rejects a condition naming no syscall, with gdb\'s reason', async () => {
    await launchStopped(fixture('hello.asm'));
    await expect(dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'wrte' }] }))
      .rejects.toThrow(/Unknown syscall name 'wrte'/);
  });
});

describe.skipIf(!kernelRunsI386())('32-bit programs', () => {
  it('decodes int 0x80 syscalls of a 32-bit program with the i386 convention', async () => {
    const hello32 = path.join(EXAMPLES, 'hello32.asm');
    await launchStopped(hello32);
    await dc.setExceptionBreakpointsRequest({ filters: ['syscall-entry'] });
    const event = await continueToStop(dc);
    expect(event.body.description).toMatch(/^syscall write\(fd=1 \(stdout\), buf=0x[0-9a-f]+ \("Hello, world!", 10\), count=14\)$/);
    const general = (await scopeVariables(dc, 'Registers')).find((v) => v.name === 'General purpose')!;
    expect((await children(dc, general)).map((v) => v.name).slice(0, 4)).toEqual(['eax', 'ebx', 'ecx', 'edx']);
    expect((await topFrame(dc)).line).toBe(lineOf(hello32, 'write(fd, buf, count)') + 4);
  });
});
