// Disassembly windows for the disassemble request. x86 instructions are 1 to 15 bytes long, so a
// window that starts before a known address cannot be found by subtracting a guess: decoding must start
// at a real instruction boundary. Line-table rows and symbol starts are such boundaries.
import * as data from './mi/data';
import { listLines } from './mi/breakpoint';
import type { Gdb } from './mi/gdb';
import { list, str, tuple } from './mi/parser';

export interface WindowInstruction {
  address: bigint;
  bytes: string;
  text: string;
  symbol?: string;
  file?: string;
  line?: number;
  /** No instruction could be decoded here (unreadable memory). */
  invalid?: boolean;
}

const MAX_INSTRUCTION_LENGTH = 15n;

export class Disassembler {
  private anchors: bigint[] | undefined;

  constructor(private readonly gdb: Gdb) {}

  /** Sorted instruction boundaries known from the line tables of every source file. */
  private async knownBoundaries(): Promise<bigint[]> {
    if (this.anchors) return this.anchors;
    const reply = await this.gdb.send('-file-list-exec-source-files').catch(() => ({}));
    const addresses = new Set<bigint>();
    for (const item of list((reply as Record<string, never>).files)) {
      const file = str(tuple(item)?.fullname);
      if (!file) continue;
      for (const row of await listLines(this.gdb, file).catch(() => [])) addresses.add(row.address);
    }
    this.anchors = [...addresses].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.anchors;
  }

  /** The start of the symbol containing `address` (`info symbol` prints `name + offset in section`). */
  private async symbolStart(address: bigint): Promise<bigint | undefined> {
    const text = await this.gdb.cli(`info symbol 0x${address.toString(16)}`).catch(() => '');
    const match = /^\S+(?: \+ (\d+))? in section/m.exec(text);
    return match ? address - BigInt(match[1] ?? 0) : undefined;
  }

  /** A boundary at or before `address`, as close as we know. */
  private async boundaryBefore(address: bigint): Promise<bigint> {
    const anchors = await this.knownBoundaries();
    let best: bigint | undefined;
    for (const a of anchors) if (a <= address) best = a;
    const symbol = await this.symbolStart(address);
    if (symbol !== undefined && (best === undefined || symbol > best)) best = symbol;
    return best ?? address;
  }

  /** `count` instructions starting `offset` instructions away from `address` (negative: before). */
  async window(address: bigint, offset: number, count: number): Promise<WindowInstruction[]> {
    const before = offset < 0 ? BigInt(-offset) : 0n;
    const lookback = address > before * MAX_INSTRUCTION_LENGTH ? address - before * MAX_INSTRUCTION_LENGTH : 0n;
    const start = before > 0n ? await this.boundaryBefore(lookback) : address;
    const end = address + BigInt(Math.max(0, offset + count) + 1) * MAX_INSTRUCTION_LENGTH;
    const decoded = await this.decode(start, end);
    let index = decoded.findIndex((insn) => insn.address >= address);
    if (index < 0) index = decoded.length;
    const out: WindowInstruction[] = [];
    for (let i = index + offset; out.length < count; i++) {
      if (i >= 0 && i < decoded.length) out.push(decoded[i]!);
      else out.push(invalidAt(i < 0 ? start - BigInt(-i) : (decoded[decoded.length - 1]?.address ?? end) + BigInt(i - decoded.length + 1)));
    }
    return out;
  }

  /** Decodes [start, end); ranges that cross unreadable memory shrink until gdb can read them. */
  private async decode(start: bigint, end: bigint): Promise<WindowInstruction[]> {
    try {
      const insns = await data.disassemble(this.gdb, start, end);
      return insns.map((insn) => ({
        address: insn.address, bytes: insn.bytes, text: insn.text,
        symbol: insn.func ? `${insn.func}+${insn.offset ?? 0}` : undefined, file: insn.file, line: insn.line,
      }));
    } catch {
      return [];
    }
  }
}

function invalidAt(address: bigint): WindowInstruction {
  return { address: address < 0n ? 0n : address, bytes: '', text: '??', invalid: true };
}
