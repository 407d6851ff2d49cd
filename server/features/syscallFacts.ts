// Turns dataflow facts at a syscall site into syscall-level facts: which call, which arguments.
import {
  CALLING_CONVENTIONS, lookupSyscall, type Abi, type SyscallInfo, type SyscallLookup,
} from '../../syscalls';
import type { BlockAnalysis, Setter, SyscallInstruction } from '../analysis/dataflow';
import type { SiteState } from '../analysis/interpreter';
import { FAMILIES, siteRegisters } from '../analysis/interpreter';
import type { ProgramAnalysis } from '../analysis/program';
import { mayBeUnset, type RegisterValue } from '../analysis/values';
import { REGISTERS } from '../../nasm/parser/vocabulary';
import { valueText } from './valueText';

/** A register as a syscall reads it, and the instruction that set it (when every path agrees). */
export interface SiteRegister { value: RegisterValue; setter?: Setter }

/** A syscall site from the block analysis or the whole-program analysis. */
export interface SiteLike {
  line: number; start: number; end: number; instruction: SyscallInstruction; abi: Abi;
  registers: ReadonlyMap<string, SiteRegister>;
  /** The macro whose expansion makes the call. */
  via?: string;
  /** The procedure (or `_start`) whose stack frame the call runs in. */
  frame?: string;
}

/** A whole-program site with the registers a syscall reads; its line is the site's (it moves with its block). */
export function siteFromState(site: SiteState): SiteLike {
  const rsp = site.state.registers[FAMILIES.indexOf('rsp')]!;
  return {
    get line() { return site.line; }, start: site.start, end: site.end, instruction: site.instruction, abi: site.abi, registers: siteRegisters(site),
    ...(site.via ? { via: site.via } : {}), ...(rsp.kind === 'stack' && rsp.frame ? { frame: rsp.frame } : {}),
  };
}

export interface ResolvedSite {
  site: SiteLike;
  numberState: SiteRegister;
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

export function resolveSite(site: SiteLike): ResolvedSite {
  const numberState = site.registers.get(numberFamily(site.abi)) ?? { value: { kind: 'unset' } };
  const value = numberState.value;
  if (value.kind !== 'number' || value.value > 0xffffffffn) return { site, numberState };
  const number = Number(value.value);
  const lookup = lookupSyscall(site.abi, number);
  return { site, numberState, number, lookup, ...(lookup.known ? { syscall: lookup.syscall } : {}) };
}

/** An argument as a syscall sees it: its exact number, or a text; `set` when every path sets it. */
export interface ArgumentFacts { value?: bigint; text: string; short: string; set: boolean; unknownReason?: string; label?: string }

/** Argument `index` of a site as an exact number, when it is one (for argumentUse). */
export function exactArgument(site: SiteLike, families: readonly string[]): (index: number) => bigint | undefined {
  return (index) => {
    const value = site.registers.get(families[index]!)?.value;
    return value?.kind === 'number' ? value.value : undefined;
  };
}

/** The facts of one argument; `decode` reads a plain number as the parameter's type would. */
export function argumentFacts(
  state: SiteRegister | undefined, labelData: (label: string) => Uint8Array | undefined, decode?: (value: bigint) => string,
): ArgumentFacts {
  const value: RegisterValue = state?.value ?? { kind: 'unset' };
  const set = !mayBeUnset(value);
  const text = valueText(value, { labelData, ...(decode ? { decode } : {}) });
  const short = valueText(value, { short: true, ...(decode ? { decode } : {}) });
  const facts: ArgumentFacts = { text, short, set };
  if (value.kind === 'number') facts.value = value.value;
  if (value.kind === 'address') facts.label = value.anchor;
  if (value.kind === 'unknown') facts.unknownReason = value.reason;
  return facts;
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
  return consumedSettersOf(resolvedSites(block));
}

/** The same over any resolved sites (a whole program's). */
export function consumedSettersOf(sites: readonly ResolvedSite[]): ConsumedSetter[] {
  const result: ConsumedSetter[] = [];
  const seen = new Set<string>();
  for (const resolved of sites) {
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

/** The whole-program facts as the features read them: sites by line, setters by line. */
export interface ProgramView {
  program: ProgramAnalysis;
  sitesOn(line: number): ResolvedSite[];
  sitesBetween(from: number, to: number): ResolvedSite[];
  consumersOn(line: number): ConsumedSetter[];
}

const views = new WeakMap<ProgramAnalysis, ProgramView>();
// A component the last edit did not touch keeps its site objects: resolving them once keeps the
// lints cached per block (documentLints compares sites by identity).
const resolvedStates = new WeakMap<SiteState, ResolvedSite>();
export function resolvedState(state: SiteState): ResolvedSite {
  let resolved = resolvedStates.get(state);
  if (!resolved) resolvedStates.set(state, resolved = resolveSite(siteFromState(state)));
  return resolved;
}

export function programView(program: ProgramAnalysis): ProgramView {
  const cached = views.get(program);
  if (cached) return cached;
  // Resolved on demand: after an edit only what is asked for is resolved again.
  const consumers = new Map<number, ConsumedSetter[]>();
  const view: ProgramView = {
    program,
    sitesOn: (line) => program.sitesBetween(line, line).map(resolvedState),
    sitesBetween: (from, to) => program.sitesBetween(from, to).map(resolvedState),
    consumersOn: (line) => {
      let list = consumers.get(line);
      if (!list) {
        // In line order: a setter several syscalls read is shown with the first of them.
        const reading = program.sitesInComponentOf(line).filter((site) => site.state.setters.some((setter) => setter?.line === line));
        consumers.set(line, list = consumedSettersOf(reading.map(resolvedState)).filter((c) => c.setter.line === line));
      }
      return list;
    },
  };
  views.set(program, view);
  return view;
}
