import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module script without type declarations
import { checkLayout, findCycles, importSpecifiers } from '../../../scripts/import-graph.mjs';

const repository = resolve(__dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'syscall-lens-layout-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(scratch, 'p-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('the source tree keeps its layout', () => {
  it('has no import cycle, no folder cycle, only client/ touches vscode, and each folder imports only what the layout allows', () => {
    const { problems, modules } = checkLayout(repository);
    expect(modules.size).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });
});

describe('the import graph checker', () => {
  it('sees static, re-export, type-only and dynamic imports', () => {
    const text = `import a from './a'; import type { B } from './b'; export { c } from './c'; const d = import('./d');`;
    expect(importSpecifiers('x.ts', text)).toEqual(['./a', './b', './c', './d']);
  });

  it('finds a cycle through three modules and a self-import, not a diamond', () => {
    const graph = new Map([
      ['a', ['b']], ['b', ['c']], ['c', ['a']],
      ['d', ['e', 'f']], ['e', ['g']], ['f', ['g']], ['g', []],
      ['s', ['s']],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c'], ['s']]);
  });

  it('reports a module cycle, a folder cycle, vscode outside client/, imports of cli/ and imports the layout forbids', () => {
    const root = project({
      'server/a.ts': `import { b } from './b'; export const a = 1;`,
      'server/b.ts': `import type { a } from './a'; import { n } from '../nasm/n'; export const b = 2;`,
      'nasm/n.ts': `import { c } from '../server/c'; import * as vscode from 'vscode'; export const n = 3;`,
      'server/c.ts': `export const c = 4;`,
      'trace/t.ts': `import { main } from '../cli/main';`,
      'cli/main.ts': `export function main() {}`,
      'client/ok.ts': `import * as vscode from 'vscode';`,
      'syscalls/s.ts': `import { t } from '../trace/t';`,
    });
    const { problems } = checkLayout(root);
    expect(problems).toContain('import cycle: server/a.ts → server/b.ts');
    expect(problems).toContain('folder cycle: nasm ↔ server');
    expect(problems).toContain('nasm/n.ts imports vscode; only client/ may');
    expect(problems).toContain('trace/t.ts imports cli/main.ts; cli/ is an entry point, nothing imports it');
    expect(problems).toContain('syscalls/s.ts imports trace/t.ts; syscalls/ may import only x86');
    expect(problems).toContain('nasm/n.ts imports server/c.ts; nasm/ may import only x86, syscalls');
    expect(problems.some((problem: string) => problem.startsWith('client/'))).toBe(false);
  });
});
