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

interface LineRow { address: bigint; file: string; line: number }

export class Disassembler {
  private rows: LineRow[] | undefined;

  constructor(private readonly gdb: Gdb) {}

  /** Every line-table row of every source file, sorted; line 0 rows end a sequence. */
  private async lineRows(): Promise<LineRow[]> {
    if (this.rows) return this.rows;
    const reply = await this.gdb.send('-file-list-exec-source-files').catch(() => ({}));
    const rows: LineRow[] = [];
    for (const item of list((reply as Record<string, never>).files)) {
      const file = str(tuple(item)?.fullname);
      if (!file) continue;
      for (const row of await listLines(this.gdb, file, true).catch(() => [])) rows.push({ ...row, file });
    }
    this.rows = rows.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    return this.rows;
  }

  /** The source line of the instruction at `address`, if the line table covers it. */
  private lineAt(rows: LineRow[], address: bigint): LineRow | undefined {
    let found: LineRow | undefined;
    for (const row of rows) {
      if (row.address > address) break;
      found = row;
    }
    return found && found.line > 0 ? found : undefined;
  }

  /** The start of the symbol containing `address` (`info symbol` prints `name + offset in section`). */
  private async symbolStart(address: bigint): Promise<bigint | undefined> {
    const text = await this.gdb.cli(`info symbol 0x${address.toString(16)}`).catch(() => '');
    const match = /^\S+(?: \+ (\d+))? in section/m.exec(text);
    return match ? address - BigInt(match[1] ?? 0) : undefined;
  }

  /**
   * A boundary to start decoding from: the closest known one at or before `wanted`, else the first one
   * between `wanted` and `limit` (the window is then padded), else `wanted` itself.
   */
  private async boundaryNear(wanted: bigint, limit: bigint): Promise<bigint> {
    const rows = await this.lineRows();
    let best: bigint | undefined;
    for (const row of rows) if (row.address <= wanted) best = row.address;
    const symbol = await this.symbolStart(wanted);
    if (symbol !== undefined && (best === undefined || symbol > best)) best = symbol;
    if (best !== undefined) return best;
    const later = rows.find((row) => row.address > wanted && row.address <= limit);
    return later?.address ?? wanted;
  }

  /** `count` instructions starting `offset` instructions away from `address` (negative: before). */
  async window(address: bigint, offset: number, count: number): Promise<WindowInstruction[]> {
    const before = offset < 0 ? BigInt(-offset) : 0n;
    const lookback = address > before * MAX_INSTRUCTION_LENGTH ? address - before * MAX_INSTRUCTION_LENGTH : 0n;
    const start = before > 0n ? await this.boundaryNear(lookback, address) : address;
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

  /** Decodes [start, end) and attaches source lines from the line table. */
  private async decode(start: bigint, end: bigint): Promise<WindowInstruction[]> {
    const rows = await this.lineRows();
    try {
      const insns = await data.disassemble(this.gdb, start, end);
      return insns.map((insn) => {
        const row = this.lineAt(rows, insn.address);
        return {
          address: insn.address, bytes: insn.bytes, text: insn.text,
          symbol: insn.func ? `${insn.func}+${insn.offset ?? 0}` : undefined, file: row?.file, line: row?.line,
        };
      });
    } catch {
      return [];
    }
  }
}

function invalidAt(address: bigint): WindowInstruction {
  return { address: address < 0n ? 0n : address, bytes: '', text: '??', invalid: true };
}
