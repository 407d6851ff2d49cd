// `syscall-lens trace`: build, trace and print each syscall beside the source line that made it.
import * as path from 'node:path';
import { ToolNotFoundError } from '../toolchain/tools';
import type { Subcommand } from './subcommand';
import { formatEvent, type TraceEvent } from '../trace/events';
import { toJsonLine } from '../trace/model/jsonl';
import { formatSummaryTable } from '../trace/model/model';
import { TraceError } from '../trace/capture/runner';
import { TraceSession } from '../trace/session';

export const TRACE_HELP = `Usage: syscall-lens trace [--json] [--summary] [--] FILE [ARGS...]

Builds FILE when it is a source (.asm/.nasm with nasm and ld, .c with gcc, always with debug
info), runs it under strace and prints every syscall beside the source line that made it:

  hello.asm:9    write(1, "Hello, world!\\n", 14) = 14

The program's own output goes to stderr, so stdout carries only the trace.

Options:
  --json       one JSON object per line: type, seq, pid, time, duration, name, args, result,
               errno, signal, ip, file, line, macroLine (null when unknown)
  --summary    print a strace -c style table (calls, errors, time per syscall) instead
  -h, --help   show this help

Exit status: 0 when the trace worked (whatever the program's own exit status, which is reported
on stderr), 1 when tracing failed (build error, strace missing, ptrace not permitted), 2 for
wrong usage.`;

interface Options {
  json: boolean;
  summary: boolean;
  file: string;
  args: string[];
}

function parseOptions(argv: string[]): Options | string {
  const options = { json: false, summary: false };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') { i++; break; }
    if (arg === '--json') options.json = true;
    else if (arg === '--summary') options.summary = true;
    else if (arg === '-h' || arg === '--help') return 'help';
    else if (arg.startsWith('-')) return `unknown option "${arg}"`;
    else break;
  }
  const [file, ...args] = argv.slice(i);
  if (!file) return 'missing FILE';
  return { ...options, file, args };
}

function locationColumn(event: TraceEvent, cwd: string): string {
  const where = event.location;
  if (!where) return '-';
  const file = path.relative(cwd, where.file);
  const shown = file && !file.startsWith('..') ? file : where.file;
  return `${shown}:${where.line}${where.macroLine !== undefined ? ` (macro line ${where.macroLine})` : ''}`;
}

export const traceCommand: Subcommand = {
  async run(argv) {
    const options = parseOptions(argv);
    if (options === 'help') {
      process.stdout.write(TRACE_HELP + '\n');
      return 0;
    }
    if (typeof options === 'string') {
      process.stderr.write(`syscall-lens trace: ${options}. Run 'syscall-lens trace --help'.\n`);
      return 2;
    }
    const cwd = process.cwd();
    let rootPid: number | undefined;
    const print = (event: TraceEvent) => {
      if (event.kind === 'syscall' && event.inProgress) return;
      rootPid ??= event.pid;
      if (options.json) {
        process.stdout.write(toJsonLine(event) + '\n');
        return;
      }
      const pid = event.pid !== rootPid ? `[pid ${event.pid}] ` : '';
      process.stdout.write(`${locationColumn(event, cwd).padEnd(14)} ${pid}${formatEvent(event)}\n`);
    };
    try {
      const session = await TraceSession.start({
        file: options.file, args: options.args, cwd, stdio: 'output', workspaceRoots: [cwd],
        onEvent: options.summary ? undefined : print,
        onProgramStderr: (text) => process.stderr.write(text),
      });
      // The program's output goes to stderr so that stdout is the trace alone.
      session.child.stdout?.pipe(process.stderr, { end: false });
      const stopOnSignal = () => session.stop();
      process.once('SIGINT', stopOnSignal);
      process.once('SIGTERM', stopOnSignal);
      const result = await session.done;
      process.off('SIGINT', stopOnSignal);
      process.off('SIGTERM', stopOnSignal);
      if (options.summary) process.stdout.write(formatSummaryTable(result.model.summary()) + '\n');
      const exit = result.programExit;
      const status = result.stopped ? 'stopped'
        : exit?.killedBy ? `killed by ${exit.killedBy}${exit.coreDumped ? ' (core dumped)' : ''}`
        : exit ? `exited with ${exit.exitCode}` : 'ended without an exit status';
      process.stderr.write(`syscall-lens: ${path.basename(result.target.program)} ${status}` +
        (result.unparsedCount ? ` (${result.unparsedCount} strace lines not understood)` : '') + '\n');
      return 0;
    } catch (error) {
      if (error instanceof TraceError || error instanceof ToolNotFoundError) {
        process.stderr.write(`syscall-lens trace: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
