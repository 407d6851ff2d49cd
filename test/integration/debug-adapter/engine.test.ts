import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import {
  fixture, launch, launchStopped as launchAt, lineOf, programPid, stoppedEvent, topFrame, useDebugClient,
} from './harness';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const launchStopped = (program: string, args: Record<string, unknown> = {}) => launchAt(dc, program, args);

describe('Ctrl+C in the program\'s terminal', () => {
  it('pauses the program (SIGINT stops it in gdb, and is not passed on)', async () => {
    const spin = fixture('spin.asm');
    await launchStopped(spin);
    const pid = await programPid(dc);
    await dc.continueRequest({ threadId: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopped = stoppedEvent(dc);
    process.kill(pid, 'SIGINT');
    const event = await stopped;
    expect(event.body.reason).toBe('pause');
    expect(event.body.description).toBe('Interrupted by Ctrl+C (SIGINT)');
    const again = stoppedEvent(dc);
    await dc.nextRequest({ threadId: 1 });
    expect((await again).body.reason).toBe('step'); // still alive
  });
});

describe('the response to a step', () => {
  it('comes before the step\'s stopped event', async () => {
    await launchStopped(fixture('spin.asm'));
    for (let i = 0; i < 5; i++) {
      const stopped = stoppedEvent(dc);
      const response = await dc.nextRequest({ threadId: 1 });
      expect(response.seq).toBeLessThan((await stopped).seq);
    }
  });

  it('comes while a long step still runs, so the client shows it running and can pause it', async () => {
    const nap = fixture('nap.asm');
    await launchStopped(nap);
    expect((await topFrame(dc)).line).toBe(lineOf(nap, 'LINE_NAP'));
    let hasStopped = false;
    const stopped = stoppedEvent(dc).then((event) => { hasStopped = true; return event; });
    await dc.nextRequest({ threadId: 1 });
    expect(hasStopped).toBe(false); // the program sleeps 1 s in the call
    await stopped;
    expect((await topFrame(dc)).line).toBe(lineOf(nap, 'LINE_AFTER_NAP'));
  });
});

describe('commands sent while the program runs', () => {
  it('sets a breakpoint in a running endless loop, which then stops there', async () => {
    const spin = fixture('spin.asm');
    await launch(dc, { program: spin, stopAtEntry: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopped = stoppedEvent(dc);
    const reply = await dc.setBreakpointsRequest({ source: { path: spin }, breakpoints: [{ line: lineOf(spin, 'LINE_SPIN') }] });
    expect(reply.body.breakpoints[0]!.verified).toBe(true);
    expect((await stopped).body.reason).toBe('breakpoint');
    expect((await topFrame(dc)).line).toBe(lineOf(spin, 'LINE_SPIN'));
  });
});
