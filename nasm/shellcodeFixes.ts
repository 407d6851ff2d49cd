// Rewrites of instructions whose encoding puts NUL bytes into shellcode: a `mov` of a small literal,
// `cmp reg, 0`, `add`/`sub reg, 0`. Only candidates: each must be proven by re-assembling the
// rewritten text (fixHoldsUp judges nasm's listing of it) before it is offered, by `syscall-lens
// bytes --fix` and by the language server's quick fixes. Rewrites that depend on the instructions
// around the line (a register zeroed just before, the flags read just after) are offered only when
// those neighbours are plain instructions of the same source, with no label in between where a jump
// could come from elsewhere.
import { bytesByLine, type ListingRecord } from './listing';
import { parseNasmNumber } from './parser/numbers';
import { checkShellcode } from './shellcode';
import { parseLine, type Statement } from './parser/statement';
import { CONDITION_CODES } from './parser/vocabulary';
import { registerOfWidth } from '../x86/registers';

export interface ShellcodeFix {
  title: string;
  /** What replaces the line: one or more source lines, indented like it. */
  lines: string[];
  /** What the rewrite changes besides the register, for the user to judge. */
  caveat: string;
}

/** The instructions just before and after a line, when the rewrite may depend on them. */
export interface FixContext {
  /** The instruction that runs right before this line on every path into it (none when a label lies between). */
  previous?: string;
  /** The instruction that runs right after this line when it falls through. */
  next?: string;
}

/** Only blank and comment lines between: the neighbour's own text, else undefined. */
export function fixContext(lines: readonly string[], index: number): FixContext {
  const context: FixContext = {};
  if (!parseLine(lines[index] ?? '').label) {
    for (let i = index - 1; i >= 0; i--) {
      const statement = parseLine(lines[i]!);
      if (statement.kind === 'empty') continue;
      if (statement.kind === 'instruction') context.previous = lines[i];
      break;
    }
  }
  for (let i = index + 1; i < lines.length; i++) {
    const statement = parseLine(lines[i]!);
    // A label does not change what the fall-through path reads; only what other paths do.
    if (statement.kind === 'empty' || (statement.kind === 'label' && statement.label)) continue;
    if (statement.kind === 'instruction') context.next = lines[i];
    break;
  }
  return context;
}

const CONDITIONAL_READERS = new Set(CONDITION_CODES.flatMap((cc) => [`j${cc}`, `set${cc}`, `cmov${cc}`]));

/**
 * Whether `text` is a jcc, setcc or cmovcc: it reads only CF, ZF, SF, OF and PF, never AF — the one
 * flag `test` leaves undefined where `cmp reg, 0` and `add`/`sub reg, 0` clear it.
 */
function readsConditionFlags(text: string | undefined): boolean {
  const statement = text === undefined ? undefined : parseLine(text);
  return statement?.kind === 'instruction' && !statement.prefix && CONDITIONAL_READERS.has(statement.keyword!.name);
}

/** Whether `text` sets the whole 64-bit register of `family` to zero: `xor`/`sub` of a 32- or 64-bit view with itself. */
function zeroesRegister(text: string | undefined, family: string): boolean {
  const statement = text === undefined ? undefined : parseLine(text);
  if (statement?.kind !== 'instruction' || statement.prefix || statement.times || statement.operands.length !== 2) return false;
  if (statement.keyword!.name !== 'xor' && statement.keyword!.name !== 'sub') return false;
  const [a, b] = statement.operands.map((o) => o.register);
  // A 32-bit write zero-extends into the whole register; 8- and 16-bit ones keep the rest.
  return !!a && !!b && a.name === b.name && a.family === family && (a.bits === 32 || a.bits === 64);
}

