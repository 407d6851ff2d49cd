// Logpoints are gdb dprintf breakpoints: gdb prints the message on its console stream and continues.
import { withRegisterSigils } from './registers';

/** Marks the text of logpoint output among gdb's console chatter. */
export const LOGPOINT_MARKER = '[syscall-lens-logpoint]';

/**
 * `value is {rax}` → dprintf format and arguments; each `{expr}` prints as a signed integer.
 * Register names may be written bare; labels are read as 8-byte values.
 */
export function logMessageToDprintf(message: string): { format: string; args: string[] } {
  const args: string[] = [];
  const format = message.replace(/%/g, '%%').replace(/\{([^}]+)\}/g, (_, expr: string) => {
    args.push(`(long long)(${withRegisterSigils(expr.trim())})`);
    return '%lld';
  });
  return { format: `${LOGPOINT_MARKER}${format}\n`, args };
}
