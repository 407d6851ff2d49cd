// Inlay hints: the decoded call after each syscall instruction, parameter names at argument setters.
import { familyBit, type BlockAnalysis } from '../analysis/dataflow';
import { argumentFacts, argumentFamilies, consumedSetters, resolvedSites } from './syscallFacts';

export interface SyscallInlayHint {
  line: number;
  character: number;
  label: string;
  kind: 'call' | 'parameter';
  tooltip?: string;
}

export interface InlayHintOptions { syscallCall: boolean; parameterNames: boolean }

function shortValue(value: bigint): string {
  return value > 0xffffn || value < -0xffffn ? `0x${value.toString(16)}` : value.toString();
}

/** Hints for the blocks given, limited to lines [from, to]. */
export function syscallInlayHints(
  blocks: readonly BlockAnalysis[], from: number, to: number, options: InlayHintOptions, entryOf: (block: BlockAnalysis) => number,
): SyscallInlayHint[] {
  const hints: SyscallInlayHint[] = [];
  for (const block of blocks) {
    if (options.syscallCall) {
      const entry = block.sites.length ? entryOf(block) : 0;
      for (const resolved of resolvedSites(block)) {
        const { site, syscall } = resolved;
        if (site.line < from || site.line > to || !syscall) continue;
        const families = argumentFamilies(site.abi);
        const args = syscall.params.map((_, i) => {
          const facts = argumentFacts(site.registers.get(families[i]!), () => undefined, (entry & familyBit(families[i]!)) !== 0);
          if (!facts.set) return '∅';
          return facts.value !== undefined ? shortValue(facts.value) : facts.label ?? '?';
        });
        hints.push({ line: site.line, character: site.end, label: `${syscall.name}(${args.join(', ')})`, kind: 'call' });
      }
    }
    if (options.parameterNames) {
      for (const consumed of consumedSetters(block)) {
        const { setter, role, resolved } = consumed;
        if (setter.line < from || setter.line > to || role.kind !== 'argument' || !resolved.syscall) continue;
        const param = resolved.syscall.params[role.index];
        if (param) hints.push({ line: setter.line, character: setter.source?.start ?? setter.registerStart, label: `${param.name}:`, kind: 'parameter' });
      }
    }
  }
  return hints;
}
