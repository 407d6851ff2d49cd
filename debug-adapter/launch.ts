// Turns launch.json arguments into a program ready for gdb: builds sources, checks files and tools.
import * as path from 'node:path';
import { runBuildCommand } from '../toolchain/buildCommand';
import { buildCargoProgram, isRustSource } from '../toolchain/cargo';
import { buildSettingsFrom, resolveBuildOptions } from '../toolchain/options';
import { prepareTarget } from '../toolchain/target';
import type { LaunchArguments } from './protocol';
import { keptCommand } from './keeper';

export interface PreparedProgram {
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string | null>;
  /** nasm's listing and the main source, for a program built from NASM (see MacroInvocations). */
  listing?: string;
  source?: string;
}

/** The program's working directory: `cwd`, else the folder of `program`. */
export function launchDirectory(args: LaunchArguments): string {
  if (!args.program) throw new Error('The launch configuration has no "program": set it to an .asm/.c file or a built program.');
  return args.cwd ? path.resolve(args.cwd) : path.dirname(path.resolve(args.program));
}

/** The launch.json build command may run long; ending the session (`signal`) ends its whole tree. */
export async function prepareProgram(args: LaunchArguments, log: (text: string) => void, signal?: AbortSignal): Promise<PreparedProgram> {
  const cwd = launchDirectory(args);
  const file = path.resolve(args.cwd ?? process.cwd(), args.program);
  const build = args.build ?? 'auto';
  if (build !== 'auto' && build !== 'off') {
    log(`Building: ${build}\n`);
    // Under the keeper, the build's whole tree ends with the session, even if the adapter is killed.
    await runBuildCommand(build, cwd, undefined, { signal, wrap: keptCommand });
  }
  if (build === 'auto' && isRustSource(file)) {
    log(`Building: cargo build (${path.basename(file)})\n`);
    const program = await buildCargoProgram(file, { signal, wrap: keptCommand });
    return { program, args: args.args ?? [], cwd, env: args.env ?? {} };
  }
  const options = resolveBuildOptions(buildSettingsFrom({ ...args }), args.cwd, file);
  const target = await prepareTarget(file, { ...options, build: build === 'auto' });
  return { program: target.program, args: args.args ?? [], cwd, env: args.env ?? {}, listing: target.listing, source: target.source };
}
