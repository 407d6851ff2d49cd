import { describe, expect, it } from 'vitest';
import { describeSyscallState, readSyscallState, type ProgramReader } from '../../../debug-adapter/syscallStop';

/** A stopped program as data: registers, and memory holding `bytes` at 0x1000. */
function program(registers: Record<string, bigint>, bytes: Uint8Array): ProgramReader {
  return {
    registers: async (names) => new Map(names.map((name) => [name, registers[name] ?? 0n])),
    memory: async (address, count) => (address === 0x1000n ? bytes.subarray(0, count) : new Uint8Array()),
  };
}

describe('string arguments', () => {
  it('ends a C string at its NUL, even when the NUL is the first byte', async () => {
    const empty = program({ rax: 2n, orig_rax: 2n, rdi: 0x1000n }, Uint8Array.from([0, 2, 0, 0x25, 0x61]));
    const state = await readSyscallState(empty, 'x86_64', 'entry');
    expect(state.call).toMatch(/^open\(filename=0x1000 \(""\), /);
  });

  it('shows a const buffer as text at return, as at entry', async () => {
    const text = new TextEncoder().encode('hi\n');
    const registers = { rax: 3n, orig_rax: 1n, rdi: 1n, rsi: 0x1000n, rdx: 3n };
    const entry = await readSyscallState(program(registers, text), 'x86_64', 'entry');
    const ret = await readSyscallState(program(registers, text), 'x86_64', 'return');
    expect(ret.call).toBe(entry.call);
    expect(describeSyscallState(ret)).toMatch(/^write\(fd=1 \(stdout\), buf=0x1000 \("hi", 10\), count=3\) = 3$/);
  });
});
