#!/usr/bin/env node
// Prepares what the end-to-end tests need: a fresh production .vsix (exactly what `npm run package`
// ships) and the cached code-server. Prints the .vsix path as the last line of stdout.
//
// The package is built in a private staging folder under .build/ rather than in dist/, so packaging
// never empties dist/ under another process (a language-server test, a running `npm start`) using it.
//
//   node scripts/package-for-tests.mjs               package, then install code-server if missing
//   node scripts/package-for-tests.mjs --vsix-only   package only
//   node scripts/package-for-tests.mjs --npm         the npm tarball instead (syscall-lens-VERSION.tgz)
//   … --out FILE                                      put the .vsix at FILE instead of .build/
import { spawnSync } from 'node:child_process';
import {
  cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, '.build');
// What goes into the package is copied (vsce does not follow symlinks); the sources esbuild reads are linked.
const COPIED = [
  'package.json', '.vscodeignore', 'README.md', 'LICENSE', 'CHANGELOG.md', 'language-configuration.json',
  'syntaxes', 'images', 'media', 'examples',
];
const NOT_LINKED = new Set([...COPIED, 'dist', '.build', '.git', 'artifacts']);

class PackagingError extends Error {}

function fail(message) {
  throw new PackagingError(message);
}

function run(file, args, cwd) {
  const result = spawnSync(file, args, { cwd, stdio: ['ignore', process.stderr, process.stderr], shell: false });
  if (result.error) fail(`could not start ${file}: ${result.error.message}`);
  if (result.status !== 0) fail(`${path.basename(args[0] ?? file)} ${args.slice(1).join(' ')} failed (exit ${result.status})`);
}

/** Runs `inside(stage)` in a private staging folder holding a fresh production build in its dist/. */
function withBuiltStage(prefix, inside) {
  mkdirSync(OUT_DIR, { recursive: true });
  const stage = mkdtempSync(path.join(OUT_DIR, prefix));
  try {
    for (const entry of readdirSync(ROOT)) {
      if (NOT_LINKED.has(entry) || entry.endsWith('.vsix') || entry.endsWith('.tgz')) continue;
      symlinkSync(path.join(ROOT, entry), path.join(stage, entry));
    }
    for (const file of COPIED) {
      if (existsSync(path.join(ROOT, file))) cpSync(path.join(ROOT, file), path.join(stage, file), { recursive: true });
    }
    run(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--production'], stage);
    return inside(stage);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Copied beside the target, then renamed: the package appears at once, never half written. */
function deliver(file, target) {
  cpSync(file, `${target}.partial`);
  renameSync(`${target}.partial`, target);
  return target;
}

export function packageExtension(out) {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsixName = `${manifest.name}-${manifest.version}.vsix`;
  for (const required of ['README.md', 'LICENSE']) {
    if (!existsSync(path.join(ROOT, required))) fail(`${required} is missing; vsce refuses to package without it.`);
  }
  return withBuiltStage('vsix-stage-', (stage) => {
    const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    if (!existsSync(vsce)) fail('@vscode/vsce is not installed: run npm ci');
    // vsce rewrites README's relative links against the repository. Without one (we publish no
    // repository URL rather than a made-up one) the links stay relative and .vscodeignore ships every
    // README image, so a preview of the installed readme.md shows them. VS Code's extension page
    // shows only https images (its sanitizer drops data: and relative sources), so there they appear
    // once package.json names a public repository.
    const repository = String(manifest.repository?.url ?? manifest.repository ?? '').replace(/\.git$/, '');
    const bases = repository
      ? ['--baseContentUrl', `${repository}/blob/HEAD`, '--baseImagesUrl', `${repository}/raw/HEAD`]
      : ['--no-rewrite-relative-links', '--allow-missing-repository'];
    // package.json "files" is for npm; vsce refuses it beside .vscodeignore, which decides for the .vsix.
    const staged = JSON.parse(readFileSync(path.join(stage, 'package.json'), 'utf8'));
    delete staged.files;
    writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(staged, null, 2)}\n`);
    run(process.execPath, [vsce, 'package', '--no-dependencies', ...bases, '--out', vsixName], stage);
    return deliver(path.join(stage, vsixName), out ? path.resolve(out) : path.join(OUT_DIR, vsixName));
  });
}

/** npm's own CLI script: the running npm's, else the one installed beside this node. */
function npmCli() {
  const candidates = [process.env.npm_execpath, path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js')];
  const found = candidates.find((file) => file && file.endsWith('.js') && existsSync(file));
  if (!found) fail('npm was not found beside node; install Node.js with npm.');
  return found;
}

/** The npm package `npm pack` makes (the `syscall-lens` command for other editors), built like the .vsix. */
export function packageNpm(out) {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const tarball = `${manifest.name}-${manifest.version}.tgz`;
  return withBuiltStage('npm-stage-', (stage) => {
    // --ignore-scripts: prepack would build again; the stage already holds the production build.
    run(process.execPath, [npmCli(), 'pack', '--ignore-scripts', '--silent'], stage);
    return deliver(path.join(stage, tarball), out ? path.resolve(out) : path.join(OUT_DIR, tarball));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const outIndex = process.argv.indexOf('--out');
    const out = outIndex > 0 ? process.argv[outIndex + 1] : undefined;
    if (process.argv.includes('--npm')) {
      process.stdout.write(`${packageNpm(out)}\n`);
      process.exit(0);
    }
    const vsix = packageExtension(out);
    if (!process.argv.includes('--vsix-only')) {
      const installer = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'install-code-server.mjs')], {
        stdio: ['ignore', 'ignore', process.stderr], shell: false,
      });
      if (installer.status !== 0) fail('installing code-server failed; see the messages above.');
    }
    process.stdout.write(`${vsix}\n`);
  } catch (error) {
    if (!(error instanceof PackagingError)) throw error;
    process.stderr.write(`[package-for-tests] error: ${error.message}\n`);
    process.exitCode = 1;
  }
}
