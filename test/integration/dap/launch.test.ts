import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { bundleAdapter, fixture, launch, lineOf, startClient, stoppedEvent, topFrame } from './harness';

let adapter: string;
let dc: DebugClient;
beforeAll(async () => { adapter = await bundleAdapter(); });
beforeEach(async () => { dc = await startClient(adapter); });
afterEach(async () => { await dc.stop(); });

describe('stop at entry', () => {
  it('builds the .asm and stops on the first instruction of _start', async () => {
    const stopped = stoppedEvent(dc);
    await launch(dc, { program: fixture('hello.asm') });
    expect((await stopped).body.reason).toBe('entry');
    const frame = await topFrame(dc);
    expect(frame.name).toBe('_start');
    expect(frame.source?.path).toBe(fixture('hello.asm'));
    expect(frame.line).toBe(lineOf(fixture('hello.asm'), 'LINE_CALL') - 2);
  });
});
