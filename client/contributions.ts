// What package.json contributes and the code names: command ids, setting keys and defaults, the debug
// type, its languages and launch attributes, the trace view, the walkthrough. No vscode import: the unit test
// test/unit/client/contributions.test.ts reads package.json and checks it against this file.
import { DEBUG_TYPE, type LaunchArguments } from '../debug-adapter/protocol';
import { DEFAULT_SETTINGS as SERVER_DEFAULTS } from '../server/protocol';
import { SYSCALL_CATEGORIES } from '../syscalls/types';
import { DEFAULT_OUTPUT_FORMAT } from '../toolchain/options';
import { DEFAULT_TOOL_PATHS } from '../toolchain/tools';
import { DEFAULT_STRING_LIMIT } from '../trace/capture/straceProbe';

export const SETTINGS_SECTION = 'syscallLens';
export { DEBUG_TYPE };
export const TRACE_VIEW_ID = 'syscallLens.traceView';
/** Context key: a trace is running (the view title shows Stop instead of Trace). */
export const TRACING_CONTEXT = 'syscallLens.tracing';

/** Language ids whose files F5 can build and debug (other assembly extensions use the asm* ids). */
export const DEBUG_LANGUAGES = ['nasm', 'asm', 'asm-intel-x86-generic', 'asm-collection', 'c', 'rust'] as const;

export const COMMANDS = {
  stepInstruction: 'syscallLens.stepInstruction',
  nextInstruction: 'syscallLens.nextInstruction',
  runToNextSyscall: 'syscallLens.runToNextSyscall',
  trace: 'syscallLens.trace',
  traceWithArguments: 'syscallLens.traceWithArguments',
  stop: 'syscallLens.stop',
  openLog: 'syscallLens.openLog',
  exportJsonl: 'syscallLens.exportJsonl',
  compare: 'syscallLens.compare',
  failThisCall: 'syscallLens.failThisCall',
  toggleBytes: 'syscallLens.toggleBytes',
  copyShellcodeAsString: 'syscallLens.copyShellcodeAsString',
  copyShellcodeAsC: 'syscallLens.copyShellcodeAsC',
  copyShellcodeAsPython: 'syscallLens.copyShellcodeAsPython',
  showSyscallTable: 'syscallLens.showSyscallTable',
  showToolStatus: 'syscallLens.showToolStatus',
  debugFile: 'syscallLens.debugFile',
  openExample: 'syscallLens.openExample',
  openWalkthrough: 'syscallLens.openWalkthrough',
  showLog: 'syscallLens.showLog',
  showProgramSize: 'syscallLens.showProgramSize',
  compareProgramSize: 'syscallLens.compareProgramSize',
} as const;

/** The Get Started walkthrough (package.json contributes.walkthroughs). */
export const WALKTHROUGH_ID = 'gettingStarted';

export type CommandName = keyof typeof COMMANDS;

export interface Setting<T> {
  /** The key under `syscallLens.`. */
  key: string;
  /** The default package.json declares; taken from the module that owns the fact. */
  default: T;
}

const setting = <T>(key: string, defaultValue: T): Setting<T> => ({ key, default: defaultValue });

export const SETTINGS = {
  nasmPath: setting('nasmPath', DEFAULT_TOOL_PATHS.nasm),
  ldPath: setting('ldPath', DEFAULT_TOOL_PATHS.ld),
  gccPath: setting('gccPath', DEFAULT_TOOL_PATHS.gcc),
  gdbPath: setting('gdbPath', DEFAULT_TOOL_PATHS.gdb),
  stracePath: setting('stracePath', DEFAULT_TOOL_PATHS.strace),
  includePaths: setting<readonly string[]>('includePaths', []),
  defines: setting<readonly string[]>('defines', SERVER_DEFAULTS.defines),
  outputFormat: setting('outputFormat', DEFAULT_OUTPUT_FORMAT),
  /** Empty: the private cache folder (toolchain/build defaultBuildDirectory). */
  buildDirectory: setting('buildDirectory', ''),
  diagnosticsEnabled: setting('diagnostics.enable', SERVER_DEFAULTS.diagnosticsEnabled),
  nasmMemoryLimitMB: setting('diagnostics.nasmMemoryLimitMB', SERVER_DEFAULTS.nasmLimits.memoryMB),
  nasmTimeLimitSeconds: setting('diagnostics.nasmTimeLimitSeconds', SERVER_DEFAULTS.nasmLimits.timeSeconds),
  inlayHintsSyscallCall: setting('inlayHints.syscallCall', SERVER_DEFAULTS.inlayHints.syscallCall),
  inlayHintsParameterNames: setting('inlayHints.parameterNames', SERVER_DEFAULTS.inlayHints.parameterNames),
  inlayHintsBytes: setting('inlayHints.bytes', SERVER_DEFAULTS.inlayHints.bytes),
  traceAnnotations: setting('trace.annotations', true),
  traceStringLimit: setting('trace.stringLimit', DEFAULT_STRING_LIMIT),
  /** Launch-style run settings per program (trace/configuration.ts reads them). */
  traceConfigurations: setting<readonly unknown[]>('trace.configurations', []),
  /** `auto`: trace/session.ts stacksByDefault decides; `always`/`never`: -k or not. */
  traceStackTraces: setting<'auto' | 'always' | 'never'>('trace.stackTraces', 'auto'),
} as const;

/** The full key, as `affectsConfiguration` wants it. */
export function settingId(s: Setting<unknown>): string {
  return `${SETTINGS_SECTION}.${s.key}`;
}

/**
 * Every launch attribute the adapter reads, and who writes it: the user (package.json declares it)
 * or VS Code. Typed so that a new LaunchArguments field must be listed.
 */
export const LAUNCH_ATTRIBUTES: Record<keyof LaunchArguments, 'declared' | 'set by VS Code'> = {
  program: 'declared', args: 'declared', cwd: 'declared', env: 'declared', stdin: 'declared', build: 'declared',
  stopAtEntry: 'declared', gdbPath: 'declared', terminal: 'declared', trace: 'declared',
  includePaths: 'declared', buildDirectory: 'declared', outputFormat: 'declared', nasmPath: 'declared',
  ldPath: 'declared', gccPath: 'declared', stepBackLimit: 'declared',
  noDebug: 'set by VS Code',
};

/** Attributes VS Code itself gives every launch configuration, declared in package.json for completion. */
export const VSCODE_LAUNCH_ATTRIBUTES = ['preLaunchTask'] as const;

/** The trace panel's category filter offers every syscall category. */
export const TRACE_CATEGORIES: readonly string[] = SYSCALL_CATEGORIES;
