// How Trace runs one program, launch-configuration style: the `syscallLens.trace.configurations`
// setting lists entries keyed by program (`{ "program": "src/cat.asm", "args": ["notes.txt"],
// "stdin": "input.txt", "env": { "LANG": "C" }, "cwd": "data" }`). Paths are relative to the
// workspace folder, `${workspaceFolder}` may be written out. Pure: the client reads the setting.
import * as path from 'node:path';

/** One entry of the setting, as the user wrote it (checked by readTraceConfigurations). */
export interface TraceConfiguration {
  program: string;
  args?: string[];
  stdin?: string;
  env?: Record<string, string>;
  cwd?: string;
}

/** How to run a program under the trace: absolute paths, ready for TraceSession. */
export interface TraceRunOptions {
  args: string[];
  /** Absolute path of the file the program reads as its stdin. */
  stdin?: string;
  env?: Record<string, string>;
  /** Absolute working directory. */
  cwd?: string;
}

/** `${workspaceFolder}/x` and `x` both mean x in the folder; absolute paths stay. */
function resolveIn(folder: string, value: string): string {
  return path.resolve(folder, value.replace(/^\$\{workspaceFolder\}/, folder));
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

/**
 * The entries of the setting that are well formed, and a message for each that is not (the setting
 * is hand-written JSON: a wrong type is reported, never half-applied).
 */
export function readTraceConfigurations(value: unknown): { configurations: TraceConfiguration[]; problems: string[] } {
  const configurations: TraceConfiguration[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { configurations, problems };
  if (!Array.isArray(value)) return { configurations, problems: ['syscallLens.trace.configurations must be a list of configurations'] };
  value.forEach((entry: unknown, i) => {
    const where = `syscallLens.trace.configurations[${i}]`;
    if (typeof entry !== 'object' || entry === null) return problems.push(`${where} is not an object`);
    const e = entry as Record<string, unknown>;
    const wrong = [
      typeof e.program !== 'string' || !e.program ? '"program" (a file name) is missing' : '',
      e.args !== undefined && !isStringArray(e.args) ? '"args" must be a list of strings' : '',
      e.stdin !== undefined && typeof e.stdin !== 'string' ? '"stdin" must be a file name' : '',
      e.cwd !== undefined && typeof e.cwd !== 'string' ? '"cwd" must be a folder name' : '',
      e.env !== undefined && (typeof e.env !== 'object' || e.env === null || Object.values(e.env).some((v) => typeof v !== 'string'))
        ? '"env" must map names to strings' : '',
    ].filter(Boolean);
    if (wrong.length) return problems.push(`${where}: ${wrong.join('; ')}`);
    configurations.push(e as unknown as TraceConfiguration);
    return undefined;
  });
  return { configurations, problems };
}

/** The configuration of `file` (an absolute path), its paths made absolute; the last matching entry wins. */
export function configurationFor(configurations: readonly TraceConfiguration[], file: string, folder: string): TraceRunOptions | undefined {
  const target = path.resolve(file);
  const entry = configurations.filter((c) => resolveIn(folder, c.program) === target).at(-1);
  if (!entry) return undefined;
  const options: TraceRunOptions = { args: [...entry.args ?? []] };
  if (entry.stdin) options.stdin = resolveIn(folder, entry.stdin);
  if (entry.env) options.env = { ...entry.env };
  if (entry.cwd) options.cwd = resolveIn(folder, entry.cwd);
  return options;
}
