// Rewrites of a `mov` whose immediate puts NUL bytes into shellcode. Only candidates: each must be
// proven by re-assembling the rewritten text (fixHoldsUp judges nasm's listing of it) before it is
// offered, by `syscall-lens bytes --fix` and by the language server's quick fixes.
import { bytesByLine, type ListingRecord } from './listing';
import { parseNasmNumber } from './parser/numbers';
import { checkShellcode } from './shellcode';
import { parseLine } from './parser/statement';
import { registerOfWidth } from '../x86/registers';

export interface ShellcodeFix {
  title: string;
  /** What replaces the line: one or more source lines, indented like it. */
  lines: string[];
  /** What the rewrite changes besides the register, for the user to judge. */
  caveat: string;
}

/** Candidate rewrites for `mov reg, imm` (64- or 32-bit register, a literal immediate). */
export function shellcodeFixes(lineText: string): ShellcodeFix[] {
  const statement = parseLine(lineText);
  if (statement.kind !== 'instruction' || statement.keyword?.name !== 'mov' || statement.operands.length !== 2 || statement.times || statement.prefix) return [];
  const [target, source] = statement.operands as [typeof statement.operands[0], typeof statement.operands[0]];
  const register = target.register;
  if (!register?.family || register.high || (register.bits !== 64 && register.bits !== 32) || source.memory || source.register) return [];
  const value = source.tokens.length === 1 ? parseNasmNumber(source.tokens[0]!.text) : undefined;
  if (value === undefined) return [];
  const r32 = registerOfWidth(register.family, 32)!;
  const r8 = registerOfWidth(register.family, 8)!;
  // The rewrite keeps the line's layout: label, the columns of the mnemonic, the operands and the
  // comment (padded with spaces; where the line uses tabs there, its own whitespace).
  const prefix = lineText.slice(0, statement.keyword!.start);
  const continuation = prefix.replace(/[^\t]/g, ' ');
  const gap = lineText.slice(statement.keyword!.end, target.start) || ' ';
  const head = (start: string, mnemonic: string) => (gap.includes('\t') ? start + mnemonic + gap : (start + mnemonic + ' ').padEnd(target.start));
  const comment = statement.comment;
  const withComment = (code: string) => {
    if (!comment) return code;
    const before = lineText.slice(source.end, comment.start);
    return (before.includes('\t') || code.length >= comment.start ? code + (before || ' ') : code.padEnd(comment.start)) + comment.text;
  };
  const lines = (...instructions: [string, string][]) => instructions.map(([mnemonic, operands], i) =>
    i === 0 ? withComment(head(prefix, mnemonic) + operands) : head(continuation, mnemonic) + operands);
  const fixes: ShellcodeFix[] = [];
  if (value === 0n) {
    fixes.push({ title: `xor ${r32}, ${r32}`, lines: lines(['xor', `${r32}, ${r32}`]), caveat: 'sets the flags (mov leaves them alone)' });
  }
  if (value > 0n && value < 128n) {
    fixes.push({ title: `push ${value} / pop ${register.family}`, lines: lines(['push', `${value}`], ['pop', register.family]), caveat: 'uses 8 bytes below the stack pointer' });
  }
  if (value > 0n && value < 256n) {
    fixes.push({ title: `xor ${r32}, ${r32} / mov ${r8}, ${value}`, lines: lines(['xor', `${r32}, ${r32}`], ['mov', `${r8}, ${value}`]), caveat: 'sets the flags' });
  }
  return fixes;
}

export interface ProvenFix extends ShellcodeFix {
  /** Bytes of the rewritten lines, from nasm's listing of the rewritten file. */
  size: number;
}

/** The source with 1-based `line` replaced by the fix's lines. */
export function applyShellcodeFix(text: string, line: number, fix: ShellcodeFix): string {
  const lines = text.split('\n');
  lines.splice(line - 1, 1, ...fix.lines);
  return lines.join('\n');
}

/**
 * Judges nasm's listing of the rewritten text (applyShellcodeFix): the fix holds up when its lines
 * hold no bad byte. Returns it with its size, or undefined.
 */
export function fixHoldsUp(
  records: readonly ListingRecord[], line: number, fix: ShellcodeFix,
  options: { badBytes?: readonly number[]; relocationsFinal: boolean },
): ProvenFix | undefined {
  const report = checkShellcode(records, options);
  const last = line + fix.lines.length - 1;
  if (report.findings.some((f) => f.kind === 'bad-byte' && f.line >= line && f.line <= last)) return undefined;
  const byLine = bytesByLine(records);
  let size = 0;
  for (let l = line; l <= last; l++) size += byLine.get(l)?.size ?? 0;
  return { ...fix, size };
}
