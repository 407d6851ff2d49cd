// What the memory view reads. gdb 13's -data-read-memory-bytes fails a whole range that runs from
// mapped memory into unmapped memory ("Unable to read memory"), and one that it does cut short ends a
// byte past the mapping (even a 2-byte read of a mapping's last byte gets 2). A read is therefore cut
// at the end of the process's mapped span holding its start (/proc/PID/maps) before gdb reads it.
import { readFileSync } from 'node:fs';
import type { Gdb } from './mi/gdb';
import * as data from './mi/data';

/** Mappings start and end at page boundaries (x86-64's 4 KiB pages). */
const PAGE = 4096n;

export interface MemoryBlock {
  address: bigint;
  bytes: Buffer;
}

/** The process's mappings from /proc/PID/maps, adjacent ones joined: [start, end) each, in address order. */
export function mappedSpans(maps: string): Array<[bigint, bigint]> {
  const spans: Array<[bigint, bigint]> = [];
  for (const line of maps.split('\n')) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (!range) continue;
    const start = BigInt(`0x${range[1]}`);
    const end = BigInt(`0x${range[2]}`);
    const last = spans[spans.length - 1];
    if (last && last[1] === start) last[1] = end;
    else spans.push([start, end]);
  }
  return spans;
}

/** Up to `count` bytes from `address`: all of them, or those up to the end of its mapped span (none when it is unmapped). */
export async function readMappedMemory(gdb: Gdb, spansNow: () => Array<[bigint, bigint]> | undefined, address: bigint, count: number): Promise<MemoryBlock> {
  const none = { address, bytes: Buffer.alloc(0) };
  // Inside one page a range is all mapped or not at all: gdb's answer is right as it is.
  const spans = count > 0 && address / PAGE === (address + BigInt(count) - 1n) / PAGE ? undefined : spansNow();
  if (spans) {
    const span = spans.find(([start, end]) => start <= address && address < end);
    if (!span) return none;
    if (span[1] - address < BigInt(count)) count = Number(span[1] - address);
  }
  const block = await data.readMemory(gdb, address, count).catch(() => undefined);
  return block && block.address === address ? { address, bytes: block.bytes.subarray(0, count) } : none;
}

/** The mapped spans of process `pid` now; undefined when /proc cannot tell. */
export function spansOf(pid: number): Array<[bigint, bigint]> | undefined {
  try {
    return mappedSpans(readFileSync(`/proc/${pid}/maps`, 'utf8'));
  } catch {
    return undefined;
  }
}
