// Turns dataflow facts at a syscall site into syscall-level facts: which call, which arguments.
import {
  CALLING_CONVENTIONS, lookupSyscall, type Abi, type SyscallInfo, type SyscallLookup,
} from '../../syscalls';
import type { BlockAnalysis, RegisterState, Setter, SyscallSite } from '../analysis/dataflow';
import { renderBytes } from '../../nasm/byteString';
import { REGISTERS } from '../../nasm/parser/vocabulary';

const ARGUMENT_PREVIEW_BYTES = 40;

export interface ResolvedSite {
  site: SyscallSite;
  numberState: RegisterState;
  /** The syscall number, when the analysis knows it. */
  number?: number;
  lookup?: SyscallLookup;
  syscall?: SyscallInfo;
}

export function familyOf(register: string): string {
  return REGISTERS.get(register)?.family ?? register;
}

export function numberFamily(abi: Abi): string {
  return familyOf(CALLING_CONVENTIONS[abi].numberRegister);
}

export function argumentFamilies(abi: Abi): string[] {
  return CALLING_CONVENTIONS[abi].argumentRegisters.map(familyOf);
}

export function resolveSite(site: SyscallSite): ResolvedSite {
  const numberState = site.registers.get(numberFamily(site.abi)) ?? { value: { kind: 'unknown', reason: 'not set in this block' } };
  const value = numberState.value;
  if (value.kind !== 'number' || value.value > 0xffffffffn) return { site, numberState };
  const number = Number(value.value);
  const lookup = lookupSyscall(site.abi, number);
  return { site, numberState, number, lookup, ...(lookup.known ? { syscall: lookup.syscall } : {}) };
}

/** Text shown for a value: `14`, `msg "Hello, world!\n"`, `? (loaded from memory)`. */
export interface ArgumentFacts { value?: bigint; text?: string; set: boolean; unknownReason?: string; label?: string }

/** `setBefore`: the register is not set in this block but on every path into it. */
export function argumentFacts(
  state: RegisterState | undefined, labelData: (label: string) => Uint8Array | undefined, setBefore = false,
): ArgumentFacts {
  if (!state?.setter) return setBefore ? { set: true, text: '?', unknownReason: 'set before this block' } : { set: false };
  const value = state.value;
  if (value.kind === 'number') return { set: true, value: value.value };
  if (value.kind === 'address') {
    const offset = value.offset === 0n ? '' : value.offset > 0n ? ` + ${value.offset}` : ` - ${-value.offset}`;
    const data = value.offset === 0n ? labelData(value.anchor) : undefined;
    const text = `${value.anchor}${offset}${data !== undefined ? ` ${renderBytes(data, { limit: ARGUMENT_PREVIEW_BYTES })}` : ''}`;
    return { set: true, text, label: value.anchor };
  }
  return { set: true, text: '?', unknownReason: value.reason };
}

/** The block's syscall sites, resolved. */
export function resolvedSites(block: BlockAnalysis): ResolvedSite[] {
  return block.sites.map(resolveSite);
}

export type SetterRole = { kind: 'number' } | { kind: 'argument'; index: number };

export interface ConsumedSetter { setter: Setter; role: SetterRole; resolved: ResolvedSite; family: string }

/**
 * Setters whose value a syscall in the same block actually reads. A `mov rax, 60` that no syscall
 * consumes gets no syscall hover.
 */
export function consumedSetters(block: BlockAnalysis): ConsumedSetter[] {
  const result: ConsumedSetter[] = [];
  const seen = new Set<string>();
  for (const resolved of resolvedSites(block)) {
    const { site } = resolved;
    const numberReg = numberFamily(site.abi);
    const args = argumentFamilies(site.abi);
    for (const [family, state] of site.registers) {
      const key = `${state.setter?.line}:${state.setter?.registerStart}`;
      if (!state.setter || seen.has(key)) continue;
      const index = args.indexOf(family);
      const role: SetterRole | undefined = family === numberReg ? { kind: 'number' }
        : index >= 0 && (!resolved.syscall || index < resolved.syscall.params.length) ? { kind: 'argument', index } : undefined;
      if (!role) continue;
      seen.add(key);
      result.push({ setter: state.setter, role, resolved, family });
    }
  }
  return result;
}
