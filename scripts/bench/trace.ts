// Trace engine benchmarks, each against a baseline run side by side in the same process:
//  1. parser throughput (target ≥ 1 000 000 lines/s) on the reference sample and on logs captured
//     just now from a realistic program (threads, fork, signals, long strings; with and without -k),
//     in wall time and in CPU time (the machine is shared: CPU time is what load does not inflate),
//     beside merely splitting the same text into lines;
//  2. mapping 1 000 000 addresses to lines: our DWARF reader vs ONE addr2line process given them all;
//  3. a program making 200 000 syscalls: our pipeline (capture + parse + map + aggregate into the
//     panel's model: a window of events, the others read back from strace's file) vs strace
//     with the same flags writing a file (target ≤ 1.05×), as a user runs it, given the variables
//     we give strace (straceEnvironment.ts: TZ), and attached the way we attach it (the supervisor),
//     which isolate what our variables save and what our reading and parsing cost; every
//     way runs once per round in a turning order, and the ratios are the median of per-round
//     ratios with their spread (the load on a shared machine drifts between runs);
//  4. peak memory of `syscall-lens trace --json` and of a trace into the panel's model at 200 000
//     and 2 000 000 calls, beside a bare node process (bounded: the same at both sizes, target < 150 MB),
//     and how long the panel's filters take on those traces;
//  5. a libc program: the ways to credit its calls to the user's line (-k stacks, the default for a
//     program with debug lines, with and without our unwind cache preloaded into strace; by call site
//     without -k; -k for a filtered few), each vs strace to a file (target ≤ 2×).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { buildProgram } from '../../toolchain/build';
import { probeStrace, traceOptions } from '../../trace/capture/straceProbe';
import { findSupervisorInterpreter, supervisorArguments } from '../../trace/capture/supervisor';
import { execTrampolineFor } from '../../trace/capture/execTrampoline';
import { unwindCacheLibrary } from '../../trace/capture/unwindCache';
import { straceEnvironment } from '../../trace/capture/straceEnvironment';
import { readLineTable } from '../../trace/map/dwarfLines';
import { ElfFile } from '../../trace/map/elf';
import { StraceParser } from '../../trace/parse/parser';
import { TraceModel, VIEW_WINDOW } from '../../trace/model/model';
import { TraceSession } from '../../trace/session';
import { NO_FILTER, TraceViewModel } from '../../client/trace/viewModel';
import type { TraceFilter } from '../../client/trace/protocol';

const work = mkdtempSync(path.join(os.tmpdir(), 'bench-trace-'));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

// The machine is shared: wall time mostly measures the queue for a CPU. CPU time (ours, and every
// child process's once it has ended and been waited for) is what each way of tracing really costs.
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds of this process and of its ended children (cutime + cstime of /proc/self/stat). */
function cpuSoFar(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = process.cpuUsage();
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS + (own.user + own.system) / 1e6;
}

interface Cost {
  time: number;
  /** CPU seconds: ours and the whole tree we started (strace, the supervisor, the program). */
  cpu: number;
}

async function measure(run: () => Promise<void>): Promise<Cost> {
  const start = process.hrtime.bigint();
  const cpuStart = cpuSoFar();
  await run();
  return { time: seconds(start), cpu: cpuSoFar() - cpuStart };
}

/** strace as a user runs it; with `ours`, given the variables we give it (straceEnvironment.ts) and their -E. */
function timePlainStrace(program: string, flags: string[] = [], output = '/dev/null', ours = false): Promise<Cost> {
  const variables = straceEnvironment(process.env);
  const unset = ours ? variables.unsetForProgram.flatMap((name) => ['-E', name]) : [];
  return measure(() => new Promise<void>((resolve, reject) => {
    const child = spawn('strace', [...unset, ...flags, '-o', output, '--', program], { stdio: 'ignore', env: ours ? { ...process.env, ...variables.set } : process.env });
    child.on('error', reject);
    child.on('close', () => resolve());
  }));
}

