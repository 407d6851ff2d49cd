// `equ` constants in the Debug Console, against real nasm and gdb: their value, not "unknown type".
import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { fixture, launchStopped, useDebugClient } from './harness';

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

  it('evaluate in another program, where the equ has no colon', async () => {
    await launchStopped(dc, fixture('steps.asm'));
    expect(await evaluate('textlen')).toBe('5 (0x5)');
  });
});
