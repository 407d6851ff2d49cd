// Our decoders against strace's on a real program: the fixture makes system calls with interesting
// arguments; strace prints them once decoded and once raw (-e raw=all), and we decode the raw values.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../toolchain/build';
import { findExecutable, runProgram } from '../../../toolchain/tools';
import { argumentDecoder, decodeArgument, decodeResult, lookupSyscallByName, type Abi } from '../../../syscalls';
import { kernelRunsI386 } from '../../../toolchain/kernel';

const FIXTURES = resolve(__dirname, '../../fixtures/syscalls');
const toolsPresent = ['nasm', 'ld', 'strace'].every((tool) => findExecutable(tool));
const work = mkdtempSync(join(tmpdir(), 'syscalls-strace-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Arguments whose strace rendering depends on another argument (fcntl's and ioctl's third one follows the command). */
const CONTEXT_DEPENDENT = new Set(['fcntl.arg', 'fcntl64.arg', 'ioctl.arg']);

interface TracedCall {
  name: string;
  args: string[];
  result: string;
}

/** `name(a, b, c) = result` lines; strings, structs and arrays stay whole. */
function parseTrace(text: string): TracedCall[] {
  const calls: TracedCall[] = [];
  for (const line of text.split('\n')) {
    const head = line.match(/^(\w+)\(/);
    if (!head) continue;
    const args: string[] = [];
    let depth = 0;
    let quoted = false;
    let current = '';
    let i = head[0].length;
    for (; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        current += ch;
        if (ch === '\\') current += line[++i];
        else if (ch === '"') quoted = false;
        continue;
      }
      if (ch === '"') quoted = true;
      else if ('{[('.includes(ch)) depth++;
      else if ('}])'.includes(ch)) {
        if (depth === 0) break;
        depth--;
      } else if (ch === ',' && depth === 0) {
        args.push(current.trim());
        current = '';
        continue;
      }
      current += ch;
    }
    if (current.trim()) args.push(current.trim());
    calls.push({ name: head[1]!, args, result: line.slice(i + 1).replace(/^\s*=\s*/, '').trim() });
  }
  return calls;
}

/** The fixture built, or a system program run as is. */
async function commandFor(fixture: string): Promise<string[]> {
  if (!fixture.endsWith('.asm')) return fixture.split(' ');
  const build = await buildProgram({ source: join(FIXTURES, fixture), buildDirectory: join(work, fixture) });
  expect(build.messages).toEqual([]);
  expect(build.ok).toBe(true);
  return [build.program];
}

async function traceBoth(fixture: string): Promise<{ decoded: TracedCall[]; raw: TracedCall[] }> {
  const command = await commandFor(fixture);
  const run = async (extra: string[]) => {
    const out = join(work, `${fixture.replace(/\W/g, '_')}.${extra.length}.txt`);
    const result = await runProgram('strace', [...extra, '-o', out, ...command], { timeoutMs: 20_000 });
    expect(result.exitCode).toBe(0);
    return parseTrace(readFileSync(out, 'utf8')).filter((c) => c.name !== 'execve');
  };
  return { decoded: await run([]), raw: await run(['-e', 'raw=all']) };
}

/** Our rendering without the explanation strace does not print: `0644 (rw-r--r--)` → `0644`, `1 (stdout)` → `1`. */
const bare = (text: string) => text.replace(/ \(.*\)$/, '');

describe.skipIf(!toolsPresent)('decoding agrees with strace 6.1 on a real program', () => {
  // `ls -la /` adds what a C program does at start-up: the dynamic loader's openat/mmap/mprotect, TLS setup...
  it.for<readonly [string, Abi]>([['decoders.asm', 'x86_64'], ['decoders32.asm', 'i386'], ['/usr/bin/ls -la /', 'x86_64']])('%s (%s)', { timeout: 60_000 }, async ([fixture, abi], { skip }) => {
    skip(abi === 'i386' && !kernelRunsI386(), 'this kernel does not run i386 programs');
    const { decoded, raw } = await traceBoth(fixture);
    expect(decoded.map((c) => c.name)).toEqual(raw.map((c) => c.name));
    let compared = 0;
    const disagreements: string[] = [];
    decoded.forEach((call, n) => {
      const found = lookupSyscallByName(abi, call.name);
      if (!found.known) {
        disagreements.push(`${call.name}: not in our ${abi} table`);
        return;
      }
      const syscall = found.syscall;
      call.args.forEach((straceText, i) => {
        const param = syscall.params[i];
        if (!param || CONTEXT_DEPENDENT.has(`${call.name}.${param.name}`)) return;
        if (/^["{[]/.test(straceText)) return; // strace read the memory behind a pointer
        const rawValue = BigInt(raw[n]!.args[i]!);
        // Addresses change from run to run (ASLR); only NULL is stable.
        if (argumentDecoder(syscall, i).kind === 'pointer' && rawValue !== 0n) return;
        const ours = bare(decodeArgument(syscall, i, rawValue).text);
        compared++;
        if (ours !== straceText) disagreements.push(`${call.name} ${param.name}: ours ${ours}, strace ${straceText}`);
      });
      // Results: new descriptors are the same in both runs; addresses and thread ids are not.
      const rawResult = raw[n]!.result;
      if (/^0x[0-9a-f]+$|^\d+$/.test(rawResult) && decodeResult(syscall, BigInt(rawResult)).kind === 'fd') {
        const ours = decodeResult(syscall, BigInt(rawResult)).text;
        if (bare(ours) !== call.result) disagreements.push(`${call.name} result: ours ${ours}, strace ${call.result}`);
      }
    });
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(abi === 'x86_64' ? 60 : 15);
  });
});
if (!toolsPresent) console.warn('nasm, ld or strace is missing (sudo apt-get install nasm binutils strace): skipping the strace comparison');
