// Turns launch.json arguments into a program ready for gdb: builds sources, checks files and tools.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { buildProgram, describeBuildFailure, sourceKindOf } from '../toolchain/build';
import { findExecutable, runProgram } from '../toolchain/tools';
import type { LaunchArguments } from './protocol';

export interface PreparedProgram {
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string | null>;
}

/** Splits a build command into words; quotes group words. No shell is involved. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of command.matchAll(pattern)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] ?? m[3]!);
  return words;
}

/** The program's working directory: `cwd`, else the folder of `program`. */
export function launchDirectory(args: LaunchArguments): string {
  if (!args.program) throw new Error('The launch configuration has no "program": set it to an .asm/.c file or a built program.');
  return args.cwd ? path.resolve(args.cwd) : path.dirname(path.resolve(args.program));
}

export async function prepareProgram(args: LaunchArguments, log: (text: string) => void): Promise<PreparedProgram> {
  const cwd = launchDirectory(args);
  let program = path.resolve(args.cwd ?? process.cwd(), args.program);
  const build = args.build ?? 'auto';
  if (build !== 'auto' && build !== 'off') {
    const [command, ...rest] = splitCommand(build);
    if (!command) throw new Error('The "build" command is empty.');
    log(`Building: ${build}\n`);
    const result = await runProgram(requireToolPath(command), rest, { cwd, timeoutMs: 300_000 });
    if (result.exitCode !== 0) throw new Error(`The build command failed (exit code ${result.exitCode}): ${(result.stderr || result.stdout).trim().slice(0, 2000)}`);
  } else if (build === 'auto' && sourceKindOf(program)) {
    const result = await buildProgram({
      source: program, includePaths: args.includePaths, buildDirectory: args.buildDirectory,
      tools: { nasm: args.nasmPath || 'nasm', ld: args.ldPath || 'ld', gcc: args.gccPath || 'gcc' },
    });
    if (!result.ok) throw new Error(describeBuildFailure(result));
    program = result.program;
  }
  if (!existsSync(program) || !statSync(program).isFile()) throw new Error(`The program "${program}" does not exist. Build it first, or point "program" at an .asm file.`);
  return { program, args: args.args ?? [], cwd, env: args.env ?? {} };
}

function requireToolPath(command: string): string {
  const found = findExecutable(command);
  if (!found) throw new Error(`The build command "${command}" was not found.`);
  return found;
}