/** strace run as we run it: attached by the supervisor to the program stopped before its execve, with its variables (the unwind cache when given). */
function timeSupervisedStrace(program: string, flags: string[], output: string, stracePreload?: string): Promise<Cost> {
  const straceEnv = straceEnvironment(process.env, stracePreload).set;
  const python = findSupervisorInterpreter();
  if (!python) throw new Error('python3 is needed for the supervised baseline');
  return measure(() => new Promise<void>((resolve, reject) => {
    // fd 3 (commands) stays open until the supervisor ends; fd 4 takes strace's messages.
    // Through the exec trampoline where the session uses it (under -k).
    const execThrough = execTrampolineFor(flags);
    const child = spawn(python, supervisorArguments(['strace', ...flags, '-o', output], [program], { execThrough, straceEnv }), { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    (child.stdio[4] as Readable | null)?.resume();
    child.on('error', reject);
    child.on('close', () => resolve());
  }));
}

async function timePipeline(program: string, capture: 'fifo' | 'file', stackTraces?: boolean, syscalls?: string[]): Promise<Cost & { ownCpu: number; calls: number; mapped: number }> {
  const start = process.hrtime.bigint();
  const cpuStart = cpuSoFar();
  const ownStart = process.cpuUsage();
  // The model the panel keeps: a window of events, the rest read back from strace's file.
  const model = new TraceModel({ window: VIEW_WINDOW });
  const session = await TraceSession.start({ file: program, args: [], stdio: 'pipe', workspaceRoots: [work], capture, stackTraces, syscalls, model });
  session.child.stdin?.end();
  const result = await session.done;
  model.dispose();
  const time = seconds(start);
  // The supervisor has been waited for once `done` settles (its close event came first).
  const cpu = cpuSoFar() - cpuStart;
  const own = process.cpuUsage(ownStart);
  const ownCpu = (own.user + own.system) / 1e6;
  const calls = result.model.summary().reduce((n, s) => n + s.calls, 0);
  let mapped = 0;
  for (const [, lines] of result.model.lines) for (const [, byName] of lines) for (const [, call] of byName) mapped += call.count;
  return { time, cpu, ownCpu, calls, mapped };
}

/** strace's options for a trace, exactly as the pipeline chooses them. */
async function ourFlags(stack: boolean): Promise<string[]> {
  return traceOptions(await probeStrace('strace'), { stack, stringLimit: 256 });
}

/** `0.98× (0.91–1.07 over 5 rounds)`: the median of per-round ratios, and their spread. */
function ratioRow(ratios: number[]): string {
  return `${median(ratios).toFixed(3)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} over ${ratios.length} rounds)`;
}

async function benchPipeline(): Promise<void> {
  const build = await buildProgram({ source: path.resolve('test/fixtures/trace/loop.asm'), buildDirectory: work });
  if (!build.ok) throw new Error('could not build loop.asm');
  const flags = await ourFlags(false);
  const file = path.join(work, 'plain.strace');
  await timePlainStrace(build.program, flags, file); // warm caches
  const direct: Cost[] = [];
  const directOurs: Cost[] = [];
  const supervised: Cost[] = [];
  const ours: Cost[] = [];
  const viaFifo: Cost[] = [];
  let last = { calls: 0, mapped: 0, ownCpu: 0 };
  const variables = straceEnvironment(process.env).set;
  const ownPerCall: number[] = [];
  // The machine is shared and its load drifts: each round runs every way once, in an order that
  // turns round by round, and each round's ratio compares runs made moments apart.
  const ways: (() => Promise<void>)[] = [
    async () => { direct.push(await timePlainStrace(build.program, flags, file)); },
    async () => { directOurs.push(await timePlainStrace(build.program, flags, file, true)); },
    async () => { supervised.push(await timeSupervisedStrace(build.program, flags, file)); },
    async () => {
      const run = await timePipeline(build.program, 'file');
      ours.push(run);
      last = run;
      ownPerCall.push(run.ownCpu / run.calls * 1e6);
    },
  ];
  const rounds = 6;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < ways.length; i++) await ways[(i + round) % ways.length]!();
  }
  // Through a FIFO (never the extension's way: see runner.ts), after the rounds and in pairs with
  // strace alone: its runs leave this process's JIT state unlike any trace the extension makes
  // (following a file ran 2.7–2.9 µs a call of ours between FIFO runs, 1.9–2.1 µs without them).
  const fifoPairs: Cost[] = [];
  for (let pair = 0; pair < 2; pair++) {
    fifoPairs.push(await timePlainStrace(build.program, flags, file));
    viaFifo.push(await timePipeline(build.program, 'fifo'));
  }
  const wall = (costs: Cost[]) => median(costs.map((c) => c.time));
  const cpu = (costs: Cost[]) => median(costs.map((c) => c.cpu));
  const row = (costs: Cost[]) => `${wall(costs).toFixed(3)} s wall, ${cpu(costs).toFixed(3)} s CPU (CPU ${Math.min(...costs.map((c) => c.cpu)).toFixed(2)}–${Math.max(...costs.map((c) => c.cpu)).toFixed(2)})`;
  const perRound = (a: Cost[], b: Cost[], of: (c: Cost) => number) => a.map((c, i) => of(c) / of(b[i]!));
  console.log(`pipeline, ${last.calls.toLocaleString()} syscalls (${last.mapped.toLocaleString()} mapped to a line), strace ${flags.join(' ')} (medians of ${rounds} rounds, each running every way once, the order turning):`);
  const given = Object.keys(variables).length ? `with ${Object.entries(variables).map(([n, v]) => `${n}=${v}`).join(' ')}` : 'nothing to add here (TZ is set already)';
  console.log(`  strace -o file, started by strace          ${row(direct)}`);
  console.log(`  the same, given strace's variables as we give them (${given}): ${row(directOurs)}`);
  console.log(`  strace -o file, attached as we attach it   ${row(supervised)} (the supervisor, with those variables; nobody reads the file)`);
  console.log(`  capture+parse+map+aggregate                ${row(ours)}, of which our process ${median(ownPerCall).toFixed(2)} µs a call (${Math.min(...ownPerCall).toFixed(2)}–${Math.max(...ownPerCall).toFixed(2)})`);
  console.log(`  the same through a FIFO, after the rounds   ${row(viaFifo)}`);
  console.log(`  ratio ours / strace with the same flags writing a file, per round: ${ratioRow(perRound(ours, direct, (c) => c.cpu))} CPU, ${ratioRow(perRound(ours, direct, (c) => c.time))} wall   (target ≤ 1.05×)`);
  // Load only ever adds CPU time: the least each way took is the steadiest figure of what it costs.
  const least = (costs: Cost[]) => Math.min(...costs.map((c) => c.cpu));
  console.log(`  ratio of the least CPU time of each way over the rounds: ours / strace writing a file ${(least(ours) / least(direct)).toFixed(3)}×, ours / strace attached as we attach it ${(least(ours) / least(supervised)).toFixed(3)}×, attached / started by strace ${(least(supervised) / least(direct)).toFixed(3)}×`);
  console.log(`  ratio ours / strace given the same variables, per round: ${ratioRow(perRound(ours, directOurs, (c) => c.cpu))} CPU (what the supervisor, following, parsing and mapping add); those variables / none: ${ratioRow(perRound(directOurs, direct, (c) => c.cpu))} CPU`);
  console.log(`  ratio ours / the same strace attached as we attach it, per round: ${ratioRow(perRound(ours, supervised, (c) => c.cpu))} CPU (what following, parsing and mapping add);  through a FIFO / strace writing a file: ${ratioRow(perRound(viaFifo, fifoPairs, (c) => c.cpu))} CPU`);
}

