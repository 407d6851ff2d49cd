// Where machine code refers to an address: calls, jumps and rip-relative operands, found by their
// encodings at every byte offset rather than by decoding instruction by instruction. A stray match
// only adds a reference that is not there (callers then see "reached from elsewhere" and claim
// nothing); a real reference in these encodings is never missed.

export type ReferenceKind = 'call' | 'jump' | 'address';

export interface CodeReference {
  /** Address of the referring instruction's opcode (for relocations: the relocated word). */
  from: number;
  to: number;
  /**
   * `call`: a direct call, or `call *slot(%rip)` (then `to` is the slot); `jump`: jmp/jcc, also
   * through a slot; `address`: the address is taken (lea, a load from it, a pointer in data).
   */
  kind: ReferenceKind;
}

/** References sorted by target, for "who refers into [start, end)". */
export class ReferenceIndex {
  private readonly sorted: CodeReference[];

  constructor(references: CodeReference[]) {
    this.sorted = [...references].sort((a, b) => a.to - b.to);
  }

  get size(): number {
    return this.sorted.length;
  }

  /** References whose target lies in [start, end). */
  into(start: number, end: number): CodeReference[] {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.sorted[mid]!.to < start) low = mid + 1;
      else high = mid;
    }
    const found: CodeReference[] = [];
    for (let i = low; i < this.sorted.length && this.sorted[i]!.to < end; i++) found.push(this.sorted[i]!);
    return found;
  }
}

const rel32 = (bytes: Buffer, at: number) => bytes.readInt32LE(at);

/**
 * The references in `bytes` (code loaded at `base`). x86-64 encodings, each ending in its 32-bit
 * displacement (so the target is the displacement's end plus its value):
 * E8 call, E9 jmp, 0F 80–8F jcc, FF /2 and FF /4 with a rip-relative operand (call/jmp through a
 * slot), and [REX] 8B / 8D with a rip-relative operand (load from / address of). Short jumps
 * (EB, 70–7F) reach 128 bytes only; they are kept too.
 */
export function scanCodeReferences(bytes: Buffer, base: number, accept: (to: number) => boolean = () => true): CodeReference[] {
  const found: CodeReference[] = [];
  const references = { push: (reference: CodeReference) => { if (accept(reference.to)) found.push(reference); } };
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const op = bytes[i]!;
    if ((op === 0xe8 || op === 0xe9) && i + 5 <= length) {
      references.push({ from: base + i, to: base + i + 5 + rel32(bytes, i + 1), kind: op === 0xe8 ? 'call' : 'jump' });
    } else if (op === 0x0f && i + 6 <= length && (bytes[i + 1]! & 0xf0) === 0x80) {
      references.push({ from: base + i, to: base + i + 6 + rel32(bytes, i + 2), kind: 'jump' });
    } else if ((op === 0xeb || (op & 0xf0) === 0x70) && i + 2 <= length) {
      references.push({ from: base + i, to: base + i + 2 + bytes.readInt8(i + 1), kind: 'jump' });
    } else if (op === 0xff && i + 6 <= length && (bytes[i + 1] === 0x15 || bytes[i + 1] === 0x25)) {
      // ModRM 00 010 101 / 00 100 101: call / jmp through [rip + disp32].
      references.push({ from: base + i, to: base + i + 6 + rel32(bytes, i + 2), kind: bytes[i + 1] === 0x15 ? 'call' : 'jump' });
    } else if ((op === 0x8b || op === 0x8d) && i + 6 <= length && (bytes[i + 1]! & 0xc7) === 0x05) {
      // ModRM mod 00, r/m 101: [rip + disp32]; an optional REX prefix before the opcode changes nothing here.
      const from = i > 0 && (bytes[i - 1]! & 0xf0) === 0x40 ? i - 1 : i;
      references.push({ from: base + from, to: base + i + 6 + rel32(bytes, i + 2), kind: 'address' });
    }
  }
  return found;
}
