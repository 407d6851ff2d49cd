// `syscall-lens size`: how big a program is and why — headers, sections, segments, labels, source
// files — and, for two programs, the two side by side, with their syscall counts when traced.
import * as path from 'node:path';
import { buildCargoProgram, CargoBuildError, isRustSource } from '../toolchain/cargo';
import { resolveBuildOptions } from '../toolchain/options';
import { prepareTarget, TargetError } from '../toolchain/target';
import { ToolNotFoundError } from '../toolchain/tools';
import { TraceError } from '../trace/capture/runner';
import { ElfFormatError } from '../trace/map/elf';
import { demangleLabels, programSize } from '../trace/map/programSize';
import { compareSizes, sizeComparisonText, sizeReportText, type MeasuredProgram } from '../trace/map/sizeText';
import { TraceModel } from '../trace/model/model';
import { TraceSession } from '../trace/session';
import { answerUsage, type Subcommand } from './subcommand';

export const SIZE_HELP = `Usage: syscall-lens size [--json] [--trace] [--labels N] FILE [FILE2]

FILE is a program, or a source (.asm, .nasm, .c) built first exactly as for debugging and tracing,
or a .rs file of a Cargo project (built with cargo build --offline).
Prints the file size, the ELF headers, every section and segment with its size, the largest
labels (C++ and Rust names demangled) and the code bytes of each source file (from the DWARF line
table).

With FILE2, prints the two side by side (file size, each section, loaded bytes). With --trace,
runs each under strace and adds its syscall count: "63 syscalls / 16 KB → 2 / 400 bytes".

Options:
  --json         one JSON object per program (and, with FILE2, a comparison object)
  --trace        run the program(s) under strace and count their syscalls (the programs' own
                 output goes to stderr)
  --labels N     how many labels to list (default 10)
  -h, --help     show this help

Exit status: 0 on success, 1 when a file cannot be built, read or traced, 2 for wrong usage.`;

interface Options {
  json: boolean;
  trace: boolean;
  labels: number;
  files: string[];
}

function parseOptions(argv: string[]): Options | string {
  const options: Options = { json: false, trace: false, labels: 10, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--json') options.json = true;
    else if (arg === '--trace') options.trace = true;
    else if (arg === '--labels' || arg.startsWith('--labels=')) {
      const value = Number(arg.includes('=') ? arg.slice(9) : argv[++i]);
      if (!Number.isInteger(value) || value < 0) return '--labels needs a number';
      options.labels = value;
    } else if (arg.startsWith('-')) return `unknown option "${arg}"`;
    else options.files.push(arg);
  }
  if (options.files.length === 0) return 'missing FILE';
  if (options.files.length > 2) return 'at most two files';
  return options;
}


async function measure(file: string, trace: boolean): Promise<MeasuredProgram> {
  const cwd = process.cwd();
  const program = isRustSource(file) ? await buildCargoProgram(path.resolve(file)) : (await prepareTarget(file, { ...resolveBuildOptions({}, cwd, path.resolve(file)), run: false })).program;
  const measured: MeasuredProgram = { name: path.basename(file), report: await demangleLabels(programSize(program)) };
  if (trace) {
    const session = await TraceSession.start({ file: program, args: [], cwd, stdio: 'output', model: new TraceModel({ keepEvents: false }) });
    session.child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    const result = await session.done;
    measured.syscalls = result.model.summary().reduce((n, s) => n + s.calls, 0);
  }
  return measured;
}

export const sizeCommand: Subcommand = {
  async run(argv) {
    const options = parseOptions(argv);
    const usage = answerUsage('size', SIZE_HELP, options);
    if (usage !== undefined || typeof options === 'string') return usage ?? 2;
    const measured: MeasuredProgram[] = [];
    try {
      for (const file of options.files) measured.push(await measure(file, options.trace));
    } catch (error) {
      if (error instanceof TargetError || error instanceof ToolNotFoundError || error instanceof TraceError || error instanceof ElfFormatError || error instanceof CargoBuildError) {
        process.stderr.write(`syscall-lens size: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    const out: string[] = [];
    if (options.json) {
      for (const m of measured) out.push(JSON.stringify({ type: 'program', name: m.name, syscalls: m.syscalls ?? null, ...m.report }));
      if (measured.length === 2) out.push(JSON.stringify({ type: 'comparison', a: measured[0]!.name, b: measured[1]!.name, ...compareSizes(measured[0]!, measured[1]!) }));
    } else if (measured.length === 1) {
      out.push(sizeReportText(measured[0]!.name, measured[0]!.report, { labels: options.labels, syscalls: measured[0]!.syscalls }));
    } else {
      out.push(sizeComparisonText(measured[0]!, measured[1]!));
    }
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  },
};
