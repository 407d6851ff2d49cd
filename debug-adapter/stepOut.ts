// Step Out without frame information. NASM emits no CFI, so gdb's `finish` fails ("Command aborted").
// At a label's entry the return address is [rsp]; elsewhere the program runs to any `ret` of the current
// routine reached with rsp at or above its present value (deeper recursion has a lower rsp), then steps
// over that `ret`.
import * as data from './mi/data';
import type { Gdb } from './mi/gdb';
import { lookupSyscallByName } from '../syscalls';
import { KERNEL_ENTRY_LENGTH, kernelEntryAt } from '../x86';

export interface StepOutPlan {
  /** Where to put temporary breakpoints; none when pc is the `ret` to step over. */
  targets: bigint[];
  /** gdb condition that tells the matching invocation from recursive ones. */
  condition: string;
  /** The targets are `ret` instructions still to execute (not return addresses). */
  thenStepOverRet: boolean;
}

export async function planStepOut(gdb: Gdb): Promise<StepOutPlan> {
  const sp = await data.evaluateInteger(gdb, '$sp');
  // `0x401000 <print>` (no +offset, not a local label, which gdb may print `print[digit]`): the first
  // instruction of a routine.
  if (/<[^+>.[\]]*>$/.test(await data.evaluate(gdb, '$pc'))) {
    const returnAddress = await checkedReturnAddress(gdb, await data.evaluateInteger(gdb, '*(unsigned long long *)$sp'));
    return { targets: [returnAddress], condition: `$sp > ${sp}`, thenStepOverRet: false };
  }
  const rets = await returnsAhead(gdb);
  if (rets.length === 0) throw new Error('Step Out found no `ret` in this routine; use Continue or a breakpoint.');
  // Standing on a `ret`: stepping it is the Step Out (a breakpoint at pc would be resumed over unseen).
  if (rets[0] === await data.evaluateInteger(gdb, '$pc')) return { targets: [], condition: '', thenStepOverRet: true };
  return { targets: rets, condition: `$sp >= ${sp}`, thenStepOverRet: true };
}

/**
 * Checks that [rsp] at a label's entry is a return address: the bytes before it must be a `call`
 * (e8 rel32, or ff /2 in its 2- to 7-byte forms). At the program entry [rsp] is argc instead.
 */
async function checkedReturnAddress(gdb: Gdb, address: bigint): Promise<bigint> {
  const before = address > 7n ? (await data.readMemory(gdb, address - 7n, 7).catch(() => undefined))?.bytes : undefined;
  const isCall = !!before && before.length === 7 && (before[2] === 0xe8
    || [2, 3, 6, 7].some((length) => before[7 - length] === 0xff && ((before[8 - length]! >> 3) & 7) === 2));
  if (!isCall && !(await isSigreturnTrampoline(gdb, address))) {
    throw new Error('Step Out: nothing called this code (at the program entry there is no caller). Use Continue or a breakpoint.');
  }
  return address;
}

/**
 * A signal handler's entry: the kernel pushed its sa_restorer as the return address, with no `call`
 * before it. A restorer is `mov eax, NR` (b8 imm32) or `mov rax, NR` (48 c7 c0 imm32), then `syscall`,
 * with NR rt_sigreturn's number.
 */
async function isSigreturnTrampoline(gdb: Gdb, address: bigint): Promise<boolean> {
  const code = (await data.readMemory(gdb, address, 9).catch(() => undefined))?.bytes;
  if (!code) return false;
  const immediate = code[0] === 0xb8 ? 1 : code[0] === 0x48 && code[1] === 0xc7 && code[2] === 0xc0 ? 3 : 0;
  if (immediate === 0 || code.length < immediate + 4 + KERNEL_ENTRY_LENGTH) return false;
  const number = Buffer.from(code).readInt32LE(immediate);
  const sigreturn = lookupSyscallByName('x86_64', 'rt_sigreturn');
  return sigreturn.known && number === sigreturn.syscall.number && kernelEntryAt(code.subarray(immediate + 4)) === 'syscall';
}

/** Addresses of the `ret` instructions from pc to the end of the current global label's code. */
async function returnsAhead(gdb: Gdb): Promise<bigint[]> {
  let address = await data.evaluateInteger(gdb, '$pc');
  const out: bigint[] = [];
  let routine: string | undefined;
  // Read in chunks: a range running past the end of the mapped code fails as a whole.
  for (let chunk = 256n, total = 0n; total < 16384n && chunk >= 16n;) {
    const insns = await data.disassemble(gdb, address, address + chunk).catch(() => undefined);
    if (!insns?.length) { chunk /= 4n; continue; }
    for (const insn of insns) {
      const name = insn.func?.split('.')[0];
      routine ??= name;
      if (name !== routine) return out;
      if (/^ret[nf]?\b/.test(insn.text)) out.push(insn.address);
    }
    const last = insns[insns.length - 1]!;
    const next = last.address + BigInt(data.instructionLength(last) || 1);
    total += next - address;
    address = next;
  }
  return out;
}
