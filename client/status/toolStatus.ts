// The status bar item: which tools Syscall Lens found (with versions), whether strace may trace
// here, and one actionable line per problem. Clicking it lists the tools with a fix for each.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { onCommandRun } from '../../toolchain/commandLog';
import { readConfig } from '../config';
import { COMMANDS, SETTINGS, settingId } from '../contributions';
import { outputChannel } from '../output';
import { machineHealth, machineProblems, probeMachine, type MachineReport, type ToolReport } from './toolProbe';

export const STATUS_ITEM_ID = 'syscallLens.toolStatus';

const ICON = { ok: '$(check)', degraded: '$(warning)', unusable: '$(error)' } as const;

export class ToolStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private report: MachineReport | undefined;
  private probing: Promise<MachineReport> | undefined;
  /** Programs being traced now (strace runs reported through toolchain/commandLog). */
  private readonly tracing = new Map<symbol, string>();

  constructor() {
    this.item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 0);
    this.item.name = 'Syscall Lens tools';
    this.item.command = COMMANDS.showToolStatus;
    this.item.text = '$(sync~spin) Syscall Lens';
    this.item.tooltip = 'Looking for nasm, ld, gcc, gdb and strace…';
    this.item.show();
  }

  /** Probes again (after a setting changed, or on request) and updates the item. */
  refresh(): Promise<MachineReport> {
    this.probing ??= probeMachine(readConfig().tools).then((report) => {
      this.report = report;
      this.probing = undefined;
      this.render(report);
      this.log(report);
      return report;
    }, (error: unknown) => {
      this.probing = undefined;
      throw error;
    });
    return this.probing;
  }

  /** Shows "tracing PROGRAM" while an strace run lasts. */
  traceStarted(program: string, ended: Promise<void>): void {
    const key = Symbol(program);
    this.tracing.set(key, program);
    if (this.report) this.render(this.report);
    void ended.finally(() => {
      this.tracing.delete(key);
      if (this.report) this.render(this.report);
    });
  }

  private render(report: MachineReport): void {
    const health = machineHealth(report);
    const problems = machineProblems(report);
    const traced = [...this.tracing.values()];
    const tracing = traced.length ? ` · $(pulse) tracing ${traced.map((program) => path.basename(program)).join(', ')}` : '';
    this.item.text = `${ICON[health]} Syscall Lens${problems.length ? `: ${summary(report)}` : ''}${tracing}`;
    this.item.backgroundColor = health === 'ok' ? undefined
      : new vscode.ThemeColor(health === 'unusable' ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground');
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown('**Syscall Lens tools**\n\n');
    for (const tool of report.tools) tooltip.appendMarkdown(`- ${toolLine(tool)}\n`);
    if (report.ptrace) tooltip.appendMarkdown(`- ptrace: ${report.ptrace.permitted ? 'permitted' : 'denied'}\n`);
    tooltip.appendMarkdown(`- ${report.platform.description}\n`);
    for (const program of traced) tooltip.appendMarkdown(`- $(pulse) tracing ${program}\n`);
    tooltip.appendMarkdown('\n');
    tooltip.appendMarkdown(problems.length ? 'Click for the fixes.' : 'Click for details.');
    tooltip.supportThemeIcons = true;
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: `Syscall Lens: ${problems.length ? problems.join(' ') : 'all tools found'}` };
  }

  private log(report: MachineReport): void {
    const log = outputChannel();
    for (const tool of report.tools) {
      if (tool.problem) log.warn(`${tool.problem}. ${tool.fix ?? ''}`);
      else log.info(`${tool.tool} ${tool.version} at ${tool.path}`);
    }
    if (report.ptrace?.permitted === false) log.warn(`ptrace denied: ${report.ptrace.detail ?? ''}`);
    log.info(report.platform.description);
  }

  /** The click: every tool with its version or its problem, and what can be done about it. */
  async showDetails(): Promise<void> {
    const report = this.report ?? await this.refresh();
    type Item = vscode.QuickPickItem & { run?: () => unknown };
    const items: Item[] = [{ label: 'Tools', kind: vscode.QuickPickItemKind.Separator }];
    for (const tool of report.tools) {
      const setting = settingId(SETTINGS[`${tool.tool}Path`]);
      const install = /sudo apt-get install [\w.+-]+/.exec(tool.fix ?? '')?.[0];
      items.push({
        label: `${tool.problem ? '$(warning)' : '$(check)'} ${tool.tool}`,
        description: tool.problem ? tool.problem : `${tool.version} · ${tool.path}`,
        detail: tool.fix ? `${tool.fix}${install ? ' — select to type the install command in a terminal' : ''}` : `Used for ${tool.neededFor.join(', ')}. Select to change ${setting}.`,
        run: install ? () => typeInTerminal(install) : () => vscode.commands.executeCommand('workbench.action.openSettings', setting),
      });
    }
    items.push({ label: 'Machine', kind: vscode.QuickPickItemKind.Separator });
    if (report.ptrace) {
      items.push({
        label: `${report.ptrace.permitted ? '$(check)' : '$(warning)'} ptrace`,
        description: report.ptrace.permitted ? 'strace may trace programs here' : 'denied: tracing cannot work',
        ...(report.ptrace.detail ? { detail: report.ptrace.detail } : {}),
      });
    }
    items.push({
      label: `${report.platform.supported ? '$(check)' : '$(error)'} ${report.platform.description}`,
      ...(report.platform.fix ? { detail: report.platform.fix } : {}),
    });
    items.push({ label: 'Actions', kind: vscode.QuickPickItemKind.Separator });
    items.push({ label: '$(refresh) Check again', run: () => this.refresh() });
    items.push({ label: '$(output) Show the Syscall Lens log', run: () => outputChannel().show() });
    items.push({ label: '$(book) Open the Get Started walkthrough', run: () => vscode.commands.executeCommand(COMMANDS.openWalkthrough) });
    const picked = await vscode.window.showQuickPick(items, { title: 'Syscall Lens: tools and fixes', matchOnDescription: true, matchOnDetail: true });
    await picked?.run?.();
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** `nasm 2.16.01` or `strace missing`, as the tooltip lists them. */
function toolLine(tool: ToolReport): string {
  return tool.problem ? `$(warning) ${tool.tool}: ${tool.problem}` : `$(check) ${tool.tool} ${tool.version}`;
}

/** What the status bar says after the name: the first problem, and how many more. */
function summary(report: MachineReport): string {
  if (!report.platform.supported) return 'unsupported platform';
  const missing = report.tools.filter((tool) => tool.problem && !tool.path).map((tool) => tool.tool);
  const unusable = report.tools.filter((tool) => tool.problem && tool.path).map((tool) => tool.tool);
  const parts = [
    ...(missing.length ? [`${missing.join(', ')} missing`] : []),
    ...(unusable.length ? [`check ${unusable.join(', ')}`] : []),
  ];
  if (report.ptrace?.permitted === false) parts.push('ptrace denied');
  return parts.join(', ');
}

/** Types (without running) an install command in a terminal, so the user sees and confirms it. */
function typeInTerminal(command: string): void {
  const terminal = vscode.window.createTerminal({ name: 'Syscall Lens: install' });
  terminal.show();
  terminal.sendText(command, false);
}

export function registerToolStatus(context: vscode.ExtensionContext): ToolStatus {
  const status = new ToolStatus();
  context.subscriptions.push(
    status,
    vscode.commands.registerCommand(COMMANDS.showToolStatus, () => status.showDetails()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      const toolSettings = [SETTINGS.nasmPath, SETTINGS.ldPath, SETTINGS.gccPath, SETTINGS.gdbPath, SETTINGS.stracePath];
      if (toolSettings.some((s) => event.affectsConfiguration(settingId(s)))) void status.refresh();
    }),
  );
  const stopWatching = onCommandRun((record) => {
    if (!record.ended || path.basename(record.file) !== 'strace') return;
    // strace's arguments end with `-- PROGRAM ARGS…`.
    const program = record.args[record.args.indexOf('--') + 1] ?? record.file;
    status.traceStarted(program, record.ended);
  });
  context.subscriptions.push({ dispose: stopWatching });
  void status.refresh().catch((error: unknown) => outputChannel().error(`Checking the tools failed: ${String(error)}`));
  return status;
}
