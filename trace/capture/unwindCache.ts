// The unwind cache: a small library (unwind_cache.c, shipped beside the bundles in dist/) preloaded
// into strace when it prints -k stacks through libunwind. It keeps the symbol name found for each
// address until the traced process's memory map changes, and within one stack walk reads the
// registers once and the stack a page at a time.
//
// Why: libunwind-ptrace 1.6 reads /proc/PID/maps and maps the whole ELF file again for the name of
// every frame of every call, and reads each register and stack word with a ptrace call of its own.
// On a libc program making 50 000 getppid() calls, strace -k took 90.7 s against 3.2 s without -k
// (28×; 63 s of it in the kernel: 10 munmap and 20 openat per call); with the names kept, 5.9 s
// (2.0×); with the walk read in one piece too, 4.4 s against 2.9 s (1.5×); without libunwind's
// signal masking, 3.7–3.8 s against 2.7–2.9 s (1.3×). The output is the same line for line
// (test/integration/trace/unwindCache.test.ts). `npm run bench trace` measures it side by side.
//
// The library is compiled here, once per machine, with the C compiler the user has (about 0.3 s, on
// the first trace with stacks; built against the C library that strace itself runs on). Without a compiler, or
// with a strace that does not unwind through libunwind, strace runs as it is.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { cacheDirectory } from '../../toolchain/cacheDirectory';
import { findExecutable, runProgram } from '../../toolchain/tools';
import type { StraceCapabilities } from './straceProbe';

/** In the bundle __dirname is dist/ (scripts/build.mjs copies the source there); in tests, this folder. */
export const UNWIND_CACHE_SOURCE = path.join(__dirname, 'unwind_cache.c');

const COMPILE_TIMEOUT_MS = 60_000;

export interface UnwindCacheResult {
  /** The library to preload into strace, when there is one. */
  library?: string;
  /** Why there is none (no compiler, it did not compile, strace would not load it). */
  reason?: string;
}

const made = new Map<string, Promise<UnwindCacheResult>>();

/**
 * The library for this strace and these options: only under -k with libunwind. Compiled on first use
 * into the cache directory (named by a hash of the source and the compiler), then reused.
 */
export async function unwindCacheFor(capabilities: StraceCapabilities, straceOptions: readonly string[], compiler?: string): Promise<string | undefined> {
  if (!straceOptions.includes('-k') || capabilities.stackTrace !== 'libunwind') return undefined;
  return (await unwindCacheLibrary(capabilities.path, compiler)).library;
}

/** The compiled library, checked by strace loading it once; memoized per process. */
export function unwindCacheLibrary(strace: string, compiler?: string, folder = cacheDirectory('unwind')): Promise<UnwindCacheResult> {
  const cc = [compiler, 'gcc', 'cc'].map((c) => c && findExecutable(c)).find((c): c is string => !!c);
  if (!cc) return Promise.resolve({ reason: 'no C compiler (gcc or cc) on the PATH' });
  const key = `${strace}\0${cc}\0${folder}`;
  const known = made.get(key);
  if (known) {
    // Made earlier in this process, and still there (a cache folder may be cleaned meanwhile).
    return known.then((result) => (result.library && !existsSync(result.library) ? remake(key, strace, cc, folder) : result));
  }
  return remake(key, strace, cc, folder);
}

function remake(key: string, strace: string, cc: string, folder: string): Promise<UnwindCacheResult> {
  const result = makeLibrary(strace, cc, folder);
  made.set(key, result);
  return result;
}

async function makeLibrary(strace: string, cc: string, folder: string): Promise<UnwindCacheResult> {
  let source: Buffer;
  try {
    source = readFileSync(UNWIND_CACHE_SOURCE);
  } catch {
    return { reason: `${UNWIND_CACHE_SOURCE} is missing` };
  }
  const hash = createHash('sha256').update(source).update('\0').update(cc).digest('hex').slice(0, 16);
  const library = path.join(folder, `unwind-cache-${hash}.so`);
  // LD_PRELOAD separates its entries with colons and spaces.
  if (/[: ]/.test(library)) return { reason: `the unwind cache's path has a colon or a space, which LD_PRELOAD cannot carry: ${library}` };
  if (!existsSync(library)) {
    const temporary = `${library}.${process.pid}.tmp`;
    try {
      mkdirSync(folder, { recursive: true });
      const compiled = await runProgram(cc, ['-O2', '-shared', '-fPIC', '-Wall', '-o', temporary, UNWIND_CACHE_SOURCE, '-ldl'], { timeoutMs: COMPILE_TIMEOUT_MS });
      if (compiled.exitCode !== 0) return { reason: `${path.basename(cc)} could not compile the unwind cache: ${firstLine(compiled.stderr) || `exit ${compiled.exitCode ?? compiled.signal}`}` };
      renameSync(temporary, library);
      // Libraries of earlier versions of the source are of no further use.
      for (const name of readdirSync(folder)) {
        if (/^unwind-cache-[0-9a-f]{16}\.so$/.test(name) && path.join(folder, name) !== library) rmSync(path.join(folder, name), { force: true });
      }
    } catch (error) {
      return { reason: `could not build the unwind cache: ${(error as Error).message}` };
    } finally {
      rmSync(temporary, { force: true });
    }
  }
  // The dynamic linker says so on stderr when a preload cannot be loaded (another C library, say);
  // strace would then print that at every start, and run as it is.
  const probe = await runProgram(strace, ['-V'], { timeoutMs: 10_000, env: { ...process.env, LD_PRELOAD: library } });
  if (probe.exitCode !== 0 || /cannot be preloaded|ld\.so/.test(probe.stderr)) {
    return { reason: `strace does not load the unwind cache: ${firstLine(probe.stderr) || `exit ${probe.exitCode ?? probe.signal}`}` };
  }
  return { library };
}

const firstLine = (text: string) => text.split('\n').find((line) => line.trim())?.trim() ?? '';

/** LD_PRELOAD for strace: the library first, then whatever the user preloads already. */
export function preloadWith(library: string, current = process.env.LD_PRELOAD): string {
  return current ? `${library}:${current}` : library;
}
