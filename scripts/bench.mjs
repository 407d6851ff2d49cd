// `npm run bench`: bundles each scripts/bench/*.ts and runs it with node, one after another.
// Each bench prints its own figures as ratios against a baseline measured in the same run.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const only = process.argv.slice(2);
const benches = readdirSync('scripts/bench').filter((f) => f.endsWith('.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort();
const out = mkdtempSync(path.join(tmpdir(), 'syscall-lens-bench-'));
// The bundles find Python helpers beside themselves, as in dist/.
for (const helper of ['trace/capture/supervisor.py', 'trace/capture/unwind_cache.c', 'debug-adapter/keeper.py']) copyFileSync(helper, path.join(out, path.basename(helper)));
let failed = 0;
try {
  for (const file of benches) {
    const outfile = path.join(out, file.replace(/\.ts$/, '.cjs'));
    await esbuild.build({
      entryPoints: [path.join('scripts/bench', file)], outfile, bundle: true, platform: 'node',
      target: 'node20', format: 'cjs', logLevel: 'warning', external: ['vscode'],
    });
    console.log(`\n=== ${file}`);
    const run = spawnSync(process.execPath, ['--expose-gc', outfile], { stdio: 'inherit', cwd: process.cwd() });
    if (run.status !== 0) failed++;
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
