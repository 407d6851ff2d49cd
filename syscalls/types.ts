/** The two system-call ABIs a Linux x86-64 program can use. */
export type Abi = 'x86_64' | 'i386';

/** Our grouping of syscalls (rules in data/categories.json; 'other' when none matches). */
export const SYSCALL_CATEGORIES = [
  'file', 'descriptor', 'network', 'memory', 'process', 'signal', 'ipc', 'time', 'credentials', 'system', 'other',
] as const;

export type SyscallCategory = (typeof SYSCALL_CATEGORIES)[number];

export interface SyscallParam {
  /** C type with `__user` and similar annotations removed, e.g. `const char *`. */
  type: string;
  name: string;
}

export interface SyscallInfo {
  abi: Abi;
  number: number;
  name: string;
  /** Kernel entry point, or null when the table has none (not implemented). */
  entry: string | null;
  /** In register order. */
  params: SyscallParam[];
  returns: string;
  category: SyscallCategory;
  summary?: string;
  /** Kernel source file of the definition the x86 build compiles, e.g. `fs/read_write.c`. */
  source?: string;
  /** The call does not return to the caller when it succeeds (exit, exit_group, rt_sigreturn...). */
  noReturn?: boolean;
  manUrl: string;
}

export interface UnknownSyscall {
  known: false;
  abi: Abi;
  number?: number;
  name?: string;
  /** e.g. "unknown syscall 500" — ready to show a user. */
  message: string;
}

export type SyscallLookup = { known: true; syscall: SyscallInfo } | UnknownSyscall;

export interface CallingConvention {
  abi: Abi;
  /** Instructions that enter the kernel with this convention. */
  instructions: string[];
  numberRegister: string;
  /** Argument registers in order: argument i is in argumentRegisters[i]. */
  argumentRegisters: string[];
  resultRegister: string;
  /** Registers the kernel overwrites besides the result. */
  clobbered: string[];
}

export interface ErrnoInfo {
  number: number;
  name: string;
  message: string;
}

/** A decoded argument or result, ready to show. */
export interface DecodedValue {
  /** Human text: `O_WRONLY|O_CREAT|O_TRUNC`, `1 (stdout)`, `0644 (rw-r--r--)`, or the plain number. */
  text: string;
  /** What decoder produced it; `number` means no decoder applied. */
  kind: 'fd' | 'flags' | 'mode' | 'enum' | 'errno' | 'signal' | 'pointer' | 'number';
}
