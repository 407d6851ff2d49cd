// A file only this process can read: created in a private temporary folder that is removed at once,
// so the open descriptor is all that is left of it (nothing stays on disk, whatever happens to us).
import { mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Opens a new private file for reading and writing; closing the descriptor frees it. */
export function openPrivateFile(prefix: string): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    return openSync(path.join(dir, 'data'), 'w+', 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes all of `bytes` at `position`; their length. */
export function writeAll(fd: number, bytes: Uint8Array, position: number): number {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
  return done;
}
