// The instructions that enter the kernel, and their machine code.

export type KernelEntryMnemonic = 'syscall' | 'int 0x80' | 'sysenter';

/** Each is exactly two bytes, so the instruction before a kernel return address starts at IP − 2. */
export const KERNEL_ENTRY_INSTRUCTIONS: ReadonlyArray<{ mnemonic: KernelEntryMnemonic; bytes: readonly [number, number] }> = [
  { mnemonic: 'syscall', bytes: [0x0f, 0x05] },
  { mnemonic: 'int 0x80', bytes: [0xcd, 0x80] },
  { mnemonic: 'sysenter', bytes: [0x0f, 0x34] },
];

export const KERNEL_ENTRY_LENGTH = 2;

/** The kernel-entry instruction these bytes start with, if any. */
export function kernelEntryAt(bytes: Uint8Array | undefined): KernelEntryMnemonic | undefined {
  if (!bytes || bytes.length < KERNEL_ENTRY_LENGTH) return undefined;
  return KERNEL_ENTRY_INSTRUCTIONS.find(({ bytes: [a, b] }) => bytes[0] === a && bytes[1] === b)?.mnemonic;
}
