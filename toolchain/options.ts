// The one path rule for building: every setting that names a file or folder is resolved here, for
// the debugger, the trace panel and the CLI alike.
import * as os from 'node:os';
import * as path from 'node:path';
import type { OutputFormat } from './build';
import { DEFAULT_TOOL_PATHS, type ToolPaths } from './tools';

/**
 * Build settings, named as in the `syscallLens` settings section and the launch configuration.
 * Paths may be relative, start with `~/` or contain `${workspaceFolder}`.
 */
export interface BuildSettings {
  nasmPath?: string;
  ldPath?: string;
  gccPath?: string;
  includePaths?: readonly string[];
  /** The project's nasm -D definitions (`NAME`, `NAME=value`). */
  defines?: readonly string[];
  buildDirectory?: string;
  outputFormat?: OutputFormat;
}

/** Build settings with every path absolute: what buildProgram and prepareTarget take. */
export interface BuildOptions {
  tools: Pick<ToolPaths, 'nasm' | 'ld' | 'gcc'>;
  /** Extra nasm -I directories, absolute. */
  includePaths: string[];
  /** nasm -D definitions, as the settings give them (checked by toolchain/defines). */
  defines: string[];
  /** Absolute; undefined means the private cache folder of the source. */
  buildDirectory?: string;
  defaultFormat: OutputFormat;
}

export const DEFAULT_OUTPUT_FORMAT: OutputFormat = 'elf64';

/**
 * Resolves build settings for one source. A relative path is relative to the workspace folder, or,
 * with no folder (a loose file, the CLI without one), to the source's own folder — never to the
 * process's working directory, which is wherever VS Code or the adapter happened to start.
 *
 * After the configured include directories come the folders above the source, up to the workspace
 * folder: a project built by a Makefile at its top (`nasm src/main.asm` run there) writes
 * `%include "include/defs.inc"` relative to that folder, which nasm finds from its working directory.
 */
export function resolveBuildOptions(settings: BuildSettings, folder: string | undefined, source: string): BuildOptions {
  const base = folder ? path.resolve(folder) : path.dirname(path.resolve(source));
  const resolve = (setting: string) => resolveSettingPath(setting, base, folder);
  const options: BuildOptions = {
    tools: {
      nasm: settings.nasmPath || DEFAULT_TOOL_PATHS.nasm,
      ld: settings.ldPath || DEFAULT_TOOL_PATHS.ld,
      gcc: settings.gccPath || DEFAULT_TOOL_PATHS.gcc,
    },
    includePaths: [...(settings.includePaths ?? []).filter((dir) => dir.trim() !== '').map(resolve), ...foldersAbove(source, folder)],
    defines: [...(settings.defines ?? [])],
    defaultFormat: settings.outputFormat ?? DEFAULT_OUTPUT_FORMAT,
  };
  if (settings.buildDirectory?.trim()) options.buildDirectory = resolve(settings.buildDirectory.trim());
  return options;
}

/** The folders above the source's own, nearest first, up to and including the workspace folder. */
function foldersAbove(source: string, folder: string | undefined): string[] {
  if (!folder) return [];
  const top = path.resolve(folder);
  const folders: string[] = [];
  let dir = path.dirname(path.resolve(source));
  if (!dir.startsWith(top.endsWith(path.sep) ? top : top + path.sep)) return folders;
  while (dir !== top) {
    dir = path.dirname(dir);
    folders.push(dir);
  }
  return folders;
}

/** `~/x` is in the home folder, `${workspaceFolder}` is the folder (or the base without one). */
function resolveSettingPath(setting: string, base: string, folder: string | undefined): string {
  const expanded = setting
    .replace(/\$\{workspaceFolder\}/g, folder ?? base)
    .replace(/^~(?=$|\/)/, os.homedir());
  return path.resolve(base, expanded);
}

const STRING_SETTINGS = ['nasmPath', 'ldPath', 'gccPath', 'buildDirectory'] as const;

/**
 * The build settings in a launch configuration (or any JSON object), checked: a wrong type is an
 * error that names the attribute, never a crash deeper down. Absent and empty values are left out.
 */
export function buildSettingsFrom(raw: Readonly<Record<string, unknown>>): BuildSettings {
  const settings: BuildSettings = {};
  for (const key of STRING_SETTINGS) {
    const value = raw[key];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw new Error(`"${key}" must be a string (a path), not ${JSON.stringify(value)}.`);
    settings[key] = value;
  }
  const includes = raw.includePaths;
  if (includes !== undefined && includes !== null) {
    if (!Array.isArray(includes) || includes.some((dir) => typeof dir !== 'string')) {
      throw new Error('"includePaths" must be a list of folder paths, e.g. ["include", "${workspaceFolder}/lib"].');
    }
    settings.includePaths = includes as string[];
  }
  const format = raw.outputFormat;
  if (format !== undefined && format !== null && format !== '') {
    if (format !== 'elf64' && format !== 'elf32') throw new Error(`"outputFormat" must be "elf64" or "elf32", not ${JSON.stringify(format)}.`);
    settings.outputFormat = format;
  }
  return settings;
}
