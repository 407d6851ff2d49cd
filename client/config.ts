import * as vscode from 'vscode';
import type { OutputFormat } from '../toolchain/build';
import { resolveBuildOptions, type BuildOptions, type BuildSettings } from '../toolchain/options';
import type { ToolPaths } from '../toolchain/tools';
import { SETTINGS, SETTINGS_SECTION, type Setting } from './contributions';

/** One typed view of every `syscallLens.*` setting. */
export interface SyscallLensConfig {
  tools: ToolPaths;
  includePaths: string[];
  defines: string[];
  outputFormat: OutputFormat;
  buildDirectory: string | undefined;
  diagnosticsEnabled: boolean;
  nasmLimits: { memoryMB: number; timeSeconds: number };
  inlayHints: { syscallCall: boolean; parameterNames: boolean; bytes: boolean };
  traceAnnotations: boolean;
  traceStringLimit: number;
  /** The setting as written (trace/configuration.ts checks and reads it). */
  traceConfigurations: unknown;
  /** -k stacks for traces: true/false, or undefined to let the trace decide (TraceRequest.stackTraces). */
  traceStackTraces: boolean | undefined;
}

export function readConfig(scope?: vscode.ConfigurationScope): SyscallLensConfig {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const get = <T>(s: Setting<T>): T => c.get<T>(s.key, s.default);
  // An emptied path setting means "the default", not "no program".
  const tool = (s: Setting<string>) => get(s) || s.default;
  return {
    tools: {
      nasm: tool(SETTINGS.nasmPath),
      ld: tool(SETTINGS.ldPath),
      gcc: tool(SETTINGS.gccPath),
      gdb: tool(SETTINGS.gdbPath),
      strace: tool(SETTINGS.stracePath),
    },
    includePaths: [...get(SETTINGS.includePaths)],
    defines: [...get(SETTINGS.defines)],
    outputFormat: get(SETTINGS.outputFormat),
    buildDirectory: get(SETTINGS.buildDirectory) || undefined,
    diagnosticsEnabled: get(SETTINGS.diagnosticsEnabled),
    nasmLimits: { memoryMB: get(SETTINGS.nasmMemoryLimitMB), timeSeconds: get(SETTINGS.nasmTimeLimitSeconds) },
    inlayHints: {
      syscallCall: get(SETTINGS.inlayHintsSyscallCall),
      parameterNames: get(SETTINGS.inlayHintsParameterNames),
      bytes: get(SETTINGS.inlayHintsBytes),
    },
    traceAnnotations: get(SETTINGS.traceAnnotations),
    traceStringLimit: get(SETTINGS.traceStringLimit),
    traceConfigurations: get(SETTINGS.traceConfigurations),
    traceStackTraces: { always: true, never: false }[get(SETTINGS.traceStackTraces) as 'always' | 'never'],
  };
}

/**
 * How to build one source, for F5 and Trace alike: the settings of its folder, overridden by a launch
 * configuration's own build attributes (from buildSettingsFrom), every path resolved by the one rule
 * (toolchain/options).
 */
export function buildOptionsFor(source: vscode.Uri, overrides: BuildSettings = {}): BuildOptions {
  const config = readConfig(source);
  const settings: BuildSettings = {
    nasmPath: config.tools.nasm, ldPath: config.tools.ld, gccPath: config.tools.gcc,
    includePaths: config.includePaths, defines: config.defines, buildDirectory: config.buildDirectory, outputFormat: config.outputFormat,
  };
  return resolveBuildOptions({ ...settings, ...overrides }, vscode.workspace.getWorkspaceFolder(source)?.uri.fsPath, source.fsPath);
}

/** Building, running, debugging and tracing need a trusted folder; this says why when it is not. */
export function ensureTrusted(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(
    `Syscall Lens does not ${action} in an untrusted folder. Trust the folder (Manage Workspace Trust) to enable it.`,
  );
  return false;
}
