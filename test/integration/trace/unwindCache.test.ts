// The unwind cache preloaded into strace under -k (trace/capture/unwindCache.ts, unwind_cache.c): it
// compiles with the real gcc, strace prints exactly what it prints without it (names, offsets,
// every frame of every call, across fork, execve and the dynamic loader's mmaps), an execve into
// another program at the same addresses gets that program's names, a program strace starts does not
// inherit the preload, and a trace session uses it. Real gcc and strace.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeStrace } from '../../../trace/capture/straceProbe';
import { preloadWith, unwindCacheFor, unwindCacheLibrary } from '../../../trace/capture/unwindCache';
import { TraceSession } from '../../../trace/session';
import { commandLine, onCommandRun, type CommandRecord } from '../../../toolchain/commandLog';

const work = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-unwind-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function gcc(source: string, output: string, ...flags: string[]): string {
  const file = path.join(work, `${output}.c`);
  writeFileSync(file, source);
  const program = path.join(work, output);
  const run = spawnSync('gcc', ['-g', '-O0', ...flags, '-o', program, file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return program;
}

/**
 * A program whose frames alternate between libc and itself, with a thread, a signal handler (a
 * signal frame to unwind through), a fork, and a child that execs another program.
 */
const BUSY = `#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static void ask(int times) { for (int i = 0; i < times; i++) getppid(); }
static void *worker(void *unused) { (void)unused; ask(2); return 0; }
static void on_signal(int signal) { (void)signal; ask(1); }
static void note(const char *text) { printf("%s\\n", text); fflush(stdout); }
int main(int argc, char **argv) {
    ask(3);
    int fd = open("/proc/self/stat", O_RDONLY);
    char buffer[64];
    if (read(fd, buffer, sizeof buffer) < 0) return 1;
    close(fd);
    pthread_t thread;
    pthread_create(&thread, 0, worker, 0);
    pthread_join(thread, 0);
    signal(SIGUSR1, on_signal);
    raise(SIGUSR1);
    note("parent");
    pid_t child = fork();
    if (child == 0) {
        ask(2);
        execl(argv[1], argv[1], (char *)0);
        _exit(127);
    }
    waitpid(child, 0, 0);
    note("done");
    return 0;
}
`;

/**
 * Two static programs laid out alike: the same addresses hold a function named alpha in one and beta
 * in the other, which makes its syscalls itself (so that it is the first frame of their stacks).
 */
const SAME_LAYOUT = (name: string, next: string) => `#include <sys/syscall.h>
#include <unistd.h>
__attribute__((noinline)) void ${name}(void) {
    for (int i = 0; i < 2; i++) { long r; __asm__ volatile ("syscall" : "=a"(r) : "0"((long)SYS_getppid) : "rcx", "r11", "memory"); }
}
int main(void) {
    ${name}();
    ${next}
    return 0;
}
`;

interface Run { files: Map<string, string>; }

/**
 * Each call's line cut to the syscall's name (results such as getppid's differ from run to run), a
 * signal's to the signal's name (SIGCHLD carries the child's CPU time), frames and exits whole;
 * futex calls left out with their frames (whether pthread_join waits depends on which thread the
 * kernel ran first).
 */
function shape(text: string): string {
  const kept: string[] = [];
  let skipping = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(' > ')) {
      if (!skipping) kept.push(line);
      continue;
    }
    const call = /^(\w+)\(/.exec(line);
    skipping = call?.[1] === 'futex';
    const signal = /^--- (\w+)/.exec(line);
    if (!skipping) kept.push(call ? call[1]! : signal ? signal[0] : line);
  }
  return kept.join('\n');
}

/**
 * strace -ff -k with ASLR off (the same addresses in both runs), each process's output in a file
 * named by its place among the pids; pids in the text become those places too, and each call's line
 * its syscall's name (see shape).
 */
function straceRun(program: string, args: string[], preload: string | undefined, { sameAddresses = true } = {}): Run {
  const prefix = path.join(mkdtempSync(path.join(work, 'run-')), 'trace');
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  // The preload is set by env right before strace: set for setarch, the library would load into
  // setarch and take itself out of LD_PRELOAD before strace ran.
  const strace = [...(preload ? ['env', `LD_PRELOAD=${preload}`] : []), 'strace', '-ff', '-k', '-o', prefix, '--', program, ...args];
  const run = spawnSync(sameAddresses ? 'setarch' : strace[0]!, sameAddresses ? ['x86_64', '-R', ...strace] : strace.slice(1), { encoding: 'utf8', env, timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  const pids = readdirSync(path.dirname(prefix)).map((name) => Number(name.split('.').pop())).sort((a, b) => a - b);
  const files = new Map<string, string>();
  for (const [index, pid] of pids.entries()) {
    let text = readFileSync(`${prefix}.${pid}`, 'utf8');
    // A pid as a whole number, not digits inside a hexadecimal address or offset.
    for (const [other, otherPid] of pids.entries()) text = text.replace(new RegExp(`(?<![0-9a-fx])${otherPid}(?![0-9a-f])`, 'g'), `<pid${other}>`);
    files.set(`process ${index}`, shape(text));
  }
  return { files };
}

describe('the unwind cache preloaded into strace', () => {
  let library: string;
  beforeAll(async () => {
    const made = await unwindCacheLibrary('strace', undefined, path.join(work, 'cache'));
    expect(made.reason).toBeUndefined();
    library = made.library!;
  });

  it('is compiled once, into the cache folder, and chosen only for -k through libunwind', async () => {
    expect(path.dirname(library)).toBe(path.join(work, 'cache'));
    expect(readFileSync(library).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    const again = await unwindCacheLibrary('strace', undefined, path.join(work, 'cache'));
    expect(again.library).toBe(library);
    // Removed meanwhile (the cache folder cleaned): made again, not handed to strace missing.
    rmSync(library);
    expect((await unwindCacheLibrary('strace', undefined, path.join(work, 'cache'))).library).toBe(library);
    expect(existsSync(library)).toBe(true);
    const capabilities = await probeStrace('strace');
    expect(capabilities.stackTrace).toBe('libunwind');
    expect(await unwindCacheFor(capabilities, ['-f', '-k'])).toMatch(/unwind-cache-[0-9a-f]{16}\.so$/);
    expect(await unwindCacheFor(capabilities, ['-f'])).toBeUndefined();
    expect(await unwindCacheFor({ ...capabilities, stackTrace: 'libdw' }, ['-f', '-k'])).toBeUndefined();
    expect(preloadWith('/c/u.so', undefined)).toBe('/c/u.so');
    expect(preloadWith('/c/u.so', '/usr/lib/mine.so')).toBe('/c/u.so:/usr/lib/mine.so');
  });

  it('changes nothing strace prints: every frame of every call, across fork, execve and the loader', () => {
    const busy = gcc(BUSY, 'busy', '-pthread');
    const other = gcc(SAME_LAYOUT('other', ''), 'other');
    const plain = straceRun(busy, [other], undefined);
    const cached = straceRun(busy, [other], library);
    expect([...cached.files.keys()]).toEqual([...plain.files.keys()]);
    expect(plain.files.size).toBe(3); // main, its thread, the child
    expect(plain.files.get('process 0')).toMatch(/busy\(on_signal\+0x/);
    expect(plain.files.get('process 1')).toMatch(/busy\(worker\+0x/);
    for (const [name, text] of plain.files) {
      // Frames with names: the comparison is not between two empty stacks.
      expect(text.match(/^ > .*\(\w+\+0x[0-9a-f]+\) \[0x[0-9a-f]+\]$/gm)!.length).toBeGreaterThan(name === 'process 0' ? 50 : 5);
      expect(cached.files.get(name), name).toBe(text);
    }
    expect(plain.files.get('process 0')).toMatch(/getppid\n > [^\n]*\n > [^\n]*busy\(ask\+0x/);
    expect(plain.files.get('process 2')).toMatch(/other\(other\+0x/);
  });

  it('forgets the names at an execve: the same address in the next program gets that program\'s name', () => {
    // alpha makes two getppid calls itself, then execs a NASM program whose `ask` makes its two at
    // the very same address, before any mmap could tell strace that the memory map changed. (Both
    // are static and not position-independent; with ASLR on, as users run, a library that kept its
    // names past the execve was caught here, and with setarch -R it was not.)
    const program = path.join(work, 'ask');
    const alpha = gcc(SAME_LAYOUT('alpha', `execl("${program}", "${program}", (char *)0);`), 'alpha', '-static');
    const before = straceRun(alpha, [], undefined, { sameAddresses: false }).files.get('process 0')!;
    const offset = /alpha\(alpha\+0x[0-9a-f]+\) \[0x([0-9a-f]+)\]/.exec(before)![1]!;
    writeFileSync(`${program}.asm`, [
      'global _start', 'global ask:function', 'section .text', '_start:', '    jmp ask',
      // ld puts .text at 0x401000, from file offset 0x1000: ask's first syscall ends at the same offset as alpha's.
      `    times 0x${offset} - 0x1000 - 7 - ($ - $$) nop`,
      'ask:', '    mov eax, 110', '    syscall', '    mov eax, 110', '    syscall', '    mov eax, 231', '    xor edi, edi', '    syscall', '',
    ].join('\n'));
    expect(spawnSync('nasm', ['-f', 'elf64', '-o', `${program}.o`, `${program}.asm`]).status).toBe(0);
    expect(spawnSync('ld', ['-o', program, `${program}.o`]).status).toBe(0);
    const text = straceRun(alpha, [], library, { sameAddresses: false }).files.get('process 0')!;
    const exec = text.lastIndexOf('\nexecve\n');
    expect(text.slice(0, exec)).toContain(`(alpha+0x`);
    expect(text.slice(exec)).toContain(`/ask(ask+0x7) [0x${offset}]`);
    expect(text.slice(exec)).not.toContain('(alpha+0x');
    expect(text).toBe(straceRun(alpha, [], undefined, { sameAddresses: false }).files.get('process 0'));
  });

  it('leaves LD_PRELOAD as the program was given it, without itself', () => {
    const empty = gcc('int nothing(void) { return 0; }\n', 'empty.so', '-shared', '-fPIC');
    const env = (preload: string) => spawnSync('strace', ['-k', '-o', path.join(work, 'env.strace'), '--', 'env'], {
      encoding: 'utf8', env: { ...process.env, LD_PRELOAD: preload },
    }).stdout.split('\n').filter((line) => line.startsWith('LD_PRELOAD='));
    expect(env(library)).toEqual([]);
    expect(env(preloadWith(library, empty))).toEqual([`LD_PRELOAD=${empty}`]);
    expect(env(`${empty} ${library}`)).toEqual([`LD_PRELOAD=${empty}`]);
  });

  it('is what a trace session preloads into strace under -k, and the calls keep their lines', async () => {
    const source = path.join(work, 'flushed.c');
    writeFileSync(source, '#include <stdio.h>\n#include <unistd.h>\nint main(void) {\n    printf("at exit\\n");\n    getppid();\n    return 0;\n}\n');
    const commands: CommandRecord[] = [];
    const stopListening = onCommandRun((command) => commands.push(command));
    try {
      const session = await TraceSession.start({ file: source, args: [], stdio: 'pipe', workspaceRoots: [work], stackTraces: true, buildDirectory: path.join(work, 'flushed-build') });
      session.child.stdin?.end();
      const result = await session.done;
      // getppid() from main keeps its line; the write of printf's buffer comes from exit.
      expect([...result.model.lines.get(source)?.keys() ?? []]).toContain(5);
      expect(result.model.origins.get('exit')).toBeGreaterThanOrEqual(1);
    } finally {
      stopListening();
    }
    // Reported as run: strace with the preload, a command the user can run again.
    const straced = commands.find((command) => command.args.includes('-k'));
    expect(straced?.env?.LD_PRELOAD).toMatch(/^\S*unwind-cache-[0-9a-f]{16}\.so$/);
    expect(commandLine(straced!)).toMatch(/^env LD_PRELOAD=\S*unwind-cache-[0-9a-f]{16}\.so .*strace /);
  });
});
