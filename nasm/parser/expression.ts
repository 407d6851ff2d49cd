// Evaluates NASM constant expressions over tokens: numbers, symbols, `$`, and the usual operators.
import type { Token } from './tokens';

/** A position in the output: `offset` bytes after the label `anchor`. */
export interface Address { kind: 'address'; anchor: string; offset: bigint }
export interface NumberValue { kind: 'number'; value: bigint }
export type Value = NumberValue | Address;

export interface EvaluationContext {
  /** The value of a symbol, or undefined when it is not known. */
  resolve(name: string): Value | undefined;
  /** The value of `$` on this line, when known. */
  here?: Address;
}

export const num = (value: bigint): NumberValue => ({ kind: 'number', value });

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1, '^^': 2, '&&': 3,
  '==': 4, '!=': 4, '<>': 4, '<': 4, '>': 4, '<=': 4, '>=': 4,
  '|': 5, '^': 6, '&': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '//': 10, '%': 10, '%%': 10,
};

function applyBinary(op: string, a: Value, b: Value): Value | undefined {
  if (a.kind === 'address' || b.kind === 'address') {
    if (op === '+' && a.kind === 'address' && b.kind === 'number') return { ...a, offset: a.offset + b.value };
    if (op === '+' && b.kind === 'address' && a.kind === 'number') return { ...b, offset: b.offset + a.value };
    if (op === '-' && a.kind === 'address' && b.kind === 'number') return { ...a, offset: a.offset - b.value };
    if (op === '-' && a.kind === 'address' && b.kind === 'address' && a.anchor === b.anchor) return num(a.offset - b.offset);
    return undefined;
  }
  const x = a.value;
  const y = b.value;
  const bool = (v: boolean) => num(v ? 1n : 0n);
  switch (op) {
    case '+': return num(x + y);
    case '-': return num(x - y);
    case '*': return num(x * y);
    case '/': case '//': return y === 0n ? undefined : num(x / y);
    case '%': case '%%': return y === 0n ? undefined : num(x % y);
    case '<<': return y < 0n || y > 128n ? undefined : num(x << y);
    case '>>': return y < 0n || y > 128n ? undefined : num(x >> y);
    case '&': return num(x & y);
    case '|': return num(x | y);
    case '^': return num(x ^ y);
    case '==': return bool(x === y);
    case '!=': case '<>': return bool(x !== y);
    case '<': return bool(x < y);
    case '>': return bool(x > y);
    case '<=': return bool(x <= y);
    case '>=': return bool(x >= y);
    case '&&': return bool(x !== 0n && y !== 0n);
    case '||': return bool(x !== 0n || y !== 0n);
    case '^^': return bool((x !== 0n) !== (y !== 0n));
    default: return undefined;
  }
}

class Evaluator {
  private index = 0;
  constructor(private readonly tokens: readonly Token[], private readonly context: EvaluationContext) {}

  run(): Value | undefined {
    if (this.tokens.length === 0 || this.tokens.length > 4096) return undefined;
    const value = this.binary(1);
    return this.index === this.tokens.length ? value : undefined;
  }

  private peek(): Token | undefined { return this.tokens[this.index]; }

  private binary(minPrecedence: number): Value | undefined {
    let left = this.unary();
    for (;;) {
      const op = this.peek();
      const precedence = op?.kind === 'operator' ? BINARY_PRECEDENCE[op.text] : undefined;
      if (!op || precedence === undefined || precedence < minPrecedence) return left;
      this.index++;
      const right = this.binary(precedence + 1);
      left = left && right ? applyBinary(op.text, left, right) : undefined;
    }
  }

  private unary(): Value | undefined {
    const token = this.peek();
    if (!token) return undefined;
    if (token.kind === 'operator' && (token.text === '-' || token.text === '+' || token.text === '~' || token.text === '!')) {
      this.index++;
      const operand = this.unary();
      if (!operand || operand.kind !== 'number') return token.text === '+' ? operand : undefined;
      if (token.text === '-') return num(-operand.value);
      if (token.text === '~') return num(~operand.value);
      if (token.text === '!') return num(operand.value === 0n ? 1n : 0n);
      return operand;
    }
    return this.primary();
  }

  private primary(): Value | undefined {
    const token = this.tokens[this.index++];
    if (!token) return undefined;
    if (token.kind === 'operator' && token.text === '(') {
      const inner = this.binary(1);
      if (this.peek()?.text !== ')') return undefined;
      this.index++;
      return inner;
    }
    if (token.kind === 'number' || token.kind === 'string') return token.value === undefined ? undefined : num(token.value);
    if (token.kind === 'operator' && token.text === '$') return this.context.here;
    if (token.kind === 'identifier') return this.context.resolve(token.text);
    return undefined;
  }
}

/** The value of an expression, or undefined when any part is unknown or it is not an expression. */
export function evaluateExpression(tokens: readonly Token[], context: EvaluationContext): Value | undefined {
  try {
    return new Evaluator(tokens, context).run();
  } catch (error) {
    // A BigInt too large or a recursion too deep: an expression we cannot evaluate is unknown. Anything
    // else comes from the caller's resolve (the structure pass gives up a partial pass that way).
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}
