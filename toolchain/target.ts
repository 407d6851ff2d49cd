// "Turn this file into a runnable program": build a source, or check that a program can run.
// The debugger (client and adapter), the trace panel and the CLI all come through here.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { buildProgram, describeBuildFailure, sourceKindOf, type BuildRequest, type BuildResult } from './build';
import { kernelRefusal } from './kernel';
import { buildCargoProgram, isRustSource } from './cargo';
import { isExecutableFile } from './tools';

export interface PreparedTarget {
  /** The program to run, absolute. */
  program: string;
  /** The source that was built, when the file was a source. */
  source?: string;
  /** nasm's listing: the one just made, or a `.lst` beside a given program (`nasm -l prog.lst`). */
  listing?: string;
  build?: BuildResult;
}

export type TargetFailure = 'program-not-found' | 'build-failed' | 'not-a-program' | 'kernel-cannot-run';

/** The file could not become a program; the message says what to do. A failed build carries its result. */
export class TargetError extends Error {
  constructor(readonly reason: TargetFailure, message: string, readonly build?: BuildResult) {
    super(message);
    this.name = 'TargetError';
  }
}

/** Build options (absolute paths: see resolveBuildOptions), and whether to build at all. */
export interface PrepareOptions extends Omit<BuildRequest, 'source'> {
  /** false: never build, the file must already be a program (launch.json `"build": "off"`). */
  build?: boolean;
  /** false: the program is only measured (the size view), so one this kernel cannot run is not refused. */
  run?: boolean;
}

/** Builds a source (.asm, .nasm, .c, a Cargo project's .rs) or checks that a file is a program; throws TargetError. */
export async function prepareTarget(file: string, options: PrepareOptions = {}): Promise<PreparedTarget> {
  const absolute = path.resolve(file);
  if (!existsSync(absolute)) throw new TargetError('program-not-found', `Program not found: ${file}`);
  if (options.build !== false && isRustSource(absolute)) {
    // A Cargo project's source: its binary, built as the debugger builds it (cargo build --offline).
    const program = await buildCargoProgram(absolute, { signal: options.signal }).catch((error: Error) => {
      throw new TargetError('build-failed', error.message);
    });
    if (options.run !== false) refuseWhatTheKernelCannotRun(program);
    return { program, source: absolute };
  }
  if (options.build !== false && sourceKindOf(absolute)) {
    const build = await buildProgram({ ...options, source: absolute });
    if (!build.ok) throw new TargetError('build-failed', describeBuildFailure(build), build);
    if (options.run !== false) refuseWhatTheKernelCannotRun(build.program);
    const target: PreparedTarget = { program: build.program, source: absolute, build };
    if (build.listing) target.listing = build.listing;
    return target;
  }
  if (!isExecutableFile(absolute)) {
    const hint = sourceKindOf(absolute) ? ' It is a source file and building is off: build it first, or let Syscall Lens build it.'
      : ' Point at an .asm, .nasm or .c source, a Cargo project\'s .rs file, or a built program.';
    throw new TargetError('not-a-program', `${file} is not an executable program.${hint}`);
  }
  if (options.run !== false) refuseWhatTheKernelCannotRun(absolute);
  const target: PreparedTarget = { program: absolute };
  const listing = absolute.replace(/(\.[^./]*)?$/, '.lst');
  if (listing !== absolute && existsSync(listing)) target.listing = listing;
  return target;
}

/** A program this kernel cannot start (i386 without IA32 emulation) is refused before any tool runs it. */
function refuseWhatTheKernelCannotRun(program: string): void {
  const refusal = kernelRefusal(program);
  if (refusal) throw new TargetError('kernel-cannot-run', refusal);
}
