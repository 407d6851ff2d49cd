// What this machine offers Syscall Lens: each tool found (and its version), whether strace may
// ptrace here, and whether this is Linux x86-64 at all. vscode-free, so it is tested against the
// real tools; the status bar item (toolStatus.ts) only shows what this returns.
import * as os from 'node:os';
import { SETTINGS, settingId } from '../contributions';
import { findExecutable, runProgram, type ToolName, type ToolPaths } from '../../toolchain/tools';
import { PTRACE_DENIED_HINT } from '../../trace/capture/runner';

export type Feature = 'diagnostics' | 'debugging' | 'tracing' | 'C programs';

interface ToolFacts {
  /** Arguments that print the version on the first lines of stdout or stderr. */
  versionArgs: string[];
  versionPattern: RegExp;
  /** Oldest version we test against (README "Requirements"); older ones get a warning. */
  minimum: string;
  /** The Debian package that provides the tool. */
  package: string;
  neededFor: Feature[];
}

/** From each tool's own `--version` output: `NASM version 2.16.01`, `GNU ld (…) 2.40`, `strace -- version 6.1`. */
const TOOLS: Record<ToolName, ToolFacts> = {
  nasm: { versionArgs: ['-v'], versionPattern: /NASM version (\d+\.\d+(?:\.\d+)*)/, minimum: '2.14', package: 'nasm', neededFor: ['diagnostics', 'debugging', 'tracing'] },
  ld: { versionArgs: ['-v'], versionPattern: /GNU ld .*?(\d+\.\d+(?:\.\d+)*)\s*$/m, minimum: '2.30', package: 'binutils', neededFor: ['debugging', 'tracing'] },
  gcc: { versionArgs: ['--version'], versionPattern: /^gcc .*?(\d+\.\d+(?:\.\d+)*)\s*$/m, minimum: '8.0', package: 'gcc', neededFor: ['C programs'] },
  gdb: { versionArgs: ['--version'], versionPattern: /^GNU gdb .*?(\d+\.\d+(?:\.\d+)*)\s*$/m, minimum: '12.0', package: 'gdb', neededFor: ['debugging'] },
  strace: { versionArgs: ['-V'], versionPattern: /version (\d+\.\d+(?:\.\d+)*)/, minimum: '5.0', package: 'strace', neededFor: ['tracing'] },
};

export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];

export interface ToolReport {
  tool: ToolName;
  /** What the setting says (a name looked up on PATH, or a path). */
  configured: string;
  /** The executable found, or undefined when there is none. */
  path?: string;
  version?: string;
  problem?: string;
  /** What the user can do about the problem. */
  fix?: string;
  neededFor: Feature[];
}

export interface MachineReport {
  tools: ToolReport[];
  /** undefined when strace is missing, so ptrace could not be tried. */
  ptrace?: { permitted: boolean; detail?: string };
  platform: { supported: boolean; description: string; fix?: string };
}

