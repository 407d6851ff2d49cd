// The three syscall hovers: on the number setter, on an argument setter, and on the syscall itself.
import { declaration, decodeArgument, formatCall, likelyErrnos, syscallMarkdown, type SyscallInfo } from '../../syscalls';
import { familyBit, type BlockAnalysis } from '../analysis/dataflow';
import {
  argumentFacts, argumentFamilies, consumedSetters, resolvedSites, type ArgumentFacts, type ResolvedSite,
} from './syscallFacts';

export interface HoverResult { markdown: string; line: number; start: number; end: number }

type LabelData = (label: string) => Uint8Array | undefined;

function callArguments(resolved: ResolvedSite, syscall: SyscallInfo, labelData: LabelData, entry: number): ArgumentFacts[] {
  const families = argumentFamilies(resolved.site.abi);
  return syscall.params.map((_, index) =>
    argumentFacts(resolved.site.registers.get(families[index]!), labelData, (entry & familyBit(families[index]!)) !== 0));
}

/** `write(fd=1 (stdout), buf=msg "Hello, world!\n", count=14)` with unset parameters marked. */
export function describeCall(resolved: ResolvedSite, labelData: LabelData, entry: number): string | undefined {
  const syscall = resolved.syscall;
  if (!syscall) return undefined;
  const args = callArguments(resolved, syscall, labelData, entry).map((a) => {
    if (!a.set) return undefined;
    if (a.value !== undefined) return { value: a.value };
    return { text: a.unknownReason ? `? (${a.unknownReason})` : a.text ?? '?' };
  });
  return formatCall(syscall, args);
}

function numberDescription(resolved: ResolvedSite): string {
  const state = resolved.numberState;
  if (state.value.kind === 'unknown') return `The syscall number is unknown here: ${state.value.reason}.`;
  if (resolved.lookup && !resolved.lookup.known) return `${resolved.lookup.message} (${resolved.site.abi} table).`;
  return 'The syscall number is not a plain number here.';
}

function abiNote(resolved: ResolvedSite): string {
  return resolved.site.abi === 'i386' ? `\n\n_${resolved.site.instruction} uses the 32-bit (i386) syscall table._` : '';
}

/** Hover for `syscall` / `int 0x80` / `sysenter` on `line`. */
/** `entry`: registers set on every path into the block (see DocumentAnalysis.entryMask). */
export function hoverOnSyscall(block: BlockAnalysis, line: number, labelData: LabelData, entry: number): HoverResult | undefined {
  const resolved = resolvedSites(block).find((r) => r.site.line === line);
  if (!resolved) return undefined;
  const { site } = resolved;
  const range = { line, start: site.start, end: site.end };
  if (!resolved.syscall) return { ...range, markdown: `**${site.instruction}** — ${numberDescription(resolved)}${abiNote(resolved)}` };
  const syscall = resolved.syscall;
  const call = describeCall(resolved, labelData, entry)!;
  const facts = callArguments(resolved, syscall, labelData, entry);
  const families = argumentFamilies(site.abi);
  const unset = syscall.params
    .map((p, i) => (facts[i]!.set ? undefined : `\`${families[i]}\` (${p.name})`))
    .filter((x): x is string => !!x);
  const errnos = likelyErrnos(syscall);
  const parts = [
    '```c', call, '```',
    unset.length ? `Not set on every path to this syscall: ${unset.join(', ')}.` : '',
    syscallMarkdown(syscall),
    errnos.length ? `\nCan fail with: ${errnos.map((e) => `\`${e}\``).join(', ')}` : '',
  ];
  return { ...range, markdown: parts.filter(Boolean).join('\n') + abiNote(resolved) };
}

/** Hover for the instruction that sets the number or an argument consumed by a syscall in this block. */
export function hoverOnSetter(block: BlockAnalysis, line: number, labelData: LabelData, entry: number): HoverResult | undefined {
  const consumed = consumedSetters(block).find((c) => c.setter.line === line);
  if (!consumed) return undefined;
  const { setter, role, resolved } = consumed;
  const range = { line, start: setter.registerStart, end: setter.source?.end ?? setter.registerEnd };
  if (role.kind === 'number') {
    if (!resolved.syscall) return { ...range, markdown: numberDescription(resolved) + abiNote(resolved) };
    const s = resolved.syscall;
    const call = describeCall(resolved, labelData, entry);
    return { ...range, markdown: `**${s.name}** — syscall ${s.number} (${s.abi})\n\nHere: \`${call}\`\n\n${syscallMarkdown(s)}${abiNote(resolved)}` };
  }
  const syscall = resolved.syscall;
  const facts = argumentFacts(resolved.site.registers.get(consumed.family), labelData);
  if (!syscall) {
    return { ...range, markdown: `argument ${role.index + 1} of an unknown syscall — ${numberDescription(resolved)}` };
  }
  const param = syscall.params[role.index]!;
  let shown: string;
  if (facts.value !== undefined) shown = decodeArgument(syscall, role.index, facts.value).text;
  else if (facts.unknownReason) shown = `unknown (${facts.unknownReason})`;
  else shown = facts.text ?? 'unknown';
  const call = describeCall(resolved, labelData, entry);
  const markdown = `argument ${role.index + 1} of ${syscall.name} — \`${declaration(param)}\` = ${shown}`
    + (call ? `\n\n\`\`\`c\n${call}\n\`\`\`` : '') + abiNote(resolved);
  return { ...range, markdown };
}
