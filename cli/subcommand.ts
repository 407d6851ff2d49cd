// What every `syscall-lens` subcommand module exports.
export interface Subcommand {
  /** Runs with the arguments after the subcommand's name; resolves to the exit status. */
  run(args: string[]): Promise<number> | number;
}
