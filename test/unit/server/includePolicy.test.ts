// What %include may make the language server read: trust, NASM sources only, regular files, a budget.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { IncludePolicy } from '../../../server/includePolicy';
import { pathToUri, Workspace } from '../../../server/workspace';
import { hover, lints } from './helpers';

const base = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-include-policy-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let project: string;
let outside: string;
beforeEach(() => {
  const dir = mkdtempSync(path.join(base, 'case-'));
  project = path.join(dir, 'project');
  outside = path.join(dir, 'elsewhere');
  mkdirSync(project);
  mkdirSync(outside);
  // A secret that parses as NASM: `secret_token` is a label and its line the secret.
  writeFileSync(path.join(outside, 'secrets.inc'), 'secret_token: db "hunter2-password"\n');
  writeFileSync(path.join(outside, '.git-credentials'), 'secret_token: db "https://user:hunter2@example.com"\n');
  writeFileSync(path.join(project, 'consts.inc'), 'BUF_LEN equ 64\n');
});

function openMain(text: string, options: { trusted: boolean; roots?: string[] }) {
  const workspace = new Workspace();
  workspace.setFolders(options.roots ?? [project]);
  workspace.setTrust(options.trusted);
  const file = path.join(project, 'main.asm');
  writeFileSync(file, text);
  const document = workspace.open(pathToUri(file), text, 1);
  return { workspace, document };
}

const USE = '\nsection .text\n  lea rsi, [rel secret_token]\n';

describe('an untrusted folder reads no include from outside the workspace', () => {
  it('hides the line of a file included by a relative path that leaves the folder, and says why', () => {
    const { workspace, document } = openMain(`%include "../elsewhere/secrets.inc"${USE}`, { trusted: false });
    expect(hover(workspace, document, 'secret_token') ?? '').not.toContain('hunter2');
    expect(workspace.all().map((d) => d.uri)).not.toContain(pathToUri(path.join(outside, 'secrets.inc')));
    const [lint] = lints(workspace, document).filter((l) => l.code === 'include-not-read');
    expect(lint).toMatchObject({ line: 0, severity: 'warning', message: expect.stringContaining('outside the workspace folder, and the folder is not trusted') });
    expect(hover(workspace, document, 'elsewhere')).toContain('not read: it is outside the workspace folder');
  });

  it('refuses an absolute path and a link inside the folder that points outside', () => {
    symlinkSync(path.join(outside, 'secrets.inc'), path.join(project, 'innocent.inc'));
    for (const include of [path.join(outside, 'secrets.inc'), 'innocent.inc']) {
      const { workspace, document } = openMain(`%include "${include}"${USE}`, { trusted: false });
      expect(hover(workspace, document, 'secret_token') ?? '').not.toContain('hunter2');
      expect(lints(workspace, document).map((l) => l.code)).toContain('include-not-read');
    }
  });

  it('still reads includes inside the folder, and reads the outside one once the folder is trusted', () => {
    const { workspace, document } = openMain(`%include "consts.inc"\n%include "../elsewhere/secrets.inc"${USE}  mov edx, BUF_LEN\n`, { trusted: false });
    expect(hover(workspace, document, 'BUF_LEN')).toContain('Value: `64`');
    workspace.setTrust(true);
    expect(hover(workspace, document, 'secret_token')).toContain('hunter2');
    expect(lints(workspace, document).map((l) => l.code)).not.toContain('include-not-read');
  });

  it('lets go of outside files read while trusted when trust is taken away', () => {
    const { workspace, document } = openMain(`%include "../elsewhere/secrets.inc"${USE}`, { trusted: true });
    expect(hover(workspace, document, 'secret_token')).toContain('hunter2');
    workspace.setTrust(false);
    expect(hover(workspace, document, 'secret_token') ?? '').not.toContain('hunter2');
  });

  it('with no workspace folder at all, reads no include from disk', () => {
    const { workspace, document } = openMain('%include "consts.inc"\n', { trusted: false, roots: [] });
    expect(lints(workspace, document)[0]?.message).toContain('this window is not trusted and has no workspace folder');
  });
});

describe('in any folder, only NASM sources are read for includes', () => {
  it('does not show lines of a file that is not a NASM source, even when trusted', () => {
    const { workspace, document } = openMain(`%include "../elsewhere/.git-credentials"${USE}`, { trusted: true });
    expect(hover(workspace, document, 'secret_token') ?? '').not.toContain('hunter2');
    expect(lints(workspace, document)[0]?.message).toMatch(/only NASM sources \(\.asm .* \.inc .*\) are read for includes/);
  });

  it('does not follow a .inc link to a file that is not a NASM source', () => {
    symlinkSync(path.join(outside, '.git-credentials'), path.join(project, 'creds.inc'));
    const { workspace, document } = openMain(`%include "creds.inc"${USE}`, { trusted: true });
    expect(hover(workspace, document, 'secret_token') ?? '').not.toContain('hunter2');
  });

  it('never opens a FIFO or a device (it would block the server or never end)', () => {
    execFileSync('mkfifo', [path.join(project, 'pipe.inc')], { timeout: 10_000 });
    const { workspace, document } = openMain(`%include "pipe.inc"\n%include "/dev/zero"\n`, { trusted: true });
    expect(lints(workspace, document).map((l) => l.message)).toEqual([
      expect.stringContaining('not a regular file'), expect.stringContaining('not a regular file'),
    ]);
  });
});

describe('the bytes read for includes are capped', () => {
  it('refuses the include that would pass the budget, and frees the budget of files let go', () => {
    const files = ['a', 'b', 'c'].map((name) => {
      const file = path.join(project, `${name}.inc`);
      writeFileSync(file, `; ${name}\n`.padEnd(400, 'x'));
      return file;
    });
    const held = new Set<string>();
    const policy = new IncludePolicy((file) => held.has(file), { fileBytes: 1000, totalBytes: 1000 });
    expect(policy.refusal(files[0]!)).toBeUndefined();
    held.add(files[0]!);
    expect(policy.refusal(files[1]!)).toBeUndefined();
    held.add(files[1]!);
    expect(policy.refusal(files[2]!)).toBe('the includes already read total 800 bytes, and this one would pass the 1000 bytes limit');
    held.delete(files[0]!);
    expect(policy.refusal(files[2]!)).toBeUndefined();
  });

  it('refuses one file over the per-file limit', () => {
    const file = path.join(project, 'big.inc');
    writeFileSync(file, 'x'.repeat(2000));
    expect(new IncludePolicy(() => false, { fileBytes: 1000, totalBytes: 10_000 }).refusal(file)).toBe('it is larger than 1000 bytes');
  });
});

describe('files the editor had open', () => {
  it('an outside file opened and closed in an untrusted window is not kept for includes', () => {
    const { workspace, document } = openMain(`%include "../elsewhere/secrets.inc"${USE}`, { trusted: false });
    const secrets = pathToUri(path.join(outside, 'secrets.inc'));
    workspace.open(secrets, 'secret_token: db "hunter2-password"\n', 1);
    workspace.close(secrets);
    expect(workspace.get(secrets)).toBeUndefined();
    expect(hover(workspace, document, 'secret_token') ?? '').not.toContain('hunter2');
  });
});