async function benchMapping(): Promise<void> {
  const build = await buildProgram({ source: path.resolve('test/fixtures/trace/calls.asm'), buildDirectory: work });
  if (!build.ok) throw new Error('could not build calls.asm');
  const elf = ElfFile.read(build.program);
  const text = elf.section('.text')!;
  const count = 1_000_000;
  const addresses = new Float64Array(count);
  for (let i = 0; i < count; i++) addresses[i] = text.address + ((i * 7919) % text.size);

  const input = Array.from(addresses, (a) => `0x${a.toString(16)}`).join('\n') + '\n';
  const a2lStart = process.hrtime.bigint();
  const a2l = spawnSync('addr2line', ['-e', build.program], { input, maxBuffer: 1 << 30 });
  const a2lTime = seconds(a2lStart);
  const a2lLines = a2l.stdout.toString().split('\n');

  const oursStart = process.hrtime.bigint();
  const table = readLineTable(ElfFile.read(build.program)); // cold: read ELF and DWARF too
  let found = 0;
  const lines = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const row = table.lookup(addresses[i]!);
    if (row) { found++; lines[i] = row.line; }
  }
  const oursTime = seconds(oursStart);
  let agree = 0;
  for (let i = 0; i < count; i++) if (a2lLines[i]?.endsWith(`:${lines[i]}`)) agree++;
  console.log(`mapping ${count.toLocaleString()} addresses (${found.toLocaleString()} with a line; ${agree.toLocaleString()} agree with addr2line):`);
  console.log(`  one addr2line process   ${a2lTime.toFixed(3)} s`);
  console.log(`  our DWARF line table    ${oursTime.toFixed(3)} s`);
  console.log(`  ratio addr2line / ours = ${(a2lTime / oursTime).toFixed(1)}× faster   (target > 1×)`);
}

