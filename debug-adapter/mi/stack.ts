// MI stack commands.
import type { Gdb } from './gdb';
import { list, quoteMI, str, tuple, type MITuple } from './parser';

export interface GdbFrame {
  level: number;
  address: bigint;
  /** gdb's symbol: the label before the address, local labels as `_start.loop`. */
  func?: string;
  file?: string;
  fullname?: string;
  line?: number;
}

/**
 * A NASM label as NASM names it. gdb 13 prints some local labels with brackets, `print_num[digit]` for
 * the symbol `print_num.digit` (and others, such as `_start.loop`, as they are).
 */
export function labelName(name: string): string;
export function labelName(name: string | undefined): string | undefined;
export function labelName(name: string | undefined): string | undefined {
  const bracketed = name && /^([A-Za-z_.?$@#~][\w.?$@#~]*)\[([A-Za-z_?$@#~][\w.?$@#~]*)\]$/.exec(name);
  return bracketed ? `${bracketed[1]}.${bracketed[2]}` : name;
}

export function toFrame(frame: MITuple): GdbFrame {
  const line = str(frame.line);
  return {
    level: Number(str(frame.level) ?? 0),
    address: BigInt(str(frame.addr) ?? '0'),
    func: str(frame.func) === '??' ? undefined : labelName(str(frame.func)),
    file: str(frame.file), fullname: str(frame.fullname),
    line: line ? Number(line) : undefined,
  };
}

export async function listFrames(gdb: Gdb, maxDepth = 64): Promise<GdbFrame[]> {
  const reply = await gdb.send(`-stack-list-frames 0 ${maxDepth - 1}`);
  return list(reply.stack).map(tuple).filter((f): f is MITuple => !!f).map(toFrame);
}

export async function selectFrame(gdb: Gdb, level: number): Promise<void> {
  await gdb.send(`-stack-select-frame ${level}`);
}

/**
 * The label at or before `address` within its section (`_start`, `_start.loop`), from gdb's symbol
 * table; undefined outside every section or without symbols.
 */
export async function symbolAt(gdb: Gdb, address: bigint): Promise<string | undefined> {
  const text = await gdb.cli(`info symbol 0x${address.toString(16)}`).catch(() => '');
  return labelName(/^(.+?)(?: \+ \d+)? in section \S+/m.exec(text)?.[1]);
}

/**
 * Whether the program has a function named exactly `name` (a plain identifier), with or without debug
 * information. Asked as a symbol search, which answers "none" quietly: `info address` reports a missing
 * name as an error that reaches the Debug Console (every assembly program has no `main`), and in a Rust
 * program `&main` is no expression gdb can evaluate.
 */
export async function hasFunction(gdb: Gdb, name: string): Promise<boolean> {
  const result = await gdb.send(`-symbol-info-functions --include-nondebug --name ${quoteMI(`^${name}$`)}`).catch(() => undefined);
  const found = tuple(result?.symbols);
  return list(found?.nondebug).length > 0 || list(found?.debug).some((file) => list(tuple(file)?.symbols).length > 0);
}

export interface GdbThread {
  id: string;
  /** `Thread 0x7ffff7d8a740 (LWP 4321)`, or `process 4321` for a program of one thread. */
  targetId: string;
  /** The thread's name (its comm), when gdb knows it. */
  name?: string;
}

/** The program's threads, in gdb's numbering. */
export async function listThreads(gdb: Gdb): Promise<GdbThread[]> {
  const reply = await gdb.send('-thread-info');
  return list(reply.threads).map(tuple).filter((t): t is MITuple => !!t).map((t) => ({
    id: str(t.id) ?? '', targetId: str(t['target-id']) ?? '', name: str(t.name),
  })).filter((t) => t.id !== '');
}

export interface GdbVariable {
  name: string;
  type?: string;
  value?: string;
  argument: boolean;
}

/** Arguments and locals of a frame, from its DWARF (C programs; NASM code has none). */
export async function listVariables(gdb: Gdb, level: number): Promise<GdbVariable[]> {
  const reply = await gdb.send(`-stack-list-variables --thread ${gdb.selectedThread} --frame ${level} --simple-values`);
  return list(reply.variables).map(tuple).filter((v): v is MITuple => !!v).map((v) => ({
    name: str(v.name) ?? '', type: str(v.type), value: str(v.value), argument: str(v.arg) === '1',
  }));
}
