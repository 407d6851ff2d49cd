import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import {
  buildDirectory, fixture, lineOf, scopeVariables, stoppedEvent, useDebugClient,
} from './harness';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

describe('C programs', () => {
  it('shows arguments and locals typed by gdb in a Locals scope', async () => {
    const source = fixture('locals.c');
    const stopped = stoppedEvent(dc);
    const configured = dc.waitForEvent('initialized').then(async () => {
      await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: lineOf(source, 'LINE_SUM') }] });
      await dc.configurationDoneRequest();
    });
    await Promise.all([configured, dc.launch({ program: source, terminal: 'none', buildDirectory: buildDirectory() })]);
    await stopped;
    const stepped = stoppedEvent(dc);
    await dc.nextRequest({ threadId: 1 });
    await stepped;
    const locals = await scopeVariables(dc, 'Locals');
    expect(locals.map((v) => [v.name, v.value])).toEqual(expect.arrayContaining([['a', '40'], ['b', '2'], ['sum', '42']]));
    expect(locals.find((v) => v.name === 'sum')?.type).toBe('long');
  });
});