/** A realistic workload for the parser: threads (unfinished/resumed pairs), fork (-f pids), signals, long strings. */
const PARSER_WORKLOAD = `#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
static int pipefd[2];
static volatile sig_atomic_t hits;
static void on_signal(int number) { (void)number; hits++; }
static void *reader(void *arg) {
  char buffer[512];
  (void)arg;
  while (read(pipefd[0], buffer, sizeof buffer) > 0) {}
  return 0;
}
int main(int argc, char **argv) {
  char text[300];
  for (int i = 0; i < 300; i++) text[i] = i % 3 ? (char)('a' + i % 26) : "\\n\\t\\"\\\\\\001"[i % 5];
  signal(SIGUSR1, on_signal);
  if (pipe(pipefd) != 0) return 1;
  pthread_t thread;
  pthread_create(&thread, 0, reader, 0);
  for (int round = 0; round < 400; round++) {
    if (write(pipefd[1], text, sizeof text) < 0) return 1;
    int fd = open(argv[0], O_RDONLY);
    char head[64];
    struct stat st;
    if (read(fd, head, sizeof head) < 0 || fstat(fd, &st) != 0) return 1;
    close(fd);
    if (round % 10 == 0) kill(getpid(), SIGUSR1);
    if (round % 40 == 0) {
      pid_t child = fork();
      if (child == 0) _exit(round % 7);
      waitpid(child, 0, 0);
    }
  }
  close(pipefd[1]);
  pthread_join(thread, 0);
  return argc > 1 ? hits : 0;
}
`;

/** A log of the workload, traced now by this machine's strace with the pipeline's own flags. */
async function captureWorkloadLog(stack: boolean): Promise<string> {
  const source = path.join(work, 'parser-workload.c');
  writeFileSync(source, PARSER_WORKLOAD);
  const build = await buildProgram({ source, buildDirectory: path.join(work, 'parser-workload') });
  if (!build.ok) throw new Error('could not build the parser workload');
  const log = path.join(work, stack ? 'workload-k.strace' : 'workload.strace');
  await timePlainStrace(build.program, await ourFlags(stack), log);
  return readFileSync(log, 'utf8');
}

