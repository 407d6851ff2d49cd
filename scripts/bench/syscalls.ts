// Syscall database benchmarks, each against a baseline measured side by side in the same process:
//  1. lookup by number and by name: our lazily built array/map vs a linear scan of the table;
//  2. decoding a realistic stream of calls (formatCall with every argument decoded) vs the same
//     stream looked up by linear scan and printed as plain numbers — the cost of decoding itself.
import { allSyscalls, formatCall, lookupSyscall, lookupSyscallByName, type SyscallInfo } from '../../syscalls';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs `work` `iterations` times, five rounds; returns the median seconds of ONE call of `work`. */
function time(iterations: number, work: () => number): number {
  const samples: number[] = [];
  let sink = 0;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink += work();
    samples.push(Number(process.hrtime.bigint() - start) / 1e9 / iterations);
  }
  if (sink === Number.MIN_SAFE_INTEGER) console.log(sink); // keeps the work observable
  return median(samples);
}

// A deterministic mix weighted towards what programs call most (pseudo-random, fixed seed).
const COMMON = ['read', 'write', 'openat', 'close', 'mmap', 'mprotect', 'newfstatat', 'lseek', 'futex', 'brk',
  'rt_sigaction', 'clone', 'wait4', 'socket', 'exit_group', 'ioctl', 'fcntl', 'statx', 'getrandom', 'access'];
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const table = allSyscalls('x86_64');
const common = COMMON.map((name) => table.find((s) => s.name === name)!);
const stream = Array.from({ length: 10_000 }, () => {
  const syscall = random() < 0.8 ? common[Math.floor(random() * common.length)]! : table[Math.floor(random() * table.length)]!;
  const values = [0x241n, 0x22n, 0xffffffffffffff9cn, 3n, 0x7ffd1234n, 0o644n].map((v, i) => (i < syscall.params.length ? v : undefined));
  return { syscall, values };
});
const numbers = stream.map((s) => s.syscall.number);
const names = stream.map((s) => s.syscall.name);

function linearByNumber(n: number): SyscallInfo | undefined {
  for (const s of table) if (s.number === n) return s;
  return undefined;
}

const lookupOurs = time(100, () => numbers.reduce((k, n) => k + (lookupSyscall('x86_64', n).known ? 1 : 0), 0));
const lookupScan = time(100, () => numbers.reduce((k, n) => k + (linearByNumber(n) ? 1 : 0), 0));
const nameOurs = time(100, () => names.reduce((k, n) => k + (lookupSyscallByName('x86_64', n).known ? 1 : 0), 0));
const nameScan = time(100, () => names.reduce((k, n) => k + (table.find((s) => s.name === n) ? 1 : 0), 0));
/** `count` operations took `seconds`. */
const perSecond = (seconds: number, count: number) => `${Math.round(count / seconds).toLocaleString()}/s`;

console.log(`lookup of ${numbers.length.toLocaleString()} syscalls (x86-64 table of ${table.length}):`);
console.log(`  by number: ours ${perSecond(lookupOurs, numbers.length)}, linear scan ${perSecond(lookupScan, numbers.length)} → ${(lookupScan / lookupOurs).toFixed(1)}× faster`);
console.log(`  by name:   ours ${perSecond(nameOurs, names.length)}, linear scan ${perSecond(nameScan, names.length)} → ${(nameScan / nameOurs).toFixed(1)}× faster`);

const decodeOurs = time(10, () => stream.reduce((k, { values }, i) => {
  const found = lookupSyscall('x86_64', numbers[i]!);
  return k + (found.known ? formatCall(found.syscall, values.map((value) => (value === undefined ? undefined : { value }))).length : 0);
}, 0));
const decodePlain = time(10, () => stream.reduce((k, { values }, i) => {
  const found = linearByNumber(numbers[i]!);
  return k + (found ? `${found.name}(${values.filter((v) => v !== undefined).map(String).join(', ')})`.length : 0);
}, 0));
console.log(`formatCall with decoded arguments, ${stream.length.toLocaleString()} calls:`);
console.log(`  ours ${perSecond(decodeOurs, stream.length)} decoded calls; plain numbers with linear-scan lookup ${perSecond(decodePlain, stream.length)}`);
console.log(`  → decoding costs ${(decodeOurs / decodePlain).toFixed(2)}× the plain rendering`);
