// Bundles every process of the extension into dist/ with esbuild. `--production` minifies.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });

// Data tables (syscalls/data/*.json, about 250 KB) go into the bundles as JSON text parsed at first use:
// V8 parses a bundle's top-level object literals eagerly, before any of it runs (the debug adapter starts
// gdb from its first lines), and JSON.parse reads the same data much faster than the parser reads code.
// Each table's top-level keys become getters that parse it on the first read, so loading a bundle does not
// (the debug adapter's bundle is loaded on F5, and needs no table before the first stop).
const jsonTablesAsText = {
  name: 'json-tables-as-text',
  setup(build) {
    build.onLoad({ filter: /[\\/]data[\\/][^\\/]+\.json$/ }, (args) => {
      const data = JSON.parse(readFileSync(args.path, 'utf8'));
      const parse = `JSON.parse(${JSON.stringify(JSON.stringify(data))})`;
      if (Array.isArray(data) || data === null || typeof data !== 'object') return { contents: `module.exports = ${parse};`, loader: 'js' };
      const getters = Object.keys(data).map((key) => `get ${JSON.stringify(key)}() { return table()[${JSON.stringify(key)}]; }`);
      return { contents: `let parsed;\nconst table = () => parsed ??= ${parse};\nmodule.exports = {\n${getters.join(',\n')}\n};`, loader: 'js' };
    });
  },
};

// The bin's first line. node loads the certificates NODE_EXTRA_CA_CERTS names while it starts (about 90 ms
// of CPU for a system bundle), and no subcommand makes a TLS connection: GNU env (-S: coreutils 8.30 or
// later) starts node with the variable empty and its value saved under the name cli/userEnvironment.ts
// (SAVED_EXTRA_CA_CERTS) restores it from before anything is spawned. busybox's env has no -S and stops
// with "invalid option -- 'S'"; `node dist/cli.js` runs the same there (README.md, Other editors).
const CLI_SHEBANG = '#!/usr/bin/env -S NODE_EXTRA_CA_CERTS= SYSCALL_LENS_NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node';

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  legalComments: 'none',
  logLevel: 'warning',
  external: ['vscode'],
  plugins: [jsonTablesAsText],
};

await Promise.all([
  esbuild.build({ ...node, entryPoints: { extension: 'client/extension.ts' }, outdir: 'dist' }),
  esbuild.build({ ...node, entryPoints: { server: 'server/main.ts' }, outdir: 'dist' }),
  // debug-adapter.js is the small entry that starts gdb, then loads debug-adapter-main.js (debug-adapter/entry.ts);
  // both are the standalone adapter (`syscall-lens dap`). The extension loads debug-adapter-inline.js into its own process.
  esbuild.build({
    ...node, outdir: 'dist',
    entryPoints: { 'debug-adapter': 'debug-adapter/entry.ts', 'debug-adapter-main': 'debug-adapter/main.ts', 'debug-adapter-inline': 'debug-adapter/inline.ts' },
  }),
  // cli.js loads the subcommands other than lsp and dap from subcommands.js beside it (cli/subcommands.ts).
  esbuild.build({ ...node, entryPoints: { cli: 'cli/main.ts' }, outdir: 'dist', banner: { js: CLI_SHEBANG }, external: [...node.external, './subcommands'] }),
  esbuild.build({ ...node, entryPoints: { subcommands: 'cli/subcommands.ts' }, outdir: 'dist' }),
  esbuild.build({
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: production, plugins: [jsonTablesAsText],
    sourcemap: production ? false : 'inline', logLevel: 'warning',
    entryPoints: { webview: 'client/trace/webview/main.ts', syscallTable: 'client/syscallTable/webview/main.ts' }, outdir: 'dist',
  }),
]);
chmodSync('dist/cli.js', 0o755);
// Python helpers (run by python3, or gdb's Python for the debugger) ship beside the bundles, which find them through __dirname.
for (const helper of ['trace/capture/supervisor.py', 'trace/capture/unwind_cache.c', 'debug-adapter/keeper.py', 'debug-adapter/program_pty.py', 'debug-adapter/user_terminal.py', 'debug-adapter/argv_launcher.py', 'debug-adapter/record.py', 'debug-adapter/logpoint.py', 'debug-adapter/nasm_unwind.py']) copyFileSync(helper, `dist/${helper.split('/').pop()}`);