/** Lines/s of the parser on `sample` repeated to 1 000 000 lines, against splitting the same text. */
function parserRate(label: string, sample: string[]): void {
  const lines: string[] = [];
  while (lines.length < 1_000_000) lines.push(...sample);
  lines.length = 1_000_000;
  const text = lines.join('\n') + '\n';
  // Chunks as the pipeline gets them: 1 MiB reads of the log, decoded (flat strings, not slices of one).
  const bytes = Buffer.from(text);
  const decoder = new TextDecoder('utf-8');
  const chunks: string[] = [];
  for (let i = 0; i < bytes.length; i += 1 << 20) chunks.push(decoder.decode(bytes.subarray(i, i + (1 << 20)), { stream: true }));
  const cpuSeconds = (start: NodeJS.CpuUsage) => { const used = process.cpuUsage(start); return (used.user + used.system) / 1e6; };
  const split: number[] = [];
  const parse: number[] = [];
  const parseCpu: number[] = [];
  let events = 0;
  let unparsed = 0;
  for (let round = 0; round < 3; round++) {
    const splitStart = process.hrtime.bigint();
    let pieces = 0;
    for (const chunk of chunks) pieces += chunk.split('\n').length;
    split.push(seconds(splitStart));
    if (pieces < lines.length) throw new Error('split baseline lost lines');
    const parseStart = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    events = 0;
    const parser = new StraceParser({ onEvent: () => { events++; } });
    for (const chunk of chunks) parser.push(chunk);
    parser.end();
    parse.push(seconds(parseStart));
    parseCpu.push(cpuSeconds(cpuStart));
    unparsed = parser.unparsedCount;
  }
  const wallRate = lines.length / median(parse);
  const cpuRate = lines.length / median(parseCpu);
  console.log(`parser, 1,000,000 lines of ${label} (${events.toLocaleString()} events, ${unparsed} unparsed; median of 3):`);
  console.log(`  splitting into lines only ${median(split).toFixed(3)} s`);
  console.log(`  full parse                ${median(parse).toFixed(3)} s = ${Math.round(wallRate).toLocaleString()} lines/s wall, ${Math.round(cpuRate).toLocaleString()} lines per CPU-second`);
  console.log(`  ratio parse / split = ${(median(parse) / median(split)).toFixed(1)}×;  throughput / target (1 000 000 lines/s) = ${(wallRate / 1e6).toFixed(2)}× wall, ${(cpuRate / 1e6).toFixed(2)}× CPU`);
}

async function benchParser(): Promise<void> {
  const nonEmpty = (text: string) => text.split('\n').filter(Boolean);
  parserRate('the reference sample mt_f_tt_T_y_i.txt (strace -f -tt -T -y -i)', nonEmpty(readFileSync(path.resolve('test/fixtures/reference/strace/mt_f_tt_T_y_i.txt'), 'utf8')));
  parserRate('a workload traced now with our flags, no -k', nonEmpty(await captureWorkloadLog(false)));
  parserRate('the same workload with -k stacks', nonEmpty(await captureWorkloadLog(true)));
}

/**
 * Peak RSS (MB) of `node ARGS`, read by a hook that node loads first and that reports at exit; and what it printed.
 * The peak is VmHWM of /proc/self/status: the high-water mark of this process's memory since its
 * execve. Not getrusage's maxRSS: Linux starts a forked child's maxRSS at its parent's RSS and keeps
 * it across execve, so every process the bench spawns would report at least the bench's own size.
 */
