import type { Subcommand } from './cli';

// Placeholder until the trace engine lands (issue 6).
export const traceCommand: Subcommand = {
  run() {
    process.stderr.write('syscall-lens trace: not available in this build yet.\n');
    return 2;
  },
};
