// The .vsix users install: everything the extension runs, nothing it does not (sources, tests,
// examples and their binaries, node_modules, source maps).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../support/run';
import { listZipEntries, readZipText, type ZipEntry } from './zip';

const ROOT = path.resolve(__dirname, '../../..');
let entries: ZipEntry[] = [];
let names: string[] = [];
let vsix = '';

beforeAll(async () => {
  const packed = await run(process.execPath, [path.join(ROOT, 'scripts/package-for-tests.mjs'), '--vsix-only'], { cwd: ROOT, timeout: 170_000 });
  if (packed.status !== 0) throw new Error(`packaging failed:\n${packed.stderr}`);
  vsix = packed.stdout.trim().split('\n').pop()!;
  entries = listZipEntries(vsix);
  names = entries.map((entry) => entry.name);
}, 180_000);

describe('the packaged extension contains what it runs', () => {
  it.each([
    'extension/package.json',
    'extension/dist/extension.js',
    'extension/dist/server.js',
    'extension/dist/debug-adapter.js',
    'extension/dist/debug-adapter-main.js',
    'extension/dist/debug-adapter-inline.js',
    'extension/dist/cli.js',
    'extension/dist/subcommands.js',
    'extension/dist/webview.js',
    'extension/dist/syscallTable.js',
    'extension/media/syscallTable.css',
    'extension/examples/hello.asm',
    'extension/dist/supervisor.py',
    'extension/dist/unwind_cache.c',
    'extension/dist/keeper.py',
    'extension/dist/program_pty.py',
    'extension/dist/user_terminal.py',
    'extension/dist/argv_launcher.py',
    'extension/dist/record.py',
    'extension/dist/logpoint.py',
    'extension/dist/nasm_unwind.py',
    'extension/syntaxes/nasm.tmLanguage.json',
    'extension/syntaxes/strace.tmLanguage.json',
    'extension/language-configuration.json',
    'extension/readme.md',
    'extension/LICENSE.txt',
    'extension/changelog.md',
    'extension/images/icon.png',
    'extension/images/activity.svg',
    'extension.vsixmanifest',
  ])('%s', (name) => {
    expect(names).toContain(name);
    expect(entries.find((entry) => entry.name === name)!.size).toBeGreaterThan(0);
  });

  it('has every file the manifest refers to', async () => {
    const manifest = (await import('../../../package.json')).default as Record<string, any>;
    const referenced = [
      manifest.main, manifest.icon, ...Object.values(manifest.bin as Record<string, string>),
      ...manifest.contributes.grammars.map((grammar: { path: string }) => grammar.path),
      ...manifest.contributes.languages.flatMap((language: { configuration?: string }) => language.configuration ?? []),
      ...manifest.contributes.walkthroughs.flatMap((walkthrough: { steps: Array<{ media: Record<string, string> }> }) =>
        walkthrough.steps.flatMap((step) => [step.media.markdown, step.media.image, step.media.svg].filter(Boolean))),
    ];
    for (const file of referenced) expect(names).toContain(`extension/${path.posix.normalize(file)}`);
  });

  it('has every image the README shows, with the README\'s links left relative', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)[^)]*\)|<img[^>]+src="([^"]+)"/g)].map((m) => m[1] ?? m[2]!);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) {
      expect(image, `${image} must be a path inside the package, not a URL`).not.toMatch(/^[a-z]+:/i);
      expect(names).toContain(`extension/${path.posix.normalize(image)}`);
    }
    // vsce rewrites relative links only against a repository URL; we publish none rather than a made-up one.
    const packagedReadme = readZipText(vsix, 'extension/readme.md');
    for (const image of images) expect(packagedReadme).toContain(`](${image})`);
  });
});

describe('the packaged extension leaves out what it does not run', () => {
  const forbidden: Array<[string, RegExp]> = [
    ['TypeScript sources', /\.ts$/],
    ['tests', /^extension\/test\//],
    ['built examples (only their sources ship, for the walkthrough)', /^extension\/examples\/(?!.*\.(asm|c|md)$)/],
    ['node_modules (dependencies are bundled)', /node_modules\//],
    ['source maps', /\.map$/],
    ['scripts', /^extension\/scripts\//],
    ['build configuration', /(tsconfig|vitest\.config|\.vscodeignore|package-lock\.json)/],
    ['object files and vsix files', /\.(o|vsix)$/],
  ];
  it.each(forbidden)('no %s', (_what, pattern) => {
    expect(names.filter((name) => pattern.test(name))).toEqual([]);
  });

  it('stays small (under 4 MB uncompressed)', () => {
    expect(entries.reduce((sum, entry) => sum + entry.size, 0)).toBeLessThan(4 * 1024 * 1024);
  });
});
