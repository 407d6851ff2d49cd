// Trace engine benchmarks, each against a baseline run side by side in the same process:
//  1. a program making 200 000 syscalls: our pipeline (capture + parse + map + aggregate) vs plain
//     `strace -o /dev/null` of the same program — target ≤ 1.15×;
//  2. mapping 1 000 000 addresses to lines: our DWARF reader vs ONE addr2line process given them all;
//  3. parser throughput (target ≥ 500 000 lines/s) vs merely splitting the same text into lines;
//  4. peak memory of `syscall-lens trace --json` at 200 000 and 2 000 000 calls, beside a bare node
//     process (bounded: the same at both sizes, target < 150 MB);
//  5. a libc program (attributed through -k stacks) vs plain strace with the same flags to a file.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProgram } from '../../toolchain/build';
import { readLineTable } from '../../trace/map/dwarfLines';
import { ElfFile } from '../../trace/map/elf';
import { StraceParser } from '../../trace/parse/parser';
import { TraceSession } from '../../trace/session';

const work = mkdtempSync(path.join(os.tmpdir(), 'bench-trace-'));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function timePlainStrace(program: string, flags: string[] = [], output = '/dev/null'): Promise<number> {
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('strace', [...flags, '-o', output, '--', program], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  return seconds(start);
}

async function timePipeline(program: string, capture: 'fifo' | 'file'): Promise<{ time: number; calls: number; mapped: number }> {
  const start = process.hrtime.bigint();
  const session = await TraceSession.start({ file: program, args: [], stdio: 'pipe', workspaceRoots: [work], capture });
  session.child.stdin?.end();
  const result = await session.done;
  const time = seconds(start);
  const calls = result.model.summary().reduce((n, s) => n + s.calls, 0);
  let mapped = 0;
  for (const [, lines] of result.model.lines) for (const [, byName] of lines) for (const [, call] of byName) mapped += call.count;
  return { time, calls, mapped };
}

async function benchPipeline(): Promise<void> {
  const build = await buildProgram({ source: path.resolve('test/fixtures/trace/loop.asm'), buildDirectory: work });
  if (!build.ok) throw new Error('could not build loop.asm');
  await timePlainStrace(build.program); // warm caches
  const plain: number[] = [];
  const flagged: number[] = [];
  const ours: number[] = [];
  const viaFifo: number[] = [];
  let last = { time: 0, calls: 0, mapped: 0 };
  const toFile: number[] = [];
  for (let round = 0; round < 5; round++) {
    plain.push(await timePlainStrace(build.program));
    toFile.push(await timePlainStrace(build.program, ['-f', '-ttt', '-T', '-i', '-y', '-X', 'verbose', '-s', '256'], path.join(work, 'plain.strace')));
    flagged.push(await timePlainStrace(build.program, ['-f', '-ttt', '-T', '-i', '-y', '-X', 'verbose', '-s', '256']));
    last = await timePipeline(build.program, 'file');
    ours.push(last.time);
    viaFifo.push((await timePipeline(build.program, 'fifo')).time);
  }
  console.log(`pipeline, ${last.calls.toLocaleString()} syscalls (${last.mapped.toLocaleString()} mapped to a line):`);
  console.log(`  plain strace -o /dev/null             ${median(plain).toFixed(3)} s (median of 5)`);
  console.log(`  strace with our flags -o /dev/null    ${median(flagged).toFixed(3)} s (median of 5)`);
  console.log(`  capture+parse+map+aggregate           ${median(ours).toFixed(3)} s (median of 5; strace writes a private file we follow)`);
  console.log(`  the same through a FIFO               ${median(viaFifo).toFixed(3)} s (median of 5)`);
  console.log(`  ratio ours / plain strace = ${(median(ours) / median(plain)).toFixed(3)}×   (target ≤ 1.15×)`);
  console.log(`  ratio ours / strace with the same flags = ${(median(ours) / median(flagged)).toFixed(3)}×;  FIFO capture / plain = ${(median(viaFifo) / median(plain)).toFixed(3)}×`);
  console.log(`  ratio ours / strace with the same flags writing a file (${median(toFile).toFixed(3)} s) = ${(median(ours) / median(toFile)).toFixed(3)}×   (target ≤ 1.05×)`);
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

function benchParser(): void {
  const sample = readFileSync(path.resolve('test/fixtures/reference/strace/mt_f_tt_T_y_i.txt'), 'utf8').split('\n').filter(Boolean);
  const lines: string[] = [];
  while (lines.length < 1_000_000) lines.push(...sample);
  lines.length = 1_000_000;
  const text = lines.join('\n') + '\n';
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += 65536) chunks.push(text.slice(i, i + 65536));

  const splitStart = process.hrtime.bigint();
  let pieces = 0;
  for (const chunk of chunks) pieces += chunk.split('\n').length;
  const splitTime = seconds(splitStart);

  const parseStart = process.hrtime.bigint();
  let events = 0;
  const parser = new StraceParser({ onEvent: () => { events++; } });
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  const parseTime = seconds(parseStart);
  const rate = lines.length / parseTime;
  console.log(`parser, ${lines.length.toLocaleString()} lines of strace -f -tt -T -y -i (${events.toLocaleString()} events, ${parser.unparsedCount} unparsed, ${pieces > 0 ? 'split baseline ok' : ''}):`);
  console.log(`  splitting into lines only ${splitTime.toFixed(3)} s`);
  console.log(`  full parse                ${parseTime.toFixed(3)} s = ${Math.round(rate).toLocaleString()} lines/s`);
  console.log(`  ratio parse / split = ${(parseTime / splitTime).toFixed(1)}×;  throughput / target (500 000 lines/s) = ${(rate / 500_000).toFixed(2)}×`);
}

/** Peak RSS (MB) of `node ARGS`, read by a hook that node loads first and that reports at exit. */
function peakRss(args: string[]): { mb: number; status: number | null } {
  const hook = path.join(work, 'peak-rss.cjs');
  writeFileSync(hook, "process.on('exit', () => process.stderr.write('\\npeak-rss ' + process.resourceUsage().maxRSS + '\\n'));\n");
  const run = spawnSync(process.execPath, ['-r', hook, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const kb = Number(/peak-rss (\d+)/.exec(run.stderr)?.[1] ?? NaN);
  return { mb: kb / 1024, status: run.status };
}

/** loop.asm with another number of calls, assembled into the bench's folder. */
async function loopProgram(calls: number): Promise<string> {
  const source = path.join(work, `loop${calls}.asm`);
  writeFileSync(source, readFileSync(path.resolve('test/fixtures/trace/loop.asm'), 'utf8').replace(/mov\s+r12, 200000/, `mov r12, ${calls}`));
  const build = await buildProgram({ source, buildDirectory: path.join(work, `b${calls}`) });
  if (!build.ok) throw new Error('could not build the loop');
  return build.program;
}

async function benchMemory(): Promise<void> {
  const cli = path.resolve('dist/cli.js');
  const bare = peakRss(['-e', '']);
  console.log('peak memory of syscall-lens trace --json (stdout to /dev/null):');
  console.log(`  a bare node process                   ${bare.mb.toFixed(0)} MB`);
  for (const calls of [200_000, 2_000_000]) {
    const program = await loopProgram(calls);
    const start = process.hrtime.bigint();
    const traced = peakRss([cli, 'trace', '--json', program]);
    console.log(`  ${calls.toLocaleString().padStart(9)} calls                       ${traced.mb.toFixed(0)} MB in ${seconds(start).toFixed(1)} s (exit ${traced.status}); ratio to bare node ${(traced.mb / bare.mb).toFixed(2)}×  (target < 150 MB)`);
  }
}

async function benchLibc(): Promise<void> {
  const source = path.join(work, 'libc-loop.c');
  writeFileSync(source, '#include <unistd.h>\nint main(void) { for (int i = 0; i < 50000; i++) getppid(); return 0; }\n');
  const build = await buildProgram({ source, buildDirectory: path.join(work, 'libc') });
  if (!build.ok) throw new Error('could not build the libc loop');
  const flags = ['-f', '-ttt', '-T', '-i', '-y', '-X', 'verbose', '-s', '256'];
  const file = path.join(work, 'plain.strace');
  const plain: number[] = [];
  const stacks: number[] = [];
  const ours: number[] = [];
  let last = { time: 0, calls: 0, mapped: 0 };
  for (let round = 0; round < 3; round++) {
    plain.push(await timePlainStrace(build.program, flags, file));
    stacks.push(await timePlainStrace(build.program, [...flags, '-k'], file));
    last = await timePipeline(build.program, 'file');
    ours.push(last.time);
  }
  console.log(`a libc program, ${last.calls.toLocaleString()} syscalls (${last.mapped.toLocaleString()} credited to the user's line):`);
  console.log(`  strace, our flags, -o file             ${median(plain).toFixed(3)} s (median of 3)`);
  console.log(`  the same with -k stacks                ${median(stacks).toFixed(3)} s`);
  console.log(`  capture+parse+map (with -k)            ${median(ours).toFixed(3)} s`);
  console.log(`  ratio ours / strace -o file = ${(median(ours) / median(plain)).toFixed(2)}× (target ≤ 2×); of which -k alone ${(median(stacks) / median(plain)).toFixed(2)}×`);
}

async function main(): Promise<void> {
  try {
    benchParser();
    await benchMapping();
    await benchPipeline();
    await benchMemory();
    await benchLibc();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
