import * as vscode from 'vscode';
import type { ToolPaths } from '../toolchain/tools';

/** One typed view of every `syscallLens.*` setting. */
export interface SyscallLensConfig {
  tools: ToolPaths;
  includePaths: string[];
  outputFormat: 'elf64' | 'elf32';
  buildDirectory: string | undefined;
  diagnosticsEnabled: boolean;
  inlayHints: { syscallCall: boolean; parameterNames: boolean };
  traceAnnotations: boolean;
  traceStringLimit: number;
}

export function readConfig(scope?: vscode.ConfigurationScope): SyscallLensConfig {
  const c = vscode.workspace.getConfiguration('syscallLens', scope);
  return {
    tools: {
      nasm: c.get('nasmPath', 'nasm') || 'nasm',
      ld: c.get('ldPath', 'ld') || 'ld',
      gcc: c.get('gccPath', 'gcc') || 'gcc',
      gdb: c.get('gdbPath', 'gdb') || 'gdb',
      strace: c.get('stracePath', 'strace') || 'strace',
    },
    includePaths: c.get<string[]>('includePaths', []),
    outputFormat: c.get('outputFormat', 'elf64'),
    buildDirectory: c.get('buildDirectory', '') || undefined,
    diagnosticsEnabled: c.get('diagnostics.enable', true),
    inlayHints: {
      syscallCall: c.get('inlayHints.syscallCall', true),
      parameterNames: c.get('inlayHints.parameterNames', true),
    },
    traceAnnotations: c.get('trace.annotations', true),
    traceStringLimit: c.get('trace.stringLimit', 256),
  };
}

/** Building, running, debugging and tracing need a trusted folder; this says why when it is not. */
export function ensureTrusted(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(
    `Syscall Lens does not ${action} in an untrusted folder. Trust the folder (Manage Workspace Trust) to enable it.`,
  );
  return false;
}
