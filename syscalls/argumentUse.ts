// Whether the kernel reads an argument, when that depends on another argument (open's mode only
// with O_CREAT or O_TMPFILE, mmap's fd only without MAP_ANONYMOUS). The facts are data:
// data/argumentUse.json; this module only evaluates them.
import table from './data/argumentUse.json';
import { encodeFlags } from './decode';
import type { SyscallInfo } from './types';

interface Condition { param: string; anyOf?: string[]; oneOf?: string[] }
interface Rule { param: string; readWhen?: Condition; ignoredWhen?: Condition }

const RULES = table as unknown as Record<string, Rule[] | string>;

/** Does `value` of the condition's parameter meet it? Undefined when a constant is not known. */
function holds(syscall: SyscallInfo, condition: Condition, value: bigint): boolean | undefined {
  const names = condition.anyOf ?? condition.oneOf ?? [];
  let any = false;
  for (const name of names) {
    const constant = encodeFlags(syscall.name, name, condition.param, syscall.abi);
    if (constant === undefined) continue;
    const bits = BigInt(constant);
    // O_TMPFILE is two bits (it includes O_DIRECTORY): all of them must be set.
    if (condition.oneOf ? value === bits : (value & bits) === bits && bits !== 0n) any = true;
  }
  return any;
}

/**
 * 'read': the kernel reads argument `index`; 'ignored': it does not, given the other arguments;
 * 'unknown': it depends on an argument whose value is not known.
 */
export function argumentUse(syscall: SyscallInfo, index: number, valueOf: (index: number) => bigint | undefined): 'read' | 'ignored' | 'unknown' {
  const rules = RULES[syscall.name];
  const param = syscall.params[index];
  if (!param || !Array.isArray(rules)) return 'read';
  const rule = rules.find((r) => r.param === param.name);
  if (!rule) return 'read';
  const condition = rule.readWhen ?? rule.ignoredWhen!;
  const conditionIndex = syscall.params.findIndex((p) => p.name === condition.param);
  const value = conditionIndex >= 0 ? valueOf(conditionIndex) : undefined;
  if (value === undefined) return 'unknown';
  const met = holds(syscall, condition, value);
  if (met === undefined) return 'unknown';
  return (rule.readWhen ? met : !met) ? 'read' : 'ignored';
}
