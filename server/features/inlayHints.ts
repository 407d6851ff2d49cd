// Inlay hints: the decoded call after each syscall instruction (or macro invocation that makes
// one), parameter names at argument setters. Values read as in hovers, without the reasons.
import { decodeArgument } from '../../syscalls';
import { argumentFacts, argumentFamilies, type ProgramView } from './syscallFacts';

export interface SyscallInlayHint {
  line: number;
  character: number;
  label: string;
  kind: 'call' | 'parameter';
  tooltip?: string;
}

export interface InlayHintOptions { syscallCall: boolean; parameterNames: boolean }

/** A long decoded value (`O_WRONLY|O_CREAT|O_TRUNC`) is kept whole; a big number reads as hex. */
function shortNumber(text: string, value: bigint): string {
  return /^-?\d+$/.test(text) && (value > 0xffffn || value < -0xffffn) ? `0x${value.toString(16)}` : text.replace(/ \(.*\)$/, '');
}

/** Hints for lines [from, to]. */
export function syscallInlayHints(view: ProgramView, from: number, to: number, options: InlayHintOptions): SyscallInlayHint[] {
  const hints: SyscallInlayHint[] = [];
  if (options.syscallCall) {
    for (const resolved of view.sitesBetween(from, to)) {
      const { site, syscall } = resolved;
      if (!syscall) continue;
      const families = argumentFamilies(site.abi);
      const args = syscall.params.map((_, i) =>
        argumentFacts(site.registers.get(families[i]!), () => undefined, (v) => shortNumber(decodeArgument(syscall, i, v).text, v)).short);
      hints.push({ line: site.line, character: site.end, label: `${syscall.name}(${args.join(', ')})`, kind: 'call' });
    }
  }
  if (options.parameterNames) {
    for (let line = from; line <= to; line++) {
      for (const consumed of view.consumersOn(line)) {
        const { setter, role, resolved } = consumed;
        if (role.kind !== 'argument' || !resolved.syscall || resolved.site.via) continue;
        const param = resolved.syscall.params[role.index];
        if (param) hints.push({ line: setter.line, character: setter.source?.start ?? setter.registerStart, label: `${param.name}:`, kind: 'parameter' });
        break;
      }
    }
  }
  return hints;
}
