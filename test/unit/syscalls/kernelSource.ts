// Access to the Linux source tarball for the tests that need it (skipped with a reason when absent).
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../support/run';

export const TARBALL = process.env.LINUX_SOURCE_TARBALL ?? '/usr/src/linux-source-6.12.tar.xz';
export const TARBALL_PRESENT = existsSync(TARBALL);
export const TARBALL_MISSING_REASON = `${TARBALL} is missing (sudo apt-get install linux-source-6.12): skipping the tests that read kernel sources`;

/** Extracts the members matching `patterns` (tar wildcards under the top directory) and returns that top directory. */
export async function extractFromTarball(patterns: string[]): Promise<string> {
  const into = mkdtempSync(join(tmpdir(), 'syscalls-test-'));
  const result = await run('tar', ['-xJf', TARBALL, '-C', into, '--wildcards', ...patterns.map((p) => `*/${p}`)], { timeout: 170_000 });
  if (result.status !== 0) throw new Error(`tar failed: ${result.stderr || result.error?.message}`);
  return join(into, readdirSync(into)[0]!);
}
