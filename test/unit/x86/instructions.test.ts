import { describe, expect, it } from 'vitest';
import { KERNEL_ENTRY_LENGTH, kernelEntryAt } from '../../../x86';

describe('kernel-entry instructions', () => {
  it('recognises syscall, int 0x80 and sysenter by their two bytes', () => {
    expect(kernelEntryAt(Buffer.from('0f05', 'hex'))).toBe('syscall');
    expect(kernelEntryAt(Buffer.from('cd80', 'hex'))).toBe('int 0x80');
    expect(kernelEntryAt(Buffer.from('0f34', 'hex'))).toBe('sysenter');
    expect(KERNEL_ENTRY_LENGTH).toBe(2);
  });

  it('rejects other bytes, other interrupts, short and missing reads', () => {
    expect(kernelEntryAt(Buffer.from('cd03', 'hex'))).toBeUndefined();
    expect(kernelEntryAt(Buffer.from('0f', 'hex'))).toBeUndefined();
    expect(kernelEntryAt(Buffer.alloc(0))).toBeUndefined();
    expect(kernelEntryAt(undefined)).toBeUndefined();
  });
});