/** Writes replacement lines in the original line's layout: label, columns of mnemonic, operands and comment. */
function layout(lineText: string, statement: Statement) {
  const target = statement.operands[0]!;
  const last = statement.operands.at(-1)!;
  const prefix = lineText.slice(0, statement.keyword!.start);
  const continuation = prefix.replace(/[^\t]/g, ' ');
  const gap = lineText.slice(statement.keyword!.end, target.start) || ' ';
  const head = (start: string, mnemonic: string) => (gap.includes('\t') ? start + mnemonic + gap : (start + mnemonic + ' ').padEnd(target.start));
  const comment = statement.comment;
  const withComment = (code: string) => {
    if (!comment) return code;
    const before = lineText.slice(last.end, comment.start);
    return (before.includes('\t') || code.length >= comment.start ? code + (before || ' ') : code.padEnd(comment.start)) + comment.text;
  };
  return (...instructions: [string, string][]) => instructions.map(([mnemonic, operands], i) =>
    i === 0 ? withComment(head(prefix, mnemonic) + operands) : head(continuation, mnemonic) + operands);
}

/** Candidate rewrites of one line; `context` (fixContext) enables the ones that depend on its neighbours. */
export function shellcodeFixes(lineText: string, context: FixContext = {}): ShellcodeFix[] {
  const statement = parseLine(lineText);
  if (statement.kind !== 'instruction' || statement.operands.length !== 2 || statement.times || statement.prefix) return [];
  const name = statement.keyword!.name;
  if (name === 'mov') return movFixes(lineText, statement, context);
  if (name === 'cmp' || name === 'add' || name === 'sub') return zeroOperandFixes(lineText, statement, context);
  return [];
}

/**
 * `cmp reg, 0`, `add reg, 0`, `sub reg, 0` → `test reg, reg`: the register keeps its value and CF,
 * OF, ZF, SF, PF come out the same, so only when a conditional reads them next. Not for `add`/`sub`
 * of a 32-bit register, which also clear its upper half.
 */
function zeroOperandFixes(lineText: string, statement: Statement, context: FixContext): ShellcodeFix[] {
  const [target, source] = statement.operands as [Statement['operands'][0], Statement['operands'][0]];
  const register = target.register;
  if (!register?.family || source.memory || source.register || source.tokens.length !== 1) return [];
  if (parseNasmNumber(source.tokens[0]!.text) !== 0n || !readsConditionFlags(context.next)) return [];
  if (statement.keyword!.name !== 'cmp' && register.bits === 32) return [];
  const lines = layout(lineText, statement);
  const next = parseLine(context.next!).keyword!.name;
  return [{ title: `test ${register.name}, ${register.name}`, lines: lines(['test', `${register.name}, ${register.name}`]), caveat: `${next} reads the same flags; AF becomes undefined` }];
}

/** `mov reg, imm` (64- or 32-bit register, a literal immediate). */
function movFixes(lineText: string, statement: Statement, context: FixContext): ShellcodeFix[] {
  const [target, source] = statement.operands as [Statement['operands'][0], Statement['operands'][0]];
  const register = target.register;
  if (!register?.family || register.high || (register.bits !== 64 && register.bits !== 32) || source.memory || source.register) return [];
  const value = source.tokens.length === 1 ? parseNasmNumber(source.tokens[0]!.text) : undefined;
  if (value === undefined) return [];
  const r32 = registerOfWidth(register.family, 32)!;
  const r16 = registerOfWidth(register.family, 16)!;
  const r8 = registerOfWidth(register.family, 8)!;
  const lines = layout(lineText, statement);
  const fixes: ShellcodeFix[] = [];
  const zeroed = zeroesRegister(context.previous, register.family);
  if (value === 0n) {
    fixes.push({ title: `xor ${r32}, ${r32}`, lines: lines(['xor', `${r32}, ${r32}`]), caveat: 'sets the flags (mov leaves them alone)' });
  }
  // The register is already zero: writing its low byte (or word) alone gives the same value, flags untouched.
  if (zeroed && value > 0n && value < 256n) {
    fixes.push({ title: `mov ${r8}, ${value}`, lines: lines(['mov', `${r8}, ${value}`]), caveat: `${register.family} is zero after the line before` });
  } else if (zeroed && value >= 256n && value < 65536n) {
    fixes.push({ title: `mov ${r16}, ${value}`, lines: lines(['mov', `${r16}, ${value}`]), caveat: `${register.family} is zero after the line before` });
  }
  if (value > 0n && value < 128n) {
    fixes.push({ title: `push ${value} / pop ${register.family}`, lines: lines(['push', `${value}`], ['pop', register.family]), caveat: 'uses 8 bytes below the stack pointer' });
  }
  if (value > 0n && value < 256n && !zeroed) {
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
