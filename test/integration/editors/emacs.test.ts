// Emacs's eglot (Debian's emacs-nox and elpa-eglot, batch mode) against `syscall-lens lsp --stdio`,
// with the configuration the README documents (editors/emacs/syscall-lens.el). eglot 1.9 asks for
// plain-text hovers, so this also checks the server honours the client's content format.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../../toolchain/tools';
import { prepareEditorRun, ROOT, runEditor } from './editorHarness';

const emacs = findExecutable('emacs');
// -q, not -Q: Debian's site-start puts the elpa-eglot package on the load path.
const eglotInstalled = emacs !== undefined
  && spawnSync(emacs, ['--batch', '-q', '--eval', "(require 'eglot)"], { timeout: 30_000, stdio: 'ignore' }).status === 0;

interface DriveResult {
  error?: string;
  mode: string;
  server: string;
  hover: string;
  diagnostics: { line: number; text: string }[];
  cleared: boolean;
  completionCount: number;
  completion: string[];
  lines: string[];
  stillRunning: boolean;
}

describe.skipIf(!eglotInstalled)('Emacs eglot with the documented configuration', () => {
  let result: DriveResult;

  beforeAll(async () => {
    const run = await prepareEditorRun('emacs');
    result = await runEditor<DriveResult>(run, emacs!, [
      '--batch', '-q', '-l', path.join(ROOT, 'editors/emacs/syscall-lens.el'), '-l', path.join(__dirname, 'emacs-drive.el'),
    ]);
  }, 120_000);

  it('starts the server for an .asm file in asm-mode', () => {
    expect(result.mode).toBe('asm-mode');
    expect(result.server).toBe('syscall-lens');
  });

  it('hovers `mov rax, 60` as exit, in plain text', () => {
    expect(result.hover).toMatch(/long exit\(int error_code\);/);
    expect(result.hover).not.toContain('```');
  });

  it('shows nasm\'s diagnostics through flymake after an error is typed, and clears them', () => {
    expect(result.diagnostics).toEqual([{ line: 16, text: expect.stringMatching(/^nasm: /) }]);
    expect(result.cleared).toBe(true);
  });

  it('completes a typed prefix', () => {
    expect(result.completion).toContain('syscall');
  });

  it('renames a label everywhere, applied by eglot', () => {
    expect(result.lines).toContain('greeting     db      "Hello, world!", 10     ; 10 is the newline');
    expect(result.lines.some((line) => /mov\s+rsi, greeting$/.test(line))).toBe(true);
    expect(result.lines.map((line) => line.replace(/;.*/, '')).join('\n')).not.toMatch(/\bmsg\b/);
    expect(result.stillRunning).toBe(true);
  });
});
