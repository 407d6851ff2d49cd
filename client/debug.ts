import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CustomRequest, LaunchArguments } from '../debug-adapter/protocol';
import { describeBuildFailure, sourceKindOf } from '../toolchain/build';
import { isRustSource } from '../toolchain/cargo';
import { messagePlaces, type ToolMessage } from '../toolchain/nasmMessages';
import { buildSettingsFrom } from '../toolchain/options';
import { prepareTarget, TargetError } from '../toolchain/target';
import { findExecutable, ToolNotFoundError } from '../toolchain/tools';
import { GdbAhead } from './gdbAhead';
import { adapterBundle, InlineAdapter, type BundlePlace } from './inlineAdapter';
import { buildOptionsFor, ensureTrusted, readConfig } from './config';
import { COMMANDS, DEBUG_LANGUAGES, DEBUG_TYPE } from './contributions';

const DEBUGGABLE_LANGUAGES = new Set<string>(DEBUG_LANGUAGES);

type SyscallGdbConfiguration = vscode.DebugConfiguration & Partial<LaunchArguments>;

function activeSource(): vscode.Uri | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.uri.scheme !== 'file') return undefined;
  return DEBUGGABLE_LANGUAGES.has(document.languageId) || sourceKindOf(document.fileName) ? document.uri : undefined;
}

function configurationFor(file: string): SyscallGdbConfiguration {
  return {
    type: DEBUG_TYPE, request: 'launch', name: `Debug ${path.basename(file)}`,
    // Assembly stops at _start; C and Rust run to the first breakpoint (their entry is the runtime's).
    program: file, stopAtEntry: sourceKindOf(file) !== 'c' && !isRustSource(file),
  };
}

/**
 * F5 without launch.json and building the program before each launch. "Create a launch.json file" writes
 * package.json's one initialConfigurations entry; a provideDebugConfigurations here would add a second.
 */
class SyscallGdbConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly diagnostics: vscode.DiagnosticCollection, private readonly ahead: GdbAhead, private readonly bundle: BundlePlace) {}

  async resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: SyscallGdbConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (!config.type && !config.request && !config.name) {
      const source = activeSource();
      if (!source) {
        void vscode.window.showInformationMessage('Open an .asm, .c or .rs file to debug it, or add a "syscall-gdb" configuration to launch.json.');
        return undefined;
      }
      // VS Code's empty configuration may carry noDebug (Ctrl+F5): it stays.
      config = { ...config, ...configurationFor(source.fsPath) };
    }
    if (!config.program) {
      void vscode.window.showErrorMessage('The Syscall Lens launch configuration needs a "program" (an .asm/.c file or a built program).');
      return undefined;
    }
    if (!ensureTrusted('build or debug programs')) return undefined;
    return config;
  }

  /** Runs after ${file} and friends are substituted: builds the source, or stops with diagnostics. */
  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: SyscallGdbConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    const settings = readConfig(folder?.uri);
    config.gdbPath ||= settings.tools.gdb;
    const program = path.resolve(folder?.uri.fsPath ?? config.cwd ?? '', config.program ?? '');
    // gdb's start-up is the longest step before the first stop: it runs beside the loading of the
    // adapter and the build. The session about to be created takes this gdb; a failed build ends it.
    const gdbPath = config.noDebug ? undefined : findExecutable(config.gdbPath || 'gdb');
    if (gdbPath) this.ahead.start(gdbPath);
    const building = (config.build ?? 'auto') === 'auto' && sourceKindOf(program)
      ? this.build(vscode.Uri.file(program), config, settings.diagnosticsEnabled) : undefined;
    // The build's first tool (nasm, gcc) is running by now, in its own process: the bundle loads beside it.
    adapterBundle(this.bundle);
    if (!building) return config;
    const built = await building;
    if (!built) {
      this.ahead.discard();
      return undefined;
    }
    // The program runs where its source is, not in the build folder, unless launch.json says otherwise.
    return {
      ...config, program: built, build: 'off', cwd: config.cwd ?? path.dirname(program),
      stopAtEntry: config.stopAtEntry ?? sourceKindOf(program) !== 'c',
    };
  }

  /** Builds the source the way Trace does (same options, same rule); shows the build's messages. */
  private async build(source: vscode.Uri, config: SyscallGdbConfiguration, languageServerShowsNasm: boolean): Promise<string | undefined> {
    const file = source.fsPath;
    try {
      const options = buildOptionsFor(source, buildSettingsFrom(config));
      const building = prepareTarget(file, options); // started before this returns (see the caller)
      const target = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Building ${path.basename(file)}` },
        () => building,
      );
      this.showDiagnostics(file, target.build?.messages ?? []);
      return target.program;
    } catch (error) {
      const result = error instanceof TargetError && error.reason === 'build-failed' ? error.build : undefined;
      if (result) {
        // With diagnostics on, the language server already shows nasm's own messages; repeat only the rest.
        const nasmFailed = result.steps.at(-1)?.tool === 'nasm';
        this.showDiagnostics(file, languageServerShowsNasm && nasmFailed ? [] : result.messages);
        void vscode.window.showErrorMessage(`${describeBuildFailure(result)} — the program was not started.`);
      } else {
        const message = error instanceof ToolNotFoundError || error instanceof TargetError ? error.message : `Could not build ${path.basename(file)}: ${(error as Error).message}`;
        void vscode.window.showErrorMessage(message);
      }
    }
    return undefined;
  }

  private showDiagnostics(source: string, messages: ToolMessage[]): void {
    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const lineRange = (line: number) => new vscode.Range(Math.max(0, line - 1), 0, Math.max(0, line - 1), Number.MAX_SAFE_INTEGER);
    const location = (file: string, line: number) => new vscode.Location(vscode.Uri.file(file), lineRange(line));
    for (const place of messagePlaces(messages, source, (base, file) => path.resolve(path.dirname(base), file))) {
      const severity = place.severity === 'error' ? vscode.DiagnosticSeverity.Error
        : place.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
      const diagnostic = new vscode.Diagnostic(lineRange(place.line), place.message, severity);
      diagnostic.source = 'build';
      diagnostic.relatedInformation = place.related.map((r) => new vscode.DiagnosticRelatedInformation(location(r.file, r.line), r.message));
      byFile.set(place.file, [...(byFile.get(place.file) ?? []), diagnostic]);
    }
    for (const [file, diagnostics] of byFile) this.diagnostics.set(vscode.Uri.file(file), diagnostics);
  }
}

/**
 * The adapter runs inside the extension host (inlineAdapter.ts): F5 starts no node process. Its bundle
 * is also `syscall-lens dap` for other editors, in a process of its own.
 */
class SyscallGdbAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly place: BundlePlace, private readonly ahead: GdbAhead) {}

  createDebugAdapterDescriptor(): vscode.DebugAdapterDescriptor {
    const bundle = adapterBundle(this.place);
    return new vscode.DebugAdapterInlineImplementation(new InlineAdapter(bundle, this.ahead.take(bundle)));
  }
}

/** Sends one of the adapter's custom stepping requests to the active syscall-gdb session. */
function customStep(request: CustomRequest) {
  return async () => {
    const session = vscode.debug.activeDebugSession;
    if (session?.type !== DEBUG_TYPE) {
      void vscode.window.showInformationMessage('Start a Syscall Lens debug session (F5 on an .asm file) first.');
      return;
    }
    try {
      await session.customRequest(request);
    } catch (error) {
      void vscode.window.showWarningMessage((error as Error).message);
    }
  };
}

export function registerDebugging(context: vscode.ExtensionContext): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('syscall-lens-build');
  const ahead = new GdbAhead();
  const place: BundlePlace = { extensionUri: context.extensionUri, cacheDir: path.join(context.globalStorageUri.fsPath, 'code-cache') };
  const provider = new SyscallGdbConfigurationProvider(diagnostics, ahead, place);
  context.subscriptions.push(
    diagnostics, ahead,
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, {
      provideDebugConfigurations: () => {
        const source = activeSource();
        return source ? [configurationFor(source.fsPath)] : [];
      },
    }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new SyscallGdbAdapterFactory(place, ahead)),
    vscode.commands.registerCommand(COMMANDS.stepInstruction, customStep('stepInstruction')),
    vscode.commands.registerCommand(COMMANDS.nextInstruction, customStep('nextInstruction')),
    vscode.commands.registerCommand(COMMANDS.runToNextSyscall, customStep('runToNextSyscall')),
  );
}
