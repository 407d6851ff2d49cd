// Decodes the system call a stopped program is making, from its registers, through the syscall database.
import {
  CALLING_CONVENTIONS, decodeResult, formatCall, lookupSyscall, type Abi, type SyscallInfo,
} from '../syscalls';
import { renderBytes } from '../nasm/byteString';
import { toSigned } from '../x86';

export type SyscallPhase =
  /** Stopped on the `syscall` instruction itself: what it is about to do. */
  | 'instruction'
  /** `catch syscall` stop on entry: the kernel has the arguments, nothing happened yet. */
  | 'entry'
  /** `catch syscall` stop on return: rax holds the result. */
  | 'return'
  /** Interrupted while the kernel was blocked in the call. */
  | 'blocked';

export interface SyscallArgument {
  name: string;
  type: string;
  register: string;
  value: bigint;
  text: string;
}

export interface SyscallState {
  phase: SyscallPhase;
  abi: Abi;
  number: number;
  syscall?: SyscallInfo;
  arguments: SyscallArgument[];
  /** `write(fd=1 (stdout), buf=0x402000 "hello\n", count=6)` */
  call: string;
  /** At return: `14` or `-2 ENOENT (No such file or directory)`. */
  result?: string;
}

/** What the decoder needs from the stopped program. */
export interface ProgramReader {
  /** Registers by name (rax, orig_rax, rdi…), as unsigned values. */
  registers(names: string[]): Promise<Map<string, bigint>>;
  /** Up to `count` bytes at `address`; fewer (or none) where memory is unreadable. */
  memory(address: bigint, count: number): Promise<Uint8Array>;
}

const STRING_PREVIEW = 64;

/** Pointers the kernel reads from: `const char *` strings and `const void *` buffers. */
function readsMemory(type: string): boolean {
  return /\bconst\b.*\*/.test(type) && /\b(char|void)\b/.test(type);
}

/** The length argument that goes with a buffer (`count` for write's `buf`). */
function lengthArgument(syscall: SyscallInfo, values: bigint[], index: number): number | undefined {
  const next = syscall.params[index + 1];
  if (next && /^(count|len|size|nbytes|length)$/.test(next.name)) return Number(values[index + 1]! & 0xffffffffn);
  return undefined;
}

async function describePointer(reader: ProgramReader, address: bigint, length: number | undefined): Promise<string> {
  const hex = `0x${address.toString(16)}`;
  if (address === 0n) return 'NULL';
  const bytes = await reader.memory(address, Math.min(length ?? STRING_PREVIEW, STRING_PREVIEW)).catch(() => new Uint8Array());
  if (bytes.length === 0) return hex;
  // A C string ends at its NUL, which may be the first byte (an empty path).
  const nul = bytes.indexOf(0);
  const shown = length === undefined && nul >= 0 ? bytes.subarray(0, nul) : bytes;
  const truncated = (length ?? Infinity) > shown.length && (length !== undefined || nul < 0);
  // In parentheses: the bytes' own commas (`"hi", 10`) must not read as the call's.
  return `${hex} (${renderBytes(shown, { truncated })})`;
}

export async function readSyscallState(reader: ProgramReader, abi: Abi, phase: SyscallPhase): Promise<SyscallState> {
  const convention = CALLING_CONVENTIONS[abi];
  const numberRegister = convention.numberRegister;
  // The kernel keeps the call number in orig_rax; rax is overwritten (-ENOSYS at entry, the result at return).
  const origRegister = `orig_${numberRegister}`;
  const names = [numberRegister, origRegister, ...convention.argumentRegisters];
  const regs = await reader.registers(names);
  const number = Number(toSigned(regs.get(phase === 'instruction' ? numberRegister : origRegister) ?? 0n, 64));
  const lookup = lookupSyscall(abi, number);
  const syscall = lookup.known ? lookup.syscall : undefined;
  const values = convention.argumentRegisters.map((r) => regs.get(r) ?? 0n);
  const args: SyscallArgument[] = [];
  const callArgs: Array<{ value?: bigint; text?: string }> = [];
  const params = syscall?.params ?? [];
  for (let i = 0; i < params.length; i++) {
    const param = params[i]!;
    const value = values[i]!;
    // `const` buffers are input the call does not change: shown alike at entry and at return.
    const text = readsMemory(param.type)
      ? await describePointer(reader, value, syscall ? lengthArgument(syscall, values, i) : undefined)
      : undefined;
    callArgs.push(text === undefined ? { value } : { value, text });
    args.push({ name: param.name, type: param.type, register: convention.argumentRegisters[i]!, value, text: text ?? '' });
  }
  const call = syscall ? formatCall(syscall, callArgs) : lookup.known ? '' : `${lookup.message}`;
  const state: SyscallState = { phase, abi, number, syscall, arguments: args, call };
  if (phase === 'return') state.result = decodeResult(syscall, toSigned(regs.get(numberRegister) ?? 0n, 64)).text;
  return state;
}

/** rax after an interrupted blocking call: -ERESTARTSYS…-ERESTART_RESTARTBLOCK (-512…-516). */
export function isInterruptedCall(rax: bigint): boolean {
  const v = toSigned(rax, 64);
  return v <= -512n && v >= -516n;
}

/** The one-line description of a syscall stop. */
export function describeSyscallState(state: SyscallState): string {
  switch (state.phase) {
    case 'entry': return `syscall ${state.call}`;
    case 'return': return `${state.call} = ${state.result}`;
    case 'blocked': return `blocked in ${state.call}`;
    case 'instruction': return `about to call ${state.call}`;
  }
}
