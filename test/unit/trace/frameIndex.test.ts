import { describe, expect, it } from 'vitest';
import { frameHeader, frameRecords, withFrameIndex } from '../../../trace/frameIndex';

/** A CIE with augmentation "zR" (FDE starts pcrel|sdata4), as gcc writes them, then FDEs. */
function ehFrame(address: number, starts: number[]): Buffer {
  const cie = Buffer.from([
    0x14, 0, 0, 0, 0, 0, 0, 0, // length 20, CIE id 0
    1, 0x7a, 0x52, 0, // version 1, "zR"
    0x01, 0x78, 0x10, // code align 1, data align -8, return address r16
    0x01, 0x1b, // augmentation data: 1 byte, DW_EH_PE_pcrel|sdata4
    0x0c, 0x07, 0x08, 0x90, 0x01, 0, 0, // def_cfa rsp+8, offset r16, padding
  ]);
  const parts = [cie];
  let at = cie.length;
  for (const start of starts) {
    const fde = Buffer.alloc(20);
    fde.writeUInt32LE(16, 0);
    fde.writeUInt32LE(at + 4, 4); // back to the CIE at 0
    fde.writeInt32LE(start - (address + at + 8), 8);
    fde.writeUInt32LE(0x10, 12);
    parts.push(fde);
    at += fde.length;
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

describe('the unwind search table of a program linked without one', () => {
  it('reads each FDE\'s start through its CIE\'s pointer encoding', () => {
    const address = 0x479100;
    expect(frameRecords(ehFrame(address, [0x401200, 0x401000]), address)).toEqual([
      { start: 0x401200, record: address + 24 },
      { start: 0x401000, record: address + 44 },
    ]);
  });

  it('refuses what it does not follow (64-bit lengths, eh augmentations)', () => {
    const long = Buffer.alloc(16);
    long.writeUInt32LE(0xffffffff, 0);
    expect(frameRecords(long, 0x1000)).toBeUndefined();
    const old = ehFrame(0x1000, [0x2000]);
    old.write('eh', 9, 'latin1');
    expect(frameRecords(old, 0x1000)).toBeUndefined();
  });

  it('writes the header ld writes: version 1, .eh_frame pcrel, a count, then sorted datarel pairs', () => {
    const header = frameHeader([{ start: 0x401200, record: 0x479130 }, { start: 0x401000, record: 0x479118 }], 0x3fc000, 0x479100);
    expect([...header.subarray(0, 4)]).toEqual([1, 0x1b, 0x03, 0x3b]);
    expect(header.readInt32LE(4)).toBe(0x479100 - 0x3fc004);
    expect(header.readUInt32LE(8)).toBe(2);
    expect([header.readInt32LE(12), header.readInt32LE(16), header.readInt32LE(20), header.readInt32LE(24)])
      .toEqual([0x401000 - 0x3fc000, 0x479118 - 0x3fc000, 0x401200 - 0x3fc000, 0x479130 - 0x3fc000]);
  });

  it('leaves alone what is not an ELF program', () => {
    expect(withFrameIndex(Buffer.from('#!/bin/sh\necho hi\n'))).toBeUndefined();
  });
});
