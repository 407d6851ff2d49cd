// Logpoints: breakpoints of logpoint.py's kind, which print the message on gdb's console stream and go
// on. Each `{expression}` is read on its own (a failure prints in its place, the program never waits).
import { expandDefines, toGdbExpression, type ExpressionLanguage } from './expressions';

/** Marks the text of logpoint output among gdb's console chatter. */
export const LOGPOINT_MARKER = '[syscall-lens-logpoint]';

/** Literal text, or an expression (gdb's notation) whose value prints there. */
export type LogPart = [text: string, expression: string | null];

/**
 * `value is {rax}` → its parts; each `{expression}` is written like a Debug Console expression (bare
 * register names, NASM memory operands, `equ` constants) and prints as a signed integer.
 */
export function logMessageParts(message: string, language: ExpressionLanguage = 'c', defines: ReadonlyMap<string, string> = new Map()): LogPart[] {
  const parts: LogPart[] = [];
  let last = 0;
  for (const match of message.matchAll(/\{([^}]+)\}/g)) {
    if (match.index > last) parts.push([message.slice(last, match.index), null]);
    parts.push(['', toGdbExpression(expandDefines(match[1]!.trim(), defines), language)]);
    last = match.index + match[0].length;
  }
  if (last < message.length) parts.push([message.slice(last), null]);
  return parts;
}
