import { describe, expect, it } from 'vitest';
import manifest from '../../../package.json';
import { CUSTOM_REQUESTS, DEBUG_TYPE, isCustomRequest } from '../../../debug-adapter/protocol';

describe('the client–adapter contract', () => {
  it('is the debugger package.json contributes', () => {
    expect(manifest.contributes.debuggers.map((d: { type: string }) => d.type)).toContain(DEBUG_TYPE);
  });

  it('has a command for each custom request, and no others', () => {
    const commands = manifest.contributes.commands.map((c: { command: string }) => c.command);
    for (const request of CUSTOM_REQUESTS) expect(commands).toContain(`syscallLens.${request}`);
    expect(isCustomRequest('runToNextSyscall')).toBe(true);
    expect(isCustomRequest('launch')).toBe(false);
  });
});
