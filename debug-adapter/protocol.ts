// The contract between the extension (client/) and the debug adapter: the debug type, the launch
// arguments, the custom requests and the syscall filter ids. vscode-free, so both sides import it.
import type { OutputFormat } from '../toolchain/build';

export const DEBUG_TYPE = 'syscall-gdb';

/** launch.json attributes of a `syscall-gdb` configuration (package.json documents them for users). */
export interface LaunchArguments {
  /** The program, or an .asm/.nasm/.c source to build first. */
  program: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string | null>;
  /** A file the program reads as its standard input. */
  stdin?: string;
  /** `auto` builds sources, `off` never builds, anything else is a build command run before launching. */
  build?: string;
  stopAtEntry?: boolean;
  gdbPath?: string;
  terminal?: 'integrated' | 'external' | 'none';
  /** Log the MI conversation to the Debug Console. */
  trace?: boolean;
  /** Run Without Debugging (Ctrl+F5): build and run to the end, no stops. */
  noDebug?: boolean;
  /** Instructions recorded for Step Back (the oldest go first); 0 turns recording off. */
  stepBackLimit?: number;
  /**
   * Build settings for `"build": "auto"`, named as the syscallLens.* settings. VS Code fills them from
   * the settings and builds before launching; other clients set them here. Relative paths are
   * relative to `cwd`, else to the source's folder (toolchain/options resolveBuildOptions).
   */
  includePaths?: string[];
  buildDirectory?: string;
  outputFormat?: OutputFormat;
  nasmPath?: string;
  ldPath?: string;
  gccPath?: string;
}

/** The adapter's own requests, sent by the client's commands. */
export const CUSTOM_REQUESTS = ['stepInstruction', 'nextInstruction', 'runToNextSyscall'] as const;
export type CustomRequest = (typeof CUSTOM_REQUESTS)[number];

export function isCustomRequest(command: string): command is CustomRequest {
  return (CUSTOM_REQUESTS as readonly string[]).includes(command);
}

/** Exception-breakpoint filter ids: stop at a syscall's entry, or at its return. */
export const SYSCALL_FILTER = { entry: 'syscall-entry', return: 'syscall-return' } as const;
export type SyscallFilterId = (typeof SYSCALL_FILTER)[keyof typeof SYSCALL_FILTER];

/** Exception-breakpoint filter id: stop where a Rust program panics (std's rust_panic). */
export const PANIC_FILTER = 'rust-panic';
