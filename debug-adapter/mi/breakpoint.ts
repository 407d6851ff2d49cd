// MI breakpoint commands: line, function, instruction and data breakpoints, logpoints, syscall catchpoints.
import type { Gdb } from './gdb';
import { list, quoteMI, str, tuple, type MITuple } from './parser';
import { loadPythonFile } from './record';

export interface GdbBreakpoint {
  number: string;
  /** Address gdb chose, absent while pending. */
  address?: bigint;
  file?: string;
  fullname?: string;
  /** The line gdb really chose: a breakpoint on a comment or data line slides to the next code line. */
  line?: number;
  /** Every address gdb placed it at (several for a line of several functions). */
  addresses: bigint[];
  pending: boolean;
  hits: number;
}

export interface BreakOptions {
  temporary?: boolean;
  condition?: string;
  ignoreCount?: number;
}

export function toBreakpoint(bkpt: MITuple): GdbBreakpoint {
  // A breakpoint with several locations (MI3 `locations=[...]`) reports the first one.
  const locations = list(bkpt.locations).map(tuple).filter((l): l is MITuple => !!l);
  const where = locations[0] ?? bkpt;
  const addressOf = (place: MITuple) => {
    const addr = str(place.addr);
    return addr && /^0x[0-9a-f]+$/i.test(addr) ? BigInt(addr) : undefined;
  };
  const line = str(where.line);
  return {
    number: str(bkpt.number) ?? '',
    address: addressOf(where),
    addresses: (locations.length > 0 ? locations : [bkpt]).map(addressOf).filter((a): a is bigint => a !== undefined),
    file: str(where.file), fullname: str(where.fullname),
    line: line ? Number(line) : undefined,
    pending: str(bkpt.addr) === '<PENDING>' || str(bkpt.pending) !== undefined,
    hits: Number(str(bkpt.times) ?? 0),
  };
}

function optionFlags(options: BreakOptions): string {
  const flags: string[] = [];
  if (options.temporary) flags.push('-t');
  if (options.condition) flags.push('-c', quoteMI(options.condition));
  if (options.ignoreCount) flags.push('-i', String(options.ignoreCount));
  return flags.join(' ');
}

/** `location` is `file:line`, a label, or `*address`. */
export async function insertBreakpoint(gdb: Gdb, location: string, options: BreakOptions = {}): Promise<GdbBreakpoint> {
  const reply = await gdb.send(`-break-insert ${optionFlags(options)} ${quoteMI(location)}`);
  return toBreakpoint(tuple(reply.bkpt) ?? {});
}

/** gdbs that loaded logpoint.py, and the numbers of their logpoints (listed as type `logpoint`). */
const logpointsOf = new WeakMap<Gdb, Set<string>>();

/**
 * A logpoint (logpoint.py, loaded from `script` on first use): prints `marker` and the message's parts
 * on gdb's console stream and continues, whatever its expressions do.
 */
export async function insertLogpoint(
  gdb: Gdb, script: string, location: string, marker: string, parts: ReadonlyArray<readonly [string, string | null]>, options: BreakOptions = {},
): Promise<GdbBreakpoint> {
  let numbers = logpointsOf.get(gdb);
  if (!numbers) {
    await gdb.send(`-interpreter-exec console ${quoteMI(`python ${loadPythonFile(script)}`)}`);
    logpointsOf.set(gdb, numbers = new Set());
  }
  const request = { location, marker, parts, condition: options.condition, ignore: options.ignoreCount };
  const text = await gdb.cli(`syscall-lens-logpoint ${JSON.stringify(request)}`);
  const number = String((JSON.parse(text.split('\n').find((line) => line.startsWith('{')) ?? '{}') as { number?: number }).number ?? '');
  if (!number) throw new Error(`gdb did not place the logpoint: ${text.trim()}`);
  numbers.add(number);
  const reply = await gdb.send(`-break-info ${number}`);
  const row = list(tuple(reply.BreakpointTable)?.body).map(tuple).find((b): b is MITuple => !!b);
  return toBreakpoint(row ?? { number });
}

export async function insertWatchpoint(gdb: Gdb, expression: string, access: 'read' | 'write' | 'readWrite'): Promise<string> {
  const flag = access === 'read' ? '-r ' : access === 'readWrite' ? '-a ' : '';
  const reply = await gdb.send(`-break-watch ${flag}${quoteMI(expression)}`);
  const point = tuple(reply.wpt) ?? tuple(reply['hw-rwpt']) ?? tuple(reply['hw-awpt']) ?? {};
  return str(point.number) ?? '';
}

export async function deleteBreakpoints(gdb: Gdb, numbers: readonly string[]): Promise<void> {
  if (numbers.length > 0) await gdb.send(`-break-delete ${numbers.join(' ')}`);
}

/**
 * `catch syscall` with names, numbers or groups (`group:file`). Returns the catchpoint number and the
 * syscall numbers it covers, which gdb prints: "Catchpoint 1 (syscalls 'write' [1] 'read' [0])".
 */
export async function catchSyscalls(gdb: Gdb, filters: readonly string[]): Promise<{ number: string; syscalls: Set<number> | 'all' }> {
  const text = await gdb.cli(`catch syscall ${filters.join(' ')}`.trim());
  const number = /Catchpoint (\d+)/.exec(text)?.[1] ?? '';
  if (/any syscall/.test(text)) return { number, syscalls: 'all' };
  return { number, syscalls: new Set([...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))) };
}

/** Every line of `file` that has code, with its address (the line table); line 0 rows end a sequence. */
export async function listLines(gdb: Gdb, file: string, withEnds = false): Promise<Array<{ line: number; address: bigint }>> {
  const reply = await gdb.send(`-symbol-list-lines ${quoteMI(file)}`);
  return list(reply.lines).map(tuple).filter((row): row is MITuple => !!row)
    .map((row) => ({ line: Number(str(row.line)), address: BigInt(str(row.pc) ?? '0') }))
    .filter((row) => withEnds || row.line > 0);
}

export interface ListedBreakpoint extends GdbBreakpoint {
  /** `breakpoint`, `logpoint` (insertLogpoint's), `hw watchpoint`, `catchpoint`… */
  type: string;
  enabled: boolean;
  condition?: string;
}

/** Every breakpoint, watchpoint, logpoint and catchpoint gdb holds. */
export async function listBreakpoints(gdb: Gdb): Promise<ListedBreakpoint[]> {
  const reply = await gdb.send('-break-list');
  const logpoints = logpointsOf.get(gdb);
  return list(tuple(reply.BreakpointTable)?.body).map(tuple).filter((b): b is MITuple => !!b).map((bkpt) => ({
    ...toBreakpoint(bkpt), enabled: str(bkpt.enabled) === 'y', condition: str(bkpt.cond),
    type: logpoints?.has(str(bkpt.number) ?? '') ? 'logpoint' : str(bkpt.type) ?? '',
  }));
}

export async function enableBreakpoints(gdb: Gdb, numbers: readonly string[], enabled: boolean): Promise<void> {
  if (numbers.length > 0) await gdb.send(`${enabled ? '-break-enable' : '-break-disable'} ${numbers.join(' ')}`);
}
