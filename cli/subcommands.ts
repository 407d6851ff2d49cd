// The subcommands that are neither a server nor the adapter, in a bundle of their own (dist/subcommands.js,
// scripts/build.mjs): dist/cli.js stays a few kilobytes, so `syscall-lens dap` and `lsp`, which an editor
// starts on its way to a first stop or answer, do not have node parse these first.
export { bytesCommand } from './bytes';
export { sizeCommand } from './size';
export { tableCommand } from './table';
export { traceCommand } from './trace';
