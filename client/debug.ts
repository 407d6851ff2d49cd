import type * as vscode from 'vscode';

// Placeholder until the debug adapter wiring lands (issue 5).
export function registerDebugging(_context: vscode.ExtensionContext): void {}