/** Numeric comparison of dotted versions: compareVersions('2.16.01', '2.14') > 0. */
export function compareVersions(a: string, b: string): number {
  const as = a.split('.').map(Number);
  const bs = b.split('.').map(Number);
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const d = (as[i] ?? 0) - (bs[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The version in a tool's `--version` output, or undefined. */
export function parseToolVersion(tool: ToolName, output: string): string | undefined {
  return TOOLS[tool].versionPattern.exec(output)?.[1];
}

async function probeTool(tool: ToolName, configured: string, envPath?: string): Promise<ToolReport> {
  const facts = TOOLS[tool];
  const base = { tool, configured, neededFor: facts.neededFor };
  const setting = settingId(SETTINGS[`${tool}Path`]);
  const found = findExecutable(configured, envPath);
  if (!found) {
    const where = configured.includes('/') ? `at ${configured}` : 'on the PATH';
    return {
      ...base, problem: `${tool} was not found ${where}`,
      fix: `Install it (sudo apt-get install ${facts.package}) or set ${setting} to its location. Needed for ${facts.neededFor.join(', ')}.`,
    };
  }
  const run = await runProgram(found, facts.versionArgs, { timeoutMs: 10_000 }).catch((error: Error) => error);
  if (run instanceof Error || run.timedOut) {
    const why = run instanceof Error ? run.message : 'it did not answer within 10 s';
    return { ...base, path: found, problem: `${found} ${facts.versionArgs.join(' ')} failed: ${why}`, fix: `Check that ${found} is ${tool}, or point ${setting} at the right program.` };
  }
  const version = parseToolVersion(tool, `${run.stdout}\n${run.stderr}`);
  if (!version) {
    return { ...base, path: found, problem: `${found} does not look like ${tool} (no version in its ${facts.versionArgs.join(' ')} output)`, fix: `Point ${setting} at ${tool}.` };
  }
  if (compareVersions(version, facts.minimum) < 0) {
    return { ...base, path: found, version, problem: `${tool} ${version} is older than ${facts.minimum}, the oldest Syscall Lens is tested with`, fix: `Upgrade ${facts.package}, or set ${setting} to a newer ${tool}.` };
  }
  return { ...base, path: found, version };
}

/**
 * Whether strace may trace a child here: runs `strace -e trace=none true`. In a container without
 * CAP_SYS_PTRACE, or with kernel.yama.ptrace_scope=3, strace cannot attach and says so.
 */
export async function probePtrace(stracePath: string, envPath?: string): Promise<{ permitted: boolean; detail?: string }> {
  const trueProgram = findExecutable('true', envPath) ?? '/bin/true';
  const run = await runProgram(stracePath, ['-qq', '-e', 'trace=none', '--', trueProgram], { timeoutMs: 10_000 }).catch((error: Error) => error);
  if (run instanceof Error) return { permitted: false, detail: run.message };
  if (run.exitCode === 0) return { permitted: true };
  const said = run.stderr.trim().split('\n')[0] ?? '';
  if (/ptrace|Operation not permitted/i.test(said)) return { permitted: false, detail: `${said}. ${PTRACE_DENIED_HINT}` };
  return { permitted: false, detail: said || `strace exited with ${run.exitCode ?? run.signal}` };
}

export function describePlatform(platform = os.platform(), arch = os.arch(), release = os.release()): MachineReport['platform'] {
  if (platform !== 'linux') {
    return { supported: false, description: `${platform} ${arch}`, fix: 'Syscall Lens builds, debugs and traces Linux x86-64 programs: open the folder on Linux (Remote-SSH, WSL or a dev container).' };
  }
  if (arch !== 'x64') {
    return { supported: false, description: `Linux ${release} on ${arch}`, fix: 'Only x86-64 Linux runs these programs; explaining code still works here.' };
  }
  return { supported: true, description: `Linux ${release} x86-64` };
}

export async function probeMachine(paths: ToolPaths, envPath?: string): Promise<MachineReport> {
  const tools = await Promise.all(TOOL_NAMES.map((tool) => probeTool(tool, paths[tool], envPath)));
  const strace = tools.find((report) => report.tool === 'strace');
  const ptrace = strace?.path ? await probePtrace(strace.path, envPath) : undefined;
  return { tools, ...(ptrace ? { ptrace } : {}), platform: describePlatform() };
}

export type Health = 'ok' | 'degraded' | 'unusable';

/** One word for the status bar: all good, something missing, or nothing can run here. */
export function machineHealth(report: MachineReport): Health {
  if (!report.platform.supported) return 'unusable';
  const problems = report.tools.filter((tool) => tool.problem);
  if (problems.some((tool) => tool.tool === 'nasm') && problems.length >= 4) return 'unusable';
  if (problems.length || report.ptrace?.permitted === false) return 'degraded';
  return 'ok';
}

/** The problems, one actionable sentence each, most blocking first. */
export function machineProblems(report: MachineReport): string[] {
  const out: string[] = [];
  if (!report.platform.supported) out.push(`${report.platform.description} is not supported. ${report.platform.fix}`);
  for (const tool of report.tools) if (tool.problem) out.push(`${tool.problem}. ${tool.fix ?? ''}`.trim());
  if (report.ptrace && !report.ptrace.permitted) out.push(`strace may not trace programs here: ${report.ptrace.detail ?? 'ptrace was denied'}`);
  return out;
}
