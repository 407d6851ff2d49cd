// The foundation, in a real VS Code: the packaged .vsix installs into code-server, .asm files open in
// the NASM language mode and are coloured by OUR grammar (scopes read back from VS Code's own token
// inspector), .strace logs get the strace grammar, and all of it still works in Restricted Mode.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXAMPLES, inspectToken, openFile, screenshot, startVSCode, statusBarText, waitForTokens, type VSCodeSession,
} from './harness';

/** hello.asm positions (1-based) and the scope our grammar must give each. */
const HELLO_TOKENS: Array<[string, number, number, string]> = [
  ['global', 8, 9, 'keyword.other.directive.symbol.nasm'],
  ['.data', 10, 17, 'entity.name.section.nasm'],
  ['msg', 11, 1, 'entity.name.function.label.nasm'],
  ['db', 11, 9, 'storage.type.data.nasm'],
  ['"Hello, world!"', 11, 18, 'string.quoted.double.nasm'],
  ['equ', 12, 9, 'keyword.other.directive.equ.nasm'],
  ['$', 12, 17, 'variable.language.location-counter.nasm'],
  ['_start', 15, 1, 'entity.name.function.label.nasm'],
  ['mov', 16, 9, 'keyword.other.instruction.nasm'],
  ['rax', 16, 17, 'variable.language.register.general-purpose.nasm'],
  ['1', 16, 22, 'constant.numeric.decimal.nasm'],
  ['; write(…)', 16, 41, 'comment.line.semicolon.nasm'],
  ['syscall', 20, 9, 'keyword.other.instruction.syscall.nasm'],
];

describe('in a trusted folder', () => {
  let vscode: VSCodeSession;
  beforeAll(async () => { vscode = await startVSCode({ folder: EXAMPLES }); });
  afterAll(async () => { await vscode?.close(); });

  it('opens hello.asm in the NASM language mode', async () => {
    await openFile(vscode.page, 'hello.asm');
    expect(await statusBarText(vscode.page, 'status.editor.mode')).toBe('NASM');
    await waitForTokens(vscode.page);
    await screenshot(vscode.page, 'foundation-hello-asm');
  });

  it.each(HELLO_TOKENS)('colours %s at %i:%i as %s', async (_text, line, column, scope) => {
    const token = await inspectToken(vscode.page, line, column);
    expect(token.language).toBe('nasm');
    expect(token.scopes).toContain(scope);
    expect(token.scopes.at(-1)).toBe('source.asm.nasm');
  });

  it('opens the 32-bit example in the NASM mode too', async () => {
    await openFile(vscode.page, 'hello32.asm');
    expect(await statusBarText(vscode.page, 'status.editor.mode')).toBe('NASM');
    const gate = await inspectToken(vscode.page, 22, 9);
    expect(gate.text).toBe('int');
    expect(gate.scopes).toContain('keyword.other.instruction.syscall.nasm');
  });
});

describe('a .strace log', () => {
  let vscode: VSCodeSession;
  let folder: string;
  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-strace-'));
    writeFileSync(path.join(folder, 'hello.strace'), [
      'execve("./hello", ["./hello"], 0x7ffc6cd14648 /* 39 vars */) = 0',
      'write(1, "Hello, world!\\n", 14)         = 14',
      'open("/nonexistent", O_RDONLY)          = -1 ENOENT (No such file or directory)',
      'exit(0)                                 = ?',
      '+++ exited with 0 +++',
      '',
    ].join('\n'));
    vscode = await startVSCode({ folder });
  });
  afterAll(async () => {
    await vscode?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('is coloured by the strace grammar', async () => {
    await openFile(vscode.page, 'hello.strace');
    await waitForTokens(vscode.page);
    const call = await inspectToken(vscode.page, 2, 1);
    expect(call.language).toBe('strace');
    expect(call.scopes).toContain('entity.name.function.syscall.strace');
    const errno = await inspectToken(vscode.page, 3, 46);
    expect(errno.text).toBe('ENOENT');
    expect(errno.scopes).toContain('constant.language.errno.strace');
    await screenshot(vscode.page, 'foundation-strace-log');
  });
});

describe('in an untrusted folder (Restricted Mode)', () => {
  let vscode: VSCodeSession;
  beforeAll(async () => { vscode = await startVSCode({ folder: EXAMPLES, trusted: false }); });
  afterAll(async () => { await vscode?.close(); });

  it('runs in Restricted Mode', async () => {
    const indicator = vscode.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first();
    await indicator.waitFor({ timeout: 30_000 });
    expect(await indicator.isVisible()).toBe(true);
  });

  it('still highlights hello.asm with our grammar', async () => {
    await openFile(vscode.page, 'hello.asm');
    expect(await statusBarText(vscode.page, 'status.editor.mode')).toBe('NASM');
    await waitForTokens(vscode.page);
    const mov = await inspectToken(vscode.page, 16, 9);
    expect(mov.scopes).toContain('keyword.other.instruction.nasm');
    const syscall = await inspectToken(vscode.page, 20, 9);
    expect(syscall.scopes).toContain('keyword.other.instruction.syscall.nasm');
    await screenshot(vscode.page, 'foundation-restricted-mode');
  });
});
