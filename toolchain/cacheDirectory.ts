// Where Syscall Lens keeps what it can make again — the spawned adapter's V8 code cache, the programs
// build.ts builds without a build directory — under the XDG cache directory (~/.cache unless
// XDG_CACHE_HOME says).
import * as os from 'node:os';
import * as path from 'node:path';

export function cacheDirectory(...parts: string[]): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'syscall-lens', ...parts);
}