function peakRss(args: string[]): { mb: number; status: number | null; output: string } {
  const hook = path.join(work, 'peak-rss.cjs');
  writeFileSync(hook, "process.on('exit', () => process.stderr.write('\\npeak-rss ' + /VmHWM:\\s*(\\d+) kB/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1] + '\\n'));\n");
  // The trace's own output (--json: hundreds of MB) goes nowhere; the panel model prints a line of timings.
  const panel = args.includes('--panel-model');
  const run = spawnSync(process.execPath, ['-r', hook, ...args], { encoding: 'utf8', stdio: ['ignore', panel ? 'pipe' : 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const kb = Number(/peak-rss (\d+)/.exec(run.stderr)?.[1] ?? NaN);
  return { mb: kb / 1024, status: run.status, output: panel ? run.stdout : '' };
}

/** loop.asm with another number of calls, assembled into the bench's folder. */
async function loopProgram(calls: number): Promise<string> {
  const source = path.join(work, `loop${calls}.asm`);
  writeFileSync(source, readFileSync(path.resolve('test/fixtures/trace/loop.asm'), 'utf8').replace(/mov\s+r12, 200000/, `mov r12, ${calls}`));
  const build = await buildProgram({ source, buildDirectory: path.join(work, `b${calls}`) });
  if (!build.ok) throw new Error('could not build the loop');
  return build.program;
}

/**
 * `--panel-model PROGRAM`: this bench traces PROGRAM into the panel's model, filters it as the panel
 * does (printing how long each filter took), then reads every row back.
 */
async function panelTrace(program: string): Promise<void> {
  const model = new TraceModel({ window: VIEW_WINDOW });
  const session = await TraceSession.start({ file: program, args: [], stdio: 'pipe', workspaceRoots: [work], model });
  session.child.stdin?.end();
  await session.done;
  const view = new TraceViewModel(model);
  const filters: [string, TraceFilter][] = [
    ['category process (from the index)', { ...NO_FILTER, category: 'process' }], ['failed only (from the index)', { ...NO_FILTER, failedOnly: true }],
    ['text "exit" (reads the log back)', { ...NO_FILTER, text: 'exit' }],
    ['regex "^exit\\(" (reads the blocks that hold "exit(")', { ...NO_FILTER, text: '^exit\\(', regex: true }],
  ];
  const timings = filters.map(([label, filter]) => {
    const start = process.hrtime.bigint();
    view.setFilter(filter);
    return `${label} ${(seconds(start) * 1000).toFixed(0)} ms (${view.matchingCount} rows)`;
  });
  console.log(`filters: ${timings.join(', ')}`);
  // Scrolling through every row, as the panel fetches them.
  let rows = 0;
  for (const event of model.all()) if (event.seq > 0) rows++;
  model.dispose();
  if (rows !== model.size) throw new Error(`read back ${rows} of ${model.size} events`);
}

async function benchMemory(): Promise<void> {
  const cli = path.resolve('dist/cli.js');
  const bare = peakRss(['-e', '']);
  console.log('peak memory (RSS) of a trace: syscall-lens trace --json (stdout to /dev/null), and into the panel\'s model, every row read back after:');
  console.log(`  a bare node process                   ${bare.mb.toFixed(0)} MB`);
  for (const calls of [200_000, 2_000_000]) {
    const program = await loopProgram(calls);
    for (const [label, args] of [['--json', [cli, 'trace', '--json', program]], ['panel', [__filename, '--panel-model', program]]] as const) {
      const start = process.hrtime.bigint();
      const traced = peakRss([...args]);
      console.log(`  ${calls.toLocaleString().padStart(9)} calls, ${label.padEnd(7)}       ${traced.mb.toFixed(0)} MB in ${seconds(start).toFixed(1)} s (exit ${traced.status}); ratio to bare node ${(traced.mb / bare.mb).toFixed(2)}×  (target < 150 MB)`);
      for (const line of traced.output.split('\n').filter(Boolean)) console.log(`      ${line}`);
    }
  }
}

async function benchLibc(): Promise<void> {
  const source = path.join(work, 'libc-loop.c');
  writeFileSync(source, '#include <unistd.h>\nint main(void) { for (int i = 0; i < 50000; i++) getppid(); write(1, "done\\n", 5); return 0; }\n');
  const build = await buildProgram({ source, buildDirectory: path.join(work, 'libc') });
  if (!build.ok) throw new Error('could not build the libc loop');
  const flags = await ourFlags(false);
  const stackFlags = await ourFlags(true);
  const file = path.join(work, 'plain.strace');
  const direct: Cost[] = [];
  const supervised: Cost[] = [];
  const stacks: Cost[] = [];
  const cachedStacks: Cost[] = [];
  const ours: Cost[] = [];
  const oursStacks: Cost[] = [];
  const oursFiltered: Cost[] = [];
  let byCallSite = { calls: 0, mapped: 0 };
  let withStacks = { calls: 0, mapped: 0 };
  let filtered = { calls: 0, mapped: 0 };
  const unwindCache = await unwindCacheLibrary('strace');
  if (!unwindCache.library) console.log(`  (no unwind cache: ${unwindCache.reason})`);
  for (let round = 0; round < 3; round++) {
    direct.push(await timePlainStrace(build.program, flags, file));
    supervised.push(await timeSupervisedStrace(build.program, flags, file));
    stacks.push(await timeSupervisedStrace(build.program, stackFlags, file));
    if (unwindCache.library) cachedStacks.push(await timeSupervisedStrace(build.program, stackFlags, file, unwindCache.library));
    // Without -k (setting `never`, --no-stacks): calls credited by their one call site where that is exact.
    const run = await timePipeline(build.program, 'file', false);
    ours.push(run);
    byCallSite = run;
    // The default for a program with debug lines: -k.
    const runStacks = await timePipeline(build.program, 'file');
    oursStacks.push(runStacks);
    withStacks = runStacks;
    const runFiltered = await timePipeline(build.program, 'file', true, ['write']);
    oursFiltered.push(runFiltered);
    filtered = runFiltered;
  }
  const wall = (costs: Cost[]) => median(costs.map((c) => c.time));
  const cpu = (costs: Cost[]) => median(costs.map((c) => c.cpu));
  const row = (costs: Cost[]) => `${wall(costs).toFixed(3)} s wall, ${cpu(costs).toFixed(3)} s CPU`;
  const versus = (costs: Cost[], base: Cost[]) => `${(wall(costs) / wall(base)).toFixed(2)}× wall, ${(cpu(costs) / cpu(base)).toFixed(2)}× CPU`;
  console.log(`a libc program, ${byCallSite.calls.toLocaleString()} syscalls, 50,000 of them getppid() from main, then one write (median of 3):`);
  console.log(`  strace, our flags, -o file, started by strace   ${row(direct)}`);
  console.log(`  the same attached as we attach it              ${row(supervised)}`);
  console.log(`  the same with -k stacks                        ${row(stacks)}  (-k alone: ${versus(stacks, supervised)})`);
  if (cachedStacks.length) console.log(`  the same with -k and our unwind cache in strace ${row(cachedStacks)}  (${versus(cachedStacks, stacks)} of -k alone; ${versus(cachedStacks, direct)} of strace without -k)`);
  console.log(`  ours without -k (--no-stacks), ${byCallSite.mapped.toLocaleString()} calls credited   ${row(ours)} (by their one call site: getppid; libc calls write itself, so the write keeps no line)`);
  console.log(`  ours, default (-k), ${withStacks.mapped.toLocaleString()} credited     ${row(oursStacks)}`);
  console.log(`  ours with -k, --syscalls write: ${filtered.calls} calls, ${filtered.mapped} credited   ${row(oursFiltered)} (only the chosen calls are unwound)`);
  console.log(`  ratio ours without -k / strace -o file = ${versus(ours, direct)}   (target ≤ 2×; every call but the write credited)`);
  console.log(`  ratio ours default (-k, with the unwind cache) / strace -o file = ${versus(oursStacks, direct)};  / strace -k alone = ${versus(oursStacks, stacks)}   (target ≤ 2×)`);
  console.log(`  ratio ours with -k filtered to write / strace -o file (unfiltered) = ${versus(oursFiltered, direct)}`);
}

async function main(): Promise<void> {
  try {
    if (process.argv[2] === '--panel-model') return await panelTrace(process.argv[3]!);
    // `TRACE_BENCH=parser,pipeline npm run bench trace` runs only those parts.
    const parts: Record<string, () => Promise<void>> = { parser: benchParser, mapping: benchMapping, pipeline: benchPipeline, memory: benchMemory, libc: benchLibc };
    const chosen = process.env.TRACE_BENCH?.split(',').filter(Boolean) ?? Object.keys(parts);
    for (const name of chosen) {
      const part = parts[name];
      if (!part) throw new Error(`TRACE_BENCH: no part named ${name} (${Object.keys(parts).join(', ')})`);
      await part();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
