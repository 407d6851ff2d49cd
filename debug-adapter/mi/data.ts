// MI data commands: expressions, registers, memory and disassembly.
import type { Gdb } from './gdb';
import { list, quoteMI, str, tuple, type MITuple } from './parser';
import { labelName } from './stack';

export async function evaluate(gdb: Gdb, expression: string, frame?: number): Promise<string> {
  // In a frame other than the selected one (a watch or hover in the caller the editor shows), without
  // selecting it: gdb's own selection stays where the stop left it.
  const where = frame === undefined ? '' : `--thread ${gdb.selectedThread} --frame ${frame} `;
  const reply = await gdb.send(`-data-evaluate-expression ${where}${quoteMI(expression)}`);
  return str(reply.value) ?? '';
}

/** Evaluates an integer expression (a register, `$pc - 2`, a label's address) as an unsigned 64-bit value. */
export async function evaluateInteger(gdb: Gdb, expression: string): Promise<bigint> {
  const text = await evaluate(gdb, `(unsigned long long)(${expression})`);
  return BigInt(text.split(' ')[0]!);
}

/** Register names by number; gdb leaves gaps (empty names) in the list. */
export async function registerNames(gdb: Gdb): Promise<string[]> {
  const reply = await gdb.send('-data-list-register-names');
  return list(reply['register-names']).map((name) => str(name) ?? '');
}

/** Register values in hex (`x`) or natural (`N`) format, by register number. */
export async function registerValues(gdb: Gdb, format: 'x' | 'N', numbers?: readonly number[]): Promise<Map<number, string>> {
  const reply = await gdb.send(`-data-list-register-values --skip-unavailable ${format}${numbers ? ' ' + numbers.join(' ') : ''}`);
  const values = new Map<number, string>();
  for (const item of list(reply['register-values'])) {
    const entry = tuple(item);
    if (entry) values.set(Number(str(entry.number)), str(entry.value) ?? '');
  }
  return values;
}

export async function readMemory(gdb: Gdb, address: bigint, count: number): Promise<{ address: bigint; bytes: Buffer }> {
  const reply = await gdb.send(`-data-read-memory-bytes 0x${address.toString(16)} ${count}`);
  const block = tuple(list(reply.memory)[0]);
  if (!block) return { address, bytes: Buffer.alloc(0) };
  return { address: BigInt(str(block.begin) ?? '0'), bytes: Buffer.from(str(block.contents) ?? '', 'hex') };
}

export async function writeMemory(gdb: Gdb, address: bigint, bytes: Buffer): Promise<void> {
  if (bytes.length === 0) return;
  await gdb.send(`-data-write-memory-bytes 0x${address.toString(16)} ${bytes.toString('hex')}`);
}

export interface GdbInstruction {
  address: bigint;
  func?: string;
  offset?: number;
  bytes: string;
  text: string;
}

/** Disassembles [start, end) with opcodes (mode 2), in gdb's configured (Intel) flavor. */
export async function disassemble(gdb: Gdb, start: bigint, end: bigint): Promise<GdbInstruction[]> {
  const reply = await gdb.send(`-data-disassemble -s 0x${start.toString(16)} -e 0x${end.toString(16)} -- 2`);
  return list(reply.asm_insns).map(tuple).filter((i): i is MITuple => !!i).map(toInstruction);
}

function toInstruction(insn: MITuple): GdbInstruction {
  const offset = str(insn.offset);
  return {
    address: BigInt(str(insn.address) ?? '0'),
    func: labelName(str(insn['func-name'])), offset: offset ? Number(offset) : undefined,
    bytes: str(insn.opcodes) ?? '', text: str(insn.inst) ?? '',
  };
}

export async function setRegister(gdb: Gdb, name: string, value: string): Promise<void> {
  await evaluate(gdb, `$${name} = ${value}`);
}

/** The source line holding `address`, from gdb's line table (mixed source-and-disassembly mode). */
export async function sourceAt(gdb: Gdb, address: bigint): Promise<{ file?: string; fullname?: string; line: number } | undefined> {
  const reply = await gdb.send(`-data-disassemble -s 0x${address.toString(16)} -e 0x${(address + 1n).toString(16)} -- 4`);
  for (const item of list(reply.asm_insns)) {
    const row = tuple(item);
    const line = Number(str(row?.line));
    if (row && line > 0) return { file: str(row.file), fullname: str(row.fullname), line };
  }
  return undefined;
}

/** The address range [start, end) of the line-table row holding an address, from `info line *ADDRESS`. */
export interface LineRange { start: bigint; end: bigint }

export function parseLineRange(text: string): LineRange | undefined {
  // `Line 11 of "x.asm" starts at address 0x401017 <_start+23> and ends at 0x401021 <_start+33>.`
  const match = /starts at address (0x[0-9a-f]+)\b[^]*?\band ends at (0x[0-9a-f]+)/i.exec(text);
  return match ? { start: BigInt(match[1]!), end: BigInt(match[2]!) } : undefined;
}

export async function lineRangeAt(gdb: Gdb, address: bigint): Promise<LineRange | undefined> {
  return parseLineRange(await gdb.cli(`info line *0x${address.toString(16)}`).catch(() => ''));
}

/** Bytes of a disassembled instruction (`opcodes="e8 0f 00 00 00"`). */
export const instructionLength = (insn: GdbInstruction): number => insn.bytes.split(' ').filter(Boolean).length;

/**
 * The `call` instruction that ends at `address` (a return address): the last instruction of the line
 * before it, decoded from that line's start; without line information, the one start before it that
 * decodes as a single call (5 bytes first, e8 rel32; longer forms before shorter, so a REX prefix counts).
 */
export async function callEndingAt(gdb: Gdb, address: bigint): Promise<bigint | undefined> {
  const isCallTo = (insn: GdbInstruction | undefined) => !!insn && /^call/.test(insn.text) && insn.address + BigInt(instructionLength(insn)) === address;
  const line = await lineRangeAt(gdb, address - 1n);
  if (line && line.start < address && address - line.start <= 4096n) {
    const insns = await disassemble(gdb, line.start, address).catch(() => []);
    if (isCallTo(insns.at(-1))) return insns.at(-1)!.address;
  }
  for (const length of [5n, 7n, 6n, 3n, 4n, 2n, 8n, 9n, 10n, 11n, 12n, 13n, 14n, 15n]) {
    if (length > address) continue;
    const insns = await disassemble(gdb, address - length, address).catch(() => []);
    if (insns.length === 1 && isCallTo(insns[0])) return insns[0]!.address;
  }
  return undefined;
}
