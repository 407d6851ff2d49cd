// The syscall hovers: on the number setter, on an argument setter, on the syscall itself, on a
// macro invocation (the syscalls of its expansion) and on a `call` (the syscalls of the procedure).
import { argumentUse, declaration, decodeArgument, syscallMarkdown, type SyscallInfo } from '../../syscalls';
import type { MachineState } from '../analysis/interpreter';
import { FAMILIES } from '../analysis/interpreter';
import { sameValue } from '../analysis/values';
import {
  argumentFacts, argumentFamilies, exactArgument, resolveSite, siteFromState, type ArgumentFacts, type ProgramView, type ResolvedSite,
} from './syscallFacts';

export interface HoverResult { markdown: string; line: number; start: number; end: number }

type LabelData = (label: string) => Uint8Array | undefined;

/** Facts of each parameter; values a procedure got from all of its callers say so. */
function callArguments(resolved: ResolvedSite, syscall: SyscallInfo, labelData: LabelData, view?: ProgramView): ArgumentFacts[] {
  const families = argumentFamilies(resolved.site.abi);
  const frame = resolved.site.frame;
  const callers = frame ? view?.program.facts.callers.get(frame) ?? 0 : 0;
  const entry = callers > 1 && frame ? view?.program.procedureEntry(frame) : undefined;
  return syscall.params.map((_, index) => {
    const state = resolved.site.registers.get(families[index]!);
    const facts = argumentFacts(state, labelData, (v) => decodeArgument(syscall, index, v).text);
    if (!facts.set && argumentUse(syscall, index, exactArgument(resolved.site, families)) === 'ignored') {
      facts.text += ' (not read)';
      facts.set = true;
    }
    const atEntry = entry?.registers[FAMILIES.indexOf(families[index]!)];
    if (state && atEntry && facts.set && sameValue(state.value, atEntry) && state.value.kind === 'choice') {
      facts.text += ` (from ${callers} callers)`;
    }
    return facts;
  });
}

/** `write(fd=1 (stdout), buf=msg "Hello", 10, count=14)`. */
export function describeCall(resolved: ResolvedSite, labelData: LabelData, view?: ProgramView): string | undefined {
  const syscall = resolved.syscall;
  if (!syscall) return undefined;
  const args = callArguments(resolved, syscall, labelData, view);
  return `${syscall.name}(${syscall.params.map((p, i) => `${p.name}=${args[i]!.text}`).join(', ')})`;
}

function numberDescription(resolved: ResolvedSite): string {
  const value = resolved.numberState.value;
  if (value.kind === 'unset') return 'The syscall number (rax) is not set on any path to here.';
  if (value.kind === 'unknown') return `The syscall number is unknown here: ${value.reason}.`;
  if (resolved.lookup && !resolved.lookup.known) return `${resolved.lookup.message} (${resolved.site.abi} table).`;
  if (value.kind === 'choice') return `The syscall number is not one known number here: rax = ${argumentFacts(resolved.numberState, () => undefined).text}.`;
  return `The syscall number is not a plain number here: rax = ${argumentFacts(resolved.numberState, () => undefined).text}.`;
}

function abiNote(resolved: ResolvedSite): string {
  return resolved.site.abi === 'i386' ? `\n\n_${resolved.site.instruction} uses the 32-bit (i386) syscall table._` : '';
}

export interface SyscallHoverOptions {
  labelData: LabelData;
  view: ProgramView;
}

/** Hover for `syscall` / `int 0x80` / `sysenter`, or a macro invocation that expands to syscalls. */
export function hoverOnSyscall(line: number, options: SyscallHoverOptions): HoverResult | undefined {
  const sites = options.view.sitesOn(line);
  const first = sites[0];
  if (!first) return undefined;
  const range = { line, start: first.site.start, end: first.site.end };
  if (sites.length > 1 || first.site.via) {
    const calls = sites.map((s) => describeCall(s, options.labelData, options.view) ?? `${s.site.instruction}: ${numberDescription(s)}`);
    return { ...range, markdown: [`**${first.site.via ?? 'macro'}** expands to ${sites.length === 1 ? 'a syscall' : `${sites.length} syscalls`}:`, '```c', ...calls, '```'].join('\n') };
  }
  const resolved = first;
  if (!resolved.syscall) return { ...range, markdown: `**${resolved.site.instruction}** — ${numberDescription(resolved)}${abiNote(resolved)}` };
  const syscall = resolved.syscall;
  const facts = callArguments(resolved, syscall, options.labelData, options.view);
  const families = argumentFamilies(resolved.site.abi);
  const unset = syscall.params.map((p, i) => (facts[i]!.set ? undefined : `\`${families[i]}\` (${p.name})`)).filter((x): x is string => !!x);
  const parts = [
    '```c', describeCall(resolved, options.labelData, options.view)!, '```',
    unset.length ? `Not set on every path to this syscall: ${unset.join(', ')}.` : '',
    // The man page's errors are listed once, in syscallMarkdown.
    syscallMarkdown(syscall),
  ];
  return { ...range, markdown: parts.filter(Boolean).join('\n') + abiNote(resolved) };
}

/** Hover on `call name`: the syscalls the procedure makes with this caller's values. */
export function hoverOnCall(line: number, start: number, end: number, options: SyscallHoverOptions): HoverResult | undefined {
  const call = options.view.program.callSiteAt(line);
  if (!call) return undefined;
  const nested = options.view.program.sitesOfProcedure(call.target, call.state as MachineState);
  if (nested.length === 0) return undefined;
  const calls = nested.map(({ site }) => {
    const resolved = resolveSite(siteFromState(site));
    return `${describeCall(resolved, options.labelData) ?? `${site.instruction}: ${numberDescription(resolved)}`}  // line ${site.line + 1}`;
  });
  return { line, start, end, markdown: [`**${call.target}** makes ${nested.length === 1 ? 'this syscall' : 'these syscalls'} with this caller's values:`, '```c', ...calls, '```'].join('\n') };
}

/** Hover for the instruction that sets the number or an argument a syscall reads. */
export function hoverOnSetter(line: number, options: SyscallHoverOptions): HoverResult | undefined {
  const consumed = options.view.consumersOn(line).find((c) => !c.resolved.site.via);
  if (!consumed) return undefined;
  const { setter, role, resolved } = consumed;
  const range = { line, start: setter.registerStart, end: setter.source?.end ?? setter.registerEnd };
  const call = describeCall(resolved, options.labelData, options.view);
  const where = resolved.site.line === line ? '' : ` (the syscall on line ${resolved.site.line + 1})`;
  if (role.kind === 'number') {
    if (!resolved.syscall) return { ...range, markdown: numberDescription(resolved) + abiNote(resolved) };
    const s = resolved.syscall;
    return { ...range, markdown: `**${s.name}** — syscall ${s.number} (${s.abi})${where}\n\nHere: \`${call}\`\n\n${syscallMarkdown(s)}${abiNote(resolved)}` };
  }
  const syscall = resolved.syscall;
  if (!syscall) return { ...range, markdown: `argument ${role.index + 1} of an unknown syscall — ${numberDescription(resolved)}` };
  const param = syscall.params[role.index]!;
  const facts = callArguments(resolved, syscall, options.labelData, options.view)[role.index]!;
  const shown = facts.unknownReason ? `unknown (${facts.unknownReason})` : facts.text;
  const markdown = `argument ${role.index + 1} of ${syscall.name} — \`${declaration(param)}\` = ${shown}${where}`
    + (call ? `\n\n\`\`\`c\n${call}\n\`\`\`` : '') + abiNote(resolved);
  return { ...range, markdown };
}
