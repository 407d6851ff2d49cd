// The realistic corpus the language-server fixtures check (test/fixtures/server/programs) is real
// NASM: every program assembles with nasm, so its expected hovers describe code that exists.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const PROGRAMS = path.resolve(__dirname, '../../fixtures/server/programs');
const scratch = mkdtempSync(path.join(tmpdir(), 'syscall-lens-programs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('language-server corpus', () => {
  it.each(readdirSync(PROGRAMS).filter((f) => f.endsWith('.asm')))('%s assembles with nasm -f elf64', (file) => {
    // Our own temporary output: nasm deletes its output file when assembly fails.
    const output = path.join(scratch, `${file}.o`);
    const run = spawnSync('nasm', ['-f', 'elf64', '-I', `${PROGRAMS}/`, '-o', output, path.join(PROGRAMS, file)], { encoding: 'utf8', timeout: 20_000 });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
