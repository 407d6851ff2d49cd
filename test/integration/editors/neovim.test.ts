// Neovim's built-in LSP client (Debian's neovim, headless) against `syscall-lens lsp --stdio`, with the
// configuration the README documents (editors/neovim/syscall-lens.lua): a real third-party client
// keeps the server honest about the protocol, not only about what VS Code happens to send.
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../../toolchain/tools';
import { prepareEditorRun, ROOT, runEditor } from './editorHarness';

const nvim = findExecutable('nvim');

interface DriveResult {
  error?: string;
  filetype: string;
  server: string;
  hover: string | null;
  diagnostics: { line: number; message: string; source?: string }[];
  cleared: boolean;
  completionCount: number;
  completion: string[];
  renameError: unknown;
  lines: string[];
  unknownDocument: { error?: { code: number; message: string } } | null;
  stillRunning: boolean;
}

describe.skipIf(!nvim)('Neovim with the documented configuration', () => {
  let result: DriveResult;

  beforeAll(async () => {
    const run = await prepareEditorRun('nvim');
    result = await runEditor<DriveResult>(run, nvim!, [
      '--headless', '--clean', '-u', path.join(ROOT, 'editors/neovim/syscall-lens.lua'), '-S', path.join(__dirname, 'neovim-drive.lua'), 'hello.asm',
    ]);
  }, 120_000);

  it('starts the server on an .asm file', () => {
    expect(result.filetype).toBe('asm');
    expect(result.server).toBe('syscall-lens');
  });

  it('hovers `mov rax, 60` as exit', () => {
    expect(result.hover).toMatch(/exit\(int error_code\)/);
  });

  it('shows nasm\'s diagnostics after an error is typed, and clears them when it is gone', () => {
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.diagnostics[0]!.line).toBe(15);
    expect(result.cleared).toBe(true);
  });

  it('completes a typed prefix', () => {
    expect(result.completionCount).toBeGreaterThan(0);
    expect(result.completion).toContain('syscall');
  });

  it('renames a label everywhere, applied by Neovim itself', () => {
    expect(result.renameError).toBeNull();
    expect(result.lines).toContain('greeting     db      "Hello, world!", 10     ; 10 is the newline');
    expect(result.lines.some((line) => /mov\s+rsi, greeting$/.test(line))).toBe(true);
    expect(result.lines.some((line) => /equ\s+\$ - greeting\b/.test(line))).toBe(true);
    // Code only: the comment that mentions msg is prose and stays as written.
    const code = result.lines.map((line) => line.replace(/;.*/, ''));
    expect(code.join('\n')).not.toMatch(/\bmsg\b/);
  });

  it('keeps running after a request about a document it never opened (answered with a protocol error when it errs)', () => {
    expect(result.stillRunning).toBe(true);
    if (result.unknownDocument && 'error' in result.unknownDocument) expect(typeof result.unknownDocument.error!.code).toBe('number');
  });
});
