// What every `syscall-lens` subcommand module exports.
export interface Subcommand {
  /** Runs with the arguments after the subcommand's name; resolves to the exit status. */
  run(args: string[]): Promise<number> | number;
}

/**
 * What a subcommand does with an argument list that did not parse into options: 'help' prints the
 * help (exit 0), any other string is a usage error (exit 2). Undefined when there are options.
 */
export function answerUsage<T extends object>(command: string, help: string, parsed: T | string): number | undefined {
  if (parsed === 'help') {
    process.stdout.write(help + '\n');
    return 0;
  }
  if (typeof parsed === 'string') {
    process.stderr.write(`syscall-lens ${command}: ${parsed}. Run 'syscall-lens ${command} --help'.\n`);
    return 2;
  }
  return undefined;
}
