// `equ` constants in the Debug Console, against real nasm and gdb: their value, not "unknown type".
import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { fixture, launchStopped, lineOf, useDebugClient } from './harness';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const evaluate = async (expression: string) => (await dc.evaluateRequest({ expression, context: 'repl' })).body.result;

describe('equ constants', () => {
  it('evaluate to their value, while labels keep their typed data and unknown names stay errors', async () => {
    await launchStopped(dc, fixture('hello.asm'));
    expect(await evaluate('msglen')).toBe('14 (0xe)'); // msglen: equ $ - msg
    expect(await evaluate('msg')).toMatch(/"Hello, world!"/);
    expect(await evaluate('_start')).toMatch(/0x[0-9a-f]+ <_start>/);
    await expect(evaluate('nosuchthing')).rejects.toThrow(/No symbol "nosuchthing"/);
  });

  it('are signed, and take part in expressions, memory operands included', async () => {
    const program = fixture('constants.asm');
    await launchStopped(dc, program);
    expect(await evaluate('EOF_MARK')).toBe('-1 (0xffffffffffffffff)');
    expect(await evaluate('FRAME')).toBe('-16 (0xfffffffffffffff0)');
    expect(await evaluate('SCALE')).toBe('8 (0x8)');
    expect(await evaluate('BUFSIZE*2')).toBe('128');
    expect(await evaluate('BUFSIZE / SCALE + EOF_MARK')).toBe('7');
    for (let i = 0; i < 2; i++) {
      const stepped = dc.waitForEvent('stopped'); // before the request: the stop may come with its response
      await dc.nextRequest({ threadId: 1 });
      await stepped;
    }
    expect(await evaluate('qword [rsp+FRAME]')).toBe('7');
    await expect(evaluate('BUFSIZE + nosuchthing')).rejects.toThrow(/No symbol "nosuchthing"/);
  });

  it('work in a breakpoint condition, which gdb reads at every hit', async () => {
    const program = fixture('constants.asm');
    await launchStopped(dc, program);
    const set = await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: lineOf(program, 'LINE_ROUND'), condition: 'ecx == SCALE + EOF_MARK - 4' }] });
    expect(set.body.breakpoints[0]!.verified).toBe(true);
    const stopped = dc.waitForEvent('stopped');
    await dc.continueRequest({ threadId: 1 });
    await stopped;
    expect(await evaluate('ecx')).toBe('3 (0x3)');
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    await exited; // no other round stopped
  });

  it('evaluate in another program, where the equ has no colon', async () => {
    await launchStopped(dc, fixture('steps.asm'));
    expect(await evaluate('textlen')).toBe('5 (0x5)');
  });
});
