// Rust: a `.rs` file of a Cargo project becomes its binary through `cargo build --offline`. The
// executable comes from cargo's own JSON messages (compiler-artifact), never from a guessed path.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { findExecutable, runProgram } from './tools';

export const CARGO_BUILD_TIMEOUT_MS = 600_000;

/** The package could not be built (no Cargo project, no cargo, a failed build); the message says what to do. */
export class CargoBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CargoBuildError';
  }
}

export function isRustSource(file: string): boolean {
  return path.extname(file).toLowerCase() === '.rs';
}

/** The Cargo.toml of the package holding `source`: the nearest one in its folder or above. */
export function findCargoManifest(source: string): string | undefined {
  for (let dir = path.dirname(path.resolve(source)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'Cargo.toml');
    if (existsSync(manifest)) return manifest;
    if (path.dirname(dir) === dir) return undefined;
  }
}

interface CargoArtifact {
  reason?: string;
  executable?: string | null;
  target?: { kind?: string[]; src_path?: string };
}

/**
 * The binary to debug, from `--message-format=json` lines: the bin whose main file is `source`, else
 * the package's only (or first) bin. Lines that are not JSON (a build script's output) are skipped.
 */
export function executableFromCargoMessages(stdout: string, source: string): string | undefined {
  const bins: CargoArtifact[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let message: CargoArtifact;
    try { message = JSON.parse(line) as CargoArtifact; } catch { continue; }
    if (message.reason === 'compiler-artifact' && message.executable && message.target?.kind?.includes('bin')) bins.push(message);
  }
  const own = bins.find((bin) => bin.target?.src_path && path.resolve(bin.target.src_path) === path.resolve(source));
  return (own ?? bins[0])?.executable ?? undefined;
}

export interface CargoBuildOptions {
  cargoPath?: string;
  signal?: AbortSignal;
  /** Wraps the command line, e.g. in the debugger's process-tree keeper. */
  wrap?: (file: string, args: string[]) => { file: string; args: string[] };
}

/** Builds the package of `source` (debug profile, offline) and returns its executable; throws with cargo's messages. */
export async function buildCargoProgram(source: string, options: CargoBuildOptions = {}): Promise<string> {
  const manifest = findCargoManifest(source);
  if (!manifest) throw new CargoBuildError(`${path.basename(source)} is not in a Cargo project (no Cargo.toml in its folder or above); set "program" to a built binary.`);
  const cargo = findExecutable(options.cargoPath || 'cargo');
  if (!cargo) throw new CargoBuildError('cargo was not found: install Rust (rustup, or apt-get install cargo), or set "program" to a built binary.');
  const args = ['build', '--offline', '--message-format=json-render-diagnostics', '--manifest-path', manifest];
  const run = options.wrap ? options.wrap(cargo, args) : { file: cargo, args };
  const result = await runProgram(run.file, run.args, { cwd: path.dirname(manifest), timeoutMs: CARGO_BUILD_TIMEOUT_MS, signal: options.signal });
  if (options.signal?.aborted) throw new CargoBuildError('cargo build was cancelled.');
  if (result.timedOut) throw new CargoBuildError(`cargo build did not finish within ${CARGO_BUILD_TIMEOUT_MS / 1000} s and was stopped.`);
  if (result.exitCode !== 0) throw new CargoBuildError(`cargo build failed:\n${result.stderr.trim().split('\n').slice(-40).join('\n')}`);
  const executable = executableFromCargoMessages(result.stdout, source);
  if (!executable) throw new CargoBuildError(`cargo built ${path.relative(path.dirname(manifest), manifest) || 'the package'} but it has no binary to run.`);
  return executable;
}

