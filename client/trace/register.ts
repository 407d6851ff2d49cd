import type * as vscode from 'vscode';

// Placeholder until the strace panel lands (issue 6).
export function registerTracing(_context: vscode.ExtensionContext): void {}
