// A call as the parser makes it. Its arguments stay one piece of text until something reads them:
// most calls of a long trace are counted and never shown, so most are never split.
import type { CallCredit, CallOrigin, SourceLocation, StackFrame, SyscallArgument, SyscallEvent } from '../events';
import { splitArguments } from './argumentScanner';

export class ParsedSyscall implements SyscallEvent {
  readonly kind = 'syscall' as const;
  time: number | undefined;
  ip: number | undefined;
  result: string | undefined = undefined;
  returnValue: number | undefined = undefined;
  resultPath: string | undefined = undefined;
  errno: string | undefined = undefined;
  errnoMessage: string | undefined = undefined;
  duration: number | undefined = undefined;
  location: SourceLocation | undefined = undefined;
  origin: CallOrigin | undefined = undefined;
  via: string[] | undefined = undefined;
  credit: CallCredit | undefined = undefined;
  fdOrigins: (number | undefined)[] | undefined = undefined;
  /** From just after `name(` to the `)` that closes it (or to where the line stopped). */
  #argumentText: string;
  #args: SyscallArgument[] | undefined = undefined;

  constructor(
    public seq: number,
    public pid: number,
    time: number | undefined,
    ip: number | undefined,
    public name: string,
    argumentText: string,
    public inProgress: boolean,
    public abi: 'x86_64' | 'i386',
    public annotations: string[],
    public stack: StackFrame[],
  ) {
    this.time = time;
    this.ip = ip;
    this.#argumentText = argumentText;
  }

  get args(): SyscallArgument[] {
    if (!this.#args) {
      const args = splitArguments(this.#argumentText);
      // A call interrupted by the process's death prints `... <unfinished ...>) = ?`.
      const last = args[args.length - 1];
      if (last && last.text === '<unfinished ...>' && last.name === undefined) args.pop();
      this.#args = args;
    }
    return this.#args;
  }

  set args(args: SyscallArgument[]) {
    this.#args = args;
  }

  /** JSON of the event as data, its arguments included (a spread `{ ...event }` would leave them out). */
  toJSON(): SyscallEvent {
    return { ...this, args: this.args };
  }
}
