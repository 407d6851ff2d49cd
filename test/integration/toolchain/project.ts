// The fixture project (a program with %include files, a loop, a procedure and its own build.sh),
// copied into a scratch folder so tests never write into the repository.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';

const PROJECT = path.resolve(__dirname, '../../fixtures/toolchain/project');

/** A scratch folder removed after the file's tests, and a way to copy the project into it. */
export function useScratch(prefix: string): { work: string; project: (name: string) => string } {
  const work = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  return {
    work,
    project(name) {
      const dir = path.join(work, name);
      cpSync(PROJECT, dir, { recursive: true });
      return dir;
    },
  };
}
