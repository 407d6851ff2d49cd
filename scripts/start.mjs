#!/usr/bin/env node
// `npm start`: builds and packages the extension, installs it into code-server (a real VS Code served
// to your browser), and serves it on 127.0.0.1 with examples/ open as a trusted folder, so building,
// debugging (F5) and tracing work at once. Runs until Ctrl-C.
//
//   npm start                      http://127.0.0.1:8080/ (or a free port if 8080 is taken)
//   npm start -- --port 9000       another port;  -- --folder DIR  another folder
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageExtension } from './package-for-tests.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STATE = path.join(ROOT, '.build', 'start');

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

function die(message) {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(1);
}

function isPortFree(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

const folder = path.resolve(option('folder', path.join(ROOT, 'examples')));
const wantedPort = Number(option('port', process.env.PORT ?? '8080'));
if (!Number.isInteger(wantedPort) || wantedPort < 0 || wantedPort > 65535) die(`--port must be a port number, not "${option('port')}"`);

process.stderr.write('Building and packaging the extension …\n');
let vsix;
try {
  vsix = packageExtension();
} catch (error) {
  die(error.message);
}

process.stderr.write('Making sure code-server is installed (a few minutes the first time) …\n');
const installer = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'install-code-server.mjs')], {
  encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], shell: false,
});
if (installer.status !== 0) die('installing code-server failed; see the messages above.');
const codeServer = JSON.parse(installer.stdout.trim().split('\n').pop());

const userDataDir = path.join(STATE, 'user-data');
const extensionsDir = path.join(STATE, 'extensions');
const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--config', path.join(STATE, 'config.yaml')];
mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
mkdirSync(extensionsDir, { recursive: true });
// A trusted folder, so F5 and tracing work; the rest keeps the first start free of prompts.
writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'git.openRepositoryInParentFolders': 'never',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
}, null, 2));

const install = spawnSync(codeServer.node, [codeServer.entry, ...common, '--force', '--install-extension', vsix], {
  encoding: 'utf8', shell: false,
});
if (install.status !== 0) die(`installing ${path.basename(vsix)} into code-server failed:\n${install.stdout}${install.stderr}`);

const port = (await isPortFree(wantedPort)) ? wantedPort : 0;
if (port !== wantedPort) process.stderr.write(`Port ${wantedPort} is in use; letting the system pick a free one.\n`);
const server = spawn(codeServer.node, [
  codeServer.entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
  '--disable-getting-started-override', ...common, folder,
], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], shell: false });

let announced = false;
let output = '';
const onOutput = (chunk) => {
  output += chunk.toString('utf8');
  const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
  if (match && !announced) {
    announced = true;
    process.stdout.write(`\nSyscall Lens is running in VS Code (code-server) at:\n\n    ${match[1]}/?folder=${encodeURIComponent(folder)}\n\n` +
      `Open it in your browser. Ctrl-C stops it. Log: ${path.join(STATE, 'code-server.log')}\n`);
  }
  writeFileSync(path.join(STATE, 'code-server.log'), output);
};
server.stdout.on('data', onOutput);
server.stderr.on('data', onOutput);

// code-server runs in its own process group; stop it together with everything it started.
const stop = () => {
  try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code, signal) => {
  if (!announced) process.stderr.write(output);
  try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ }
  process.exit(signal === 'SIGTERM' || code === 0 ? 0 : 1);
});
