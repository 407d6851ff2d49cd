// The "Syscall Lens" output channel: every command the extension runs (nasm, ld, gcc, strace and
// the tool probes, as a shell would run them), each debug launch handed to gdb, and the tool
// versions found, so a user can reproduce what ran and attach it to a bug report.
import * as vscode from 'vscode';
import { commandLine, onCommandRun, shellQuoted } from '../toolchain/commandLog';
import { COMMANDS, DEBUG_TYPE } from './contributions';

let channel: vscode.LogOutputChannel | undefined;

export function outputChannel(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Syscall Lens', { log: true });
  return channel;
}

export function registerOutputChannel(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  const log = outputChannel();
  const stop = onCommandRun((record) => log.info(`${record.cwd ? `(in ${record.cwd}) ` : ''}${commandLine(record)}`));
  context.subscriptions.push(
    log,
    { dispose: stop },
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show()),
    // gdb runs inside the debug adapter's own process; what it is asked to run is in the launch request.
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: (session) => ({
        onWillReceiveMessage: (message: { type?: string; command?: string; arguments?: Record<string, unknown> }) => {
          if (message.type !== 'request' || message.command !== 'launch') return;
          const args = message.arguments ?? {};
          const argv = [String(args.program ?? ''), ...(Array.isArray(args.args) ? args.args.map(String) : [])];
          log.info(`debug "${session.name}": ${String(args.gdbPath ?? 'gdb')} runs ${shellQuoted(argv)}${args.cwd ? ` (in ${String(args.cwd)})` : ''}`);
        },
        // The adapter's pipe reports a read error when the session ends; worth a line, not an alarm.
        onError: (error: Error) => log.debug(`debug "${session.name}": adapter connection: ${error.message}`),
      }),
    }),
  );
  channel = log;
  return log;
}
