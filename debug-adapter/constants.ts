// NASM `equ` constants in the Debug Console. NASM writes them to the ELF symbol table as absolute
// symbols; gdb knows them only as "<name> has unknown type". Their "address" is their value.
import type { Gdb } from './mi/gdb';
import { labelName } from './mi/stack';

const SYMBOL_NAME = /^[A-Za-z_.?][\w.?$@#~]*$/;
/** Rounds of "unknown type" an expression may go through, one constant named each time. */
const MAX_CONSTANTS = 16;

/** The value of the absolute symbol `name`, or undefined when it is no such symbol (a label, unknown). */
export async function equValue(gdb: Gdb, name: string): Promise<bigint | undefined> {
  if (!SYMBOL_NAME.test(name)) return undefined;
  const where = await gdb.cli(`info address ${name}`).catch(() => '');
  const match = /is at (0x[0-9a-f]+) in a file compiled without debugging/.exec(where);
  if (!match) return undefined;
  // A label's address lies in a section; an absolute symbol's "address" matches none.
  const section = await gdb.cli(`info symbol ${match[1]}`).catch(() => '');
  return / in section /.test(section) ? undefined : BigInt(match[1]!);
}

/** A symbol's 64-bit value as NASM wrote it: `equ -1` is stored as 0xffff…ffff. */
export const signedConstant = (value: bigint): bigint => BigInt.asIntN(64, value);

/**
 * `14 (0xe)`, `-16 (0xfffffffffffffff0)`: decimal first, as the Data scope shows numbers; `bits` wide
 * (a 32-bit register's -1 is `-1 (0xffffffff)`).
 */
export function formatConstant(value: bigint, bits = 64): string {
  return `${BigInt.asIntN(bits, value)} (0x${BigInt.asUintN(bits, value).toString(16)})`;
}

/** Labels gdb has no type for (NASM's data labels), which NASM reads in arithmetic as their address. */
export interface UntypedLabels {
  /** gdb's expression for the address of `name`; undefined when it is no such label. */
  addressOf(name: string): Promise<string | undefined>;
  /** An integer computed from such an address, as the user reads it (`0x402017 <count+1>`). */
  show(value: bigint): Promise<string>;
}

/**
 * Evaluates a gdb expression in which `equ` constants may appear (`BUFSIZE*2`, `$rsp+OFFSET`): each
 * one gdb names as having "unknown type" is replaced by its value, and the expression evaluated again.
 * A lone constant reads as formatConstant shows it. A name that is no constant but one of `labels`
 * becomes its address (`count + 1`), and an integer result is shown by `labels`. Any other failure is gdb's own.
 */
export async function evaluateWithConstants(gdb: Gdb, expression: string, evaluate: (expression: string) => Promise<string>, labels?: UntypedLabels): Promise<string> {
  let value: string | undefined;
  const resolved = await withConstants(gdb, expression, async (text) => { value = await evaluate(text); }, labels);
  if (value === undefined) return formatConstant(resolved.lone!);
  return resolved.addresses && labels && /^-?\d+$/.test(value) ? labels.show(BigInt(value)) : value;
}

/**
 * The expression with each `equ` constant replaced by its value, as gdb must read a breakpoint
 * condition or a logpoint's expression at every hit (`rdi == LIMIT`). gdb's whatis finds them without
 * running anything; `+ 0` makes it type a lone constant too (alone it answers "no debug info").
 */
export async function resolveConstants(gdb: Gdb, expression: string, labels?: UntypedLabels): Promise<string> {
  let last = expression;
  try {
    return (await withConstants(gdb, expression, (text) => { last = text; return gdb.cli(`whatis (${text}) + 0`, { quiet: true }); }, labels)).expression;
  } catch {
    return last; // another complaint (a C local, in scope only where the breakpoint is) is gdb's to judge there
  }
}

/**
 * Runs `check` until gdb names no constant; `lone`: the expression was one constant, this value;
 * `addresses`: a label was replaced by its address.
 */
async function withConstants(
  gdb: Gdb, expression: string, check: (expression: string) => Promise<unknown>, labels?: UntypedLabels,
): Promise<{ expression: string; lone?: bigint; addresses?: boolean }> {
  let current = expression;
  let addresses = false;
  for (let round = 0; ; round++) {
    try {
      await check(current);
      return { expression: current, addresses };
    } catch (error) {
      // gdb names the symbol `msg.len` as `msg[len]`.
      const named = /'([^']+)' has unknown type/.exec((error as Error).message)?.[1];
      const name = named === undefined || round >= MAX_CONSTANTS ? undefined : labelName(named);
      const value = name !== undefined ? await equValue(gdb, name) : undefined;
      if (value !== undefined) {
        if (current.trim() === name || current.trim() === `'${name}'`) return { expression: `(${signedConstant(value)})`, lone: value };
      }
      const replacement = value !== undefined ? `(${signedConstant(value)})` : name !== undefined ? await labels?.addressOf(name) : undefined;
      if (replacement === undefined) throw error;
      const next = replaceName(current, name!, replacement);
      if (next === current) throw error;
      addresses ||= value === undefined;
      current = next;
    }
  }
}

/**
 * Replaces `name` where it stands as a whole symbol (not inside `len2`, `msg.len` or `$len`), or
 * quoted as gdb needs a dotted one (`'msg.len'`).
 */
export function replaceName(expression: string, name: string, replacement: string): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return expression.replace(new RegExp(`'${escaped}'|(?<![\\w.?$@#~'])${escaped}(?![\\w.?$@#~'])`, 'g'), replacement);
}
