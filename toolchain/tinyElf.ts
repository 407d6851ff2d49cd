// The smallest x86-64 program the kernel runs: an ELF header, one PT_LOAD program header mapping
// the whole file at a fixed address, then the program's bytes, where it starts. The probes and
// helpers we write ourselves (no assembler on the way) are built this way.

/** Where the body starts in the file and in memory, after the ELF header and the program header. */
export const TINY_ELF_BODY_OFFSET = 64 + 56;

/** PT_LOAD permission bits. */
export const SEGMENT_EXECUTE = 1, SEGMENT_WRITE = 2, SEGMENT_READ = 4;

/** An ET_EXEC program mapped at `base` (page-aligned) whose entry point is the first byte of `body`. */
export function tinyElfProgram(base: number, body: Buffer, permissions: number): Buffer {
  const file = Buffer.alloc(TINY_ELF_BODY_OFFSET + body.length);
  file.set([0x7f, 0x45, 0x4c, 0x46, 2 /* ELFCLASS64 */, 1 /* little-endian */, 1 /* EV_CURRENT */], 0);
  file.writeUInt16LE(2, 16); // ET_EXEC
  file.writeUInt16LE(62, 18); // EM_X86_64
  file.writeUInt32LE(1, 20);
  file.writeBigUInt64LE(BigInt(base + TINY_ELF_BODY_OFFSET), 24); // e_entry
  file.writeBigUInt64LE(64n, 32); // e_phoff
  file.writeUInt16LE(64, 52); // e_ehsize
  file.writeUInt16LE(56, 54); // e_phentsize
  file.writeUInt16LE(1, 56); // e_phnum
  file.writeUInt32LE(1, 64); // PT_LOAD
  file.writeUInt32LE(permissions, 68);
  file.writeBigUInt64LE(0n, 72); // p_offset
  file.writeBigUInt64LE(BigInt(base), 80); // p_vaddr
  file.writeBigUInt64LE(BigInt(base), 88); // p_paddr
  file.writeBigUInt64LE(BigInt(file.length), 96); // p_filesz
  file.writeBigUInt64LE(BigInt(file.length), 104); // p_memsz
  file.writeBigUInt64LE(0x1000n, 112); // p_align
  body.copy(file, TINY_ELF_BODY_OFFSET);
  return file;
}
