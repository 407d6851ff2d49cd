// What a register or memory slot may hold at one point of the program: a known number or address,
// a symbolic value with its origin (a syscall's result, argc/argv from the initial stack, a stack
// address), "not set", or a small set of these joined where paths merge. Unknown keeps its reason.
import type { Address, NumberValue } from '../../nasm/parser/expression';

/** Where a symbolic value comes from. Lines are 0-based document lines. */
export type Origin =
  /** The value a syscall returned. `sign` is a range fact learnt from a `test`/`js`-style guard. */
  | ResultOrigin
  /** The initial process stack at the entry point: argc, argv[i], envp. */
  | { kind: 'initial'; what: 'argc' | 'argv' | 'envp'; index: number };

export interface ResultOrigin { kind: 'result'; syscall: string; noun: string; readonly line: number; sign?: 'error' | 'nonnegative' }

/**
 * What a position is kept against: the block holding it, which the document analysis moves in place
 * when lines are added or removed above it. A position is its anchor's start plus a fixed offset, so
 * results kept across such an edit name the lines as they are now.
 */
export interface LineAnchor { readonly start: number }

/** A syscall's result whose line moves with its block. */
class AnchoredResult implements ResultOrigin {
  readonly kind = 'result';
  sign?: 'error' | 'nonnegative';
  constructor(readonly syscall: string, readonly noun: string, readonly anchor: LineAnchor, readonly offset: number, sign?: 'error' | 'nonnegative') {
    if (sign) this.sign = sign;
  }
  get line(): number { return this.anchor.start + this.offset; }
}

/** The origin of a syscall's result on `line`, kept against `anchor` when there is one. */
export function resultOrigin(syscall: string, noun: string, line: number, anchor: LineAnchor | undefined, sign?: 'error' | 'nonnegative'): ResultOrigin {
  if (anchor) return new AnchoredResult(syscall, noun, anchor, line - anchor.start, sign);
  return { kind: 'result', syscall, noun, line, ...(sign ? { sign } : {}) };
}

/** The same result with the range fact a guard proved (anchored as the original). */
export function withSign(origin: ResultOrigin, sign: 'error' | 'nonnegative'): ResultOrigin {
  if (origin instanceof AnchoredResult) return new AnchoredResult(origin.syscall, origin.noun, origin.anchor, origin.offset, sign);
  return { ...origin, sign };
}

export interface SymbolValue { kind: 'symbol'; origin: Origin }
/** An address on the stack: `offset` bytes from rsp as it was on entry to `frame` (a procedure or `_start`). */
export interface StackAddress { kind: 'stack'; frame: string; offset: bigint }
/** No instruction wrote the register on this path. */
export interface Unset { kind: 'unset' }
export interface Unknown { kind: 'unknown'; reason: string }

export type Single = NumberValue | Address | SymbolValue | StackAddress | Unset | Unknown;
/** Several possibilities joined at a merge: known ones, or `unset` and one unknown; never nested. */
export interface Choice { kind: 'choice'; options: Single[] }
export type RegisterValue = Single | Choice;

export const UNSET: Unset = Object.freeze({ kind: 'unset' });
export const unknown = (reason: string): Unknown => ({ kind: 'unknown', reason });

/** More possibilities than this and the value is reported as unknown: a loop counter, not a choice. */
const MAX_OPTIONS = 6;

export function optionsOf(value: RegisterValue): readonly Single[] {
  return value.kind === 'choice' ? value.options : [value];
}

function sameSingle(a: Single, b: Single): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'number': return a.value === (b as NumberValue).value;
    case 'address': return a.anchor === (b as Address).anchor && a.offset === (b as Address).offset;
    case 'stack': return a.frame === (b as StackAddress).frame && a.offset === (b as StackAddress).offset;
    case 'symbol': return sameOrigin(a.origin, (b as SymbolValue).origin);
    // Unknowns are equal whatever their reason, so a fixpoint never chases reasons.
    default: return true;
  }
}

export function sameOrigin(a: Origin, b: Origin): boolean {
  if (a.kind === 'result' && b.kind === 'result') return a.line === b.line && a.syscall === b.syscall && a.sign === b.sign;
  if (a.kind === 'initial' && b.kind === 'initial') return a.what === b.what && a.index === b.index;
  return false;
}

export function sameValue(a: RegisterValue, b: RegisterValue): boolean {
  if (a === b) return true;
  const x = optionsOf(a);
  const y = optionsOf(b);
  return x.length === y.length && x.every((o) => y.some((p) => sameSingle(o, p)));
}

/** Everything either value may be. */
export function join(a: RegisterValue, b: RegisterValue): RegisterValue {
  if (a === b) return a;
  const options = [...optionsOf(a)];
  for (const option of optionsOf(b)) if (!options.some((o) => sameSingle(o, option))) options.push(option);
  if (options.length === 1) return options[0]!;
  const maybeUnset = options.some((o) => o.kind === 'unset');
  // An unknown absorbs the known values (a loop counter is unknown, not "9 or 8 or ?"); `unset` stays for the lints.
  const absorbing = options.find((o): o is Unknown => o.kind === 'unknown')
    ?? (options.length > MAX_OPTIONS ? unknown(`one of more than ${MAX_OPTIONS} values`) : undefined);
  if (absorbing) return maybeUnset ? { kind: 'choice', options: [UNSET, absorbing] } : absorbing;
  return { kind: 'choice', options };
}

/** True when some path reaches here without setting the register. */
export function mayBeUnset(value: RegisterValue): boolean {
  return optionsOf(value).some((o) => o.kind === 'unset');
}

/** Applies `f` to every possibility; an unknown result absorbs the rest. */
export function mapOptions(value: RegisterValue, f: (single: Single) => RegisterValue): RegisterValue {
  if (value.kind !== 'choice') return f(value);
  let result: RegisterValue | undefined;
  for (const option of value.options) result = result ? join(result, f(option)) : f(option);
  return result!;
}

/** `fd returned by open (line 12)`, `argv[1]`, with the range fact when a guard proved one. */
export function describeOrigin(origin: Origin): string {
  if (origin.kind === 'initial') return origin.what === 'argc' ? 'argc' : `${origin.what}[${origin.index}]`;
  const where = `${origin.syscall} (line ${origin.line + 1})`;
  if (origin.sign === 'error') return `−errno returned by ${where}, −4095…−1`;
  return `${origin.noun} returned by ${where}${origin.sign === 'nonnegative' ? ', ≥ 0' : ''}`;
}
