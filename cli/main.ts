// The `syscall-lens` command: one entry for every process the extension runs outside VS Code.
// First: the user's environment as it was before the bin's shebang started node (see userEnvironment.ts).
import './userEnvironment';
import * as path from 'node:path';
import { version } from '../package.json';

const HELP = `syscall-lens ${version} — syscall-level tools for NASM and C on Linux x86-64

Usage:
  syscall-lens lsp --stdio          serve the NASM language server over stdio (any LSP client)
  syscall-lens dap                  serve the gdb debug adapter over stdio (any DAP client)
  syscall-lens trace [options] [--] FILE [ARGS...]
                                    build FILE (.asm/.nasm/.c) or take a program, run it under
                                    strace and print each syscall beside its source line
  syscall-lens table [options] [NAME|NUMBER...]
                                    the syscall table: list, filter (--search, --category,
                                    --abi i386) or describe calls; --json for scripts
  syscall-lens bytes [options] FILE.asm
                                    the machine code of every line, from nasm's listing;
                                    --shellcode checks bad bytes and absolute addresses
  syscall-lens size [--json] [--trace] FILE [FILE2]
                                    how big a program is and why (sections, segments, labels,
                                    source files); two side by side, with syscall counts
  syscall-lens --help | --version

Run 'syscall-lens COMMAND --help' (trace, table, bytes, size) for their options.`;

/** Loads a sibling bundle (dist/server.js, dist/debug-adapter.js) so cli.js stays small. */
function loadBundle(name: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(__dirname, name));
}

/**
 * The subcommands other than lsp and dap: dist/subcommands.js beside cli.js (scripts/build.mjs keeps it
 * out of cli.js), or bundled in where the CLI is built as one file.
 */
function subcommands(): typeof import('./subcommands') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./subcommands');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(HELP + '\n');
      return 0;
    case '-V':
    case '--version':
      process.stdout.write(`${version}\n`);
      return 0;
    case 'lsp':
      loadBundle('server.js');
      return -1; // the server keeps the process alive
    case 'dap':
      loadBundle('debug-adapter.js');
      return -1;
    case 'trace':
      return subcommands().traceCommand.run(rest);
    case 'bytes':
      return subcommands().bytesCommand.run(rest);
    case 'size':
      return subcommands().sizeCommand.run(rest);
    case 'table':
      return subcommands().tableCommand.run(rest);
    default:
      process.stderr.write(`syscall-lens: unknown command "${command}". Run 'syscall-lens --help'.\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => { if (code >= 0) process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`syscall-lens: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
