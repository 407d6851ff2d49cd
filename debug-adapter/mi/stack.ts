// MI stack commands.
import type { Gdb } from './gdb';
import { list, str, tuple, type MITuple } from './parser';

export interface GdbFrame {
  level: number;
  address: bigint;
  /** gdb's symbol: the label before the address, local labels as `_start.loop`. */
  func?: string;
  file?: string;
  fullname?: string;
  line?: number;
}

export function toFrame(frame: MITuple): GdbFrame {
  const line = str(frame.line);
  return {
    level: Number(str(frame.level) ?? 0),
    address: BigInt(str(frame.addr) ?? '0'),
    func: str(frame.func) === '??' ? undefined : str(frame.func),
    file: str(frame.file), fullname: str(frame.fullname),
    line: line ? Number(line) : undefined,
  };
}

export async function listFrames(gdb: Gdb, maxDepth = 64): Promise<GdbFrame[]> {
  const reply = await gdb.send(`-stack-list-frames 0 ${maxDepth - 1}`);
  return list(reply.stack).map(tuple).filter((f): f is MITuple => !!f).map(toFrame);
}
