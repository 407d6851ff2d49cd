// syscallLens.defines reaches every nasm run: the build (the program behaves as the flags say), and
// the language server's diagnostics (an `%error` guarded by `%ifndef` is gone when the setting defines the name).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../toolchain/build';
import { runProgram } from '../../../toolchain/tools';
import { bundleServer, TestClient } from './lspClient';

const LOGGER = path.resolve(__dirname, '../../fixtures/server/defines/logger.asm');
let dir: string;
let cli: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-defines-'));
  cpSync(LOGGER, path.join(dir, 'logger.asm'));
  cli = await bundleServer();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the build\'s definitions', () => {
  it('are passed to nasm when building: the logger exits 2 after writev to stderr with them, 0 after write without', async () => {
    const withFlags = await buildProgram({ source: path.join(dir, 'logger.asm'), buildDirectory: path.join(dir, 'with'), defines: ['USE_WRITEV', 'LOG_FD=2'] });
    expect(withFlags.ok).toBe(true);
    const run = await runProgram(withFlags.program, [], { timeoutMs: 10_000 });
    expect([run.exitCode, run.stderr, run.stdout]).toEqual([2, 'log line\n', '']);
    const plain = await buildProgram({ source: path.join(dir, 'logger.asm'), buildDirectory: path.join(dir, 'plain') });
    const plainRun = await runProgram(plain.program, [], { timeoutMs: 10_000 });
    expect([plainRun.exitCode, plainRun.stdout]).toEqual([0, 'log line\n']);
  });

  it('decide nasm\'s diagnostics in the editor', async () => {
    const file = path.join(dir, 'guarded.asm');
    const text = '%ifndef TARGET_LINUX\n%error "build with -DTARGET_LINUX"\n%endif\nsection .text\nglobal _start\n_start:\n  mov eax, 60\n  xor edi, edi\n  syscall\n';
    writeFileSync(file, text);
    const uri = `file://${file}`;
    const without = await TestClient.start(cli, { settings: {} }, dir);
    try {
      await without.open(uri, text);
      const errors = await without.waitFor(() => (without.diagnostics.get(uri)?.length ? without.diagnostics.get(uri) : undefined));
      expect(errors.map((d: { message: string }) => d.message).join('\n')).toContain('build with -DTARGET_LINUX');
    } finally {
      await without.stop();
    }
    const withSetting = await TestClient.start(cli, { settings: { defines: ['TARGET_LINUX'], inlayHints: { bytes: true } } }, dir, undefined,
      { workspace: { inlayHint: { refreshSupport: true } } });
    try {
      let listed = false;
      withSetting.connection.onRequest('workspace/inlayHint/refresh', () => { listed = true; return null; });
      await withSetting.open(uri, text);
      // nasm ran (its listing arrived) and had nothing to say.
      await withSetting.waitFor(() => listed);
      expect(withSetting.diagnostics.get(uri) ?? []).toEqual([]);
    } finally {
      await withSetting.stop();
    }
  });
});
