// The npm package, as a user of another editor installs it: `npm pack`, then `npm install -g` of the
// tarball into an empty prefix, offline (it must need nothing else), and the installed
// `syscall-lens` runs every subcommand from a folder that has no node_modules.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { run } from '../../support/run';

const ROOT = path.resolve(__dirname, '../../..');
const prefix = mkdtempSync(path.join(os.tmpdir(), 'npm-prefix-'));
const work = mkdtempSync(path.join(os.tmpdir(), 'npm-work-'));
const bin = path.join(prefix, 'bin', 'syscall-lens');
// Only the system's directories and node's own: nothing from the repository can leak in.
const PATH = [path.join(prefix, 'bin'), path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter);
let tarball = '';

function npm(args: string[]) {
  const cli = [process.env.npm_execpath, path.join(path.dirname(process.execPath), '../lib/node_modules/npm/bin/npm-cli.js')]
    .find((file) => file && file.endsWith('.js') && existsSync(file));
  return run(process.execPath, [cli!, ...args], { cwd: work, timeout: 120_000 });
}

function syscallLens(args: string[], input?: string) {
  return run(bin, args, { cwd: work, timeout: 60_000, input, env: { PATH, HOME: work, XDG_CACHE_HOME: work } });
}

/** Sends one JSON-RPC/DAP message with Content-Length framing and resolves with the first reply. */
function firstReply(args: string[], message: object): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: work, env: { PATH, HOME: work }, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no reply from syscall-lens ${args.join(' ')}`)); }, 30_000);
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const header = /Content-Length: (\d+)\r\n\r\n/.exec(buffer);
      if (!header) return;
      const start = header.index + header[0].length;
      const length = Number(header[1]);
      if (Buffer.byteLength(buffer.slice(start)) < length) return;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(JSON.parse(Buffer.from(buffer.slice(start)).subarray(0, length).toString('utf8')));
    });
    const body = JSON.stringify(message);
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
}

/**
 * The environment of the program `syscall-lens dap` debugs, started as an editor starts the adapter
 * (the bin itself, through its shebang) with `env`: read from /proc at the first stop.
 */
async function debuggeeEnvironment(env: NodeJS.ProcessEnv): Promise<string[]> {
  const dc = new DebugClient(bin, 'dap', 'syscall-gdb', { cwd: work, env });
  dc.defaultTimeout = 45_000;
  await dc.start();
  try {
    const stopped = dc.waitForEvent('stopped');
    await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program: path.join(work, 'hello.asm'), terminal: 'none', buildDirectory: mkdtempSync(path.join(os.tmpdir(), 'npm-dap-build-')) }),
    ]);
    await stopped;
    const inferiors = await dc.evaluateRequest({ expression: '-exec info inferiors', context: 'repl' });
    const pid = /process (\d+)/.exec(inferiors.body.result)?.[1];
    if (!pid) throw new Error(`no process in: ${inferiors.body.result}`);
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').filter(Boolean);
  } finally {
    await dc.stop();
  }
}

beforeAll(async () => {
  const packed = await run(process.execPath, [path.join(ROOT, 'scripts/package-for-tests.mjs'), '--npm', '--out', path.join(work, 'syscall-lens.tgz')], {
    cwd: ROOT, timeout: 180_000,
  });
  if (packed.status !== 0) throw new Error(`packing failed:\n${packed.stderr}`);
  tarball = packed.stdout.trim().split('\n').pop()!;
  const installed = await npm(['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball]);
  if (installed.status !== 0) throw new Error(`npm install -g failed:\n${installed.stdout}\n${installed.stderr}`);
  copyFileSync(path.join(ROOT, 'examples/hello.asm'), path.join(work, 'hello.asm'));
}, 240_000);

describe('npm install -g of the packed tarball', () => {
  it('installs the syscall-lens command and nothing it does not need', () => {
    expect(realpathSync(bin)).toBe(path.join(prefix, 'lib/node_modules/syscall-lens/dist/cli.js'));
    const listed = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    // The bundles (the CLI is two: the command and the subcommands it loads besides lsp and dap; the adapter is two: its entry and the adapter it loads), the python helpers the trace and the debugger run (dist/*.py), the unwind cache's C source the trace compiles (dist/*.c), the docs.
    expect(listed.filter((name) => !/^package\/dist\/\w+\.(py|c)$/.test(name))).toEqual([
      'package/LICENSE', 'package/README.md', 'package/dist/cli.js', 'package/dist/debug-adapter-main.js', 'package/dist/debug-adapter.js',
      'package/dist/server.js', 'package/dist/subcommands.js',
      'package/package.json',
    ]);
    expect(listed).toEqual(expect.arrayContaining(['package/dist/supervisor.py', 'package/dist/program_pty.py', 'package/dist/unwind_cache.c']));
    expect(existsSync(path.join(prefix, 'lib/node_modules/syscall-lens/node_modules'))).toBe(false);
  });

  it('--version and table', async () => {
    expect((await syscallLens(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const table = await syscallLens(['table', 'write']);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('write — x86-64 syscall 1 (descriptor)');
  });

  it('trace builds and traces a NASM program', async () => {
    const traced = await syscallLens(['trace', 'hello.asm']);
    expect(traced.status).toBe(0);
    expect(traced.stdout).toMatch(/^hello\.asm:20 +write\(1, "Hello, world!\\n", 14\) = 14$/m);
    expect(traced.stderr).toContain('hello exited with 0');
  });

  it('lsp --stdio answers initialize', async () => {
    const reply = await firstReply(['lsp', '--stdio'], { jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    expect(reply.id).toBe(1);
    expect(reply.result.capabilities.hoverProvider).toBeTruthy();
  });

  it('dap answers initialize', async () => {
    const reply = await firstReply(['dap'], { seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'syscall-gdb', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true } });
    expect(reply).toMatchObject({ type: 'response', command: 'initialize', success: true });
    expect(reply.body.supportsConfigurationDoneRequest).toBe(true);
  });

  // node loads the certificates NODE_EXTRA_CA_CERTS names as it starts; the bin starts node without
  // them (cli/userEnvironment.ts), and everything it runs still gets the variable as the user set it.
  it('dap hands the debugged program NODE_EXTRA_CA_CERTS exactly as it was given, in its place', async () => {
    const value = path.join(work, 'company certs', '$ca ${HOME}.pem'); // need not exist: node never reads it
    const environment = await debuggeeEnvironment({ PATH, HOME: work, NODE_EXTRA_CA_CERTS: value, LANG: 'C.UTF-8' });
    expect(environment).toContain(`NODE_EXTRA_CA_CERTS=${value}`);
    expect(environment.filter((entry) => /^(PATH|HOME|NODE_EXTRA_CA_CERTS|LANG)=/.test(entry)))
      .toEqual([`PATH=${PATH}`, `HOME=${work}`, `NODE_EXTRA_CA_CERTS=${value}`, 'LANG=C.UTF-8']);
    expect(environment.filter((entry) => entry.startsWith('SYSCALL_LENS_'))).toEqual([]);
  });

  it('dap without NODE_EXTRA_CA_CERTS leaves it unset for the debugged program', async () => {
    const environment = await debuggeeEnvironment({ PATH, HOME: work });
    expect(environment.filter((entry) => /^(NODE_EXTRA_CA_CERTS|SYSCALL_LENS_\w*)=/.test(entry))).toEqual([]);
    expect(environment).toContain(`HOME=${work}`);
  });
});
