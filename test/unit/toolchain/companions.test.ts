// Which other sources a NASM root is linked with: those that define what it declares extern.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { companionSources } from '../../../toolchain/companions';

const PROJECT = path.resolve(__dirname, '../../fixtures/toolchain/multiobject/src');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'companions-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(file: string, lines: string[]): string {
  const full = path.join(scratch, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, lines.join('\n'));
  return full;
}

describe('the other sources of a program', () => {
  it('follows extern to global through the folder tree, leaving out %included files and other programs', () => {
    const main = path.join(PROJECT, 'main.asm');
    expect(companionSources(main, readFileSync(main, 'utf8'))).toEqual({
      files: [path.join(PROJECT, 'io/print.asm'), path.join(PROJECT, 'io/log.asm'), path.join(PROJECT, 'sys/calls.asm'), path.join(PROJECT, 'str.asm')],
      unresolved: [],
    });
  });

  it('leaves externs no source defines to the linker (libc), and finds none for a root without externs', () => {
    const root = write('libc/main.asm', ['extern printf', 'global _start', 'section .text', '_start:', '  call printf']);
    expect(companionSources(root, readFileSync(root, 'utf8'))).toEqual({ files: [], unresolved: ['printf'] });
    const alone = write('alone/main.asm', ['global _start', 'section .text', '_start:', '  mov eax, 60', '  syscall']);
    expect(companionSources(alone, readFileSync(alone, 'utf8'))).toEqual({ files: [], unresolved: [] });
  });

  it('looks in the folder above for a library beside the root\'s folder, nearest definition first', () => {
    const root = write('app/src/main.asm', ['extern show', 'global _start', 'section .text', '_start:', '  call show']);
    const near = write('app/lib/show.asm', ['global show', 'section .text', 'show:', '  ret']);
    write('app/lib/old/show.asm', ['global show', 'section .text', 'show:', '  ret']);
    expect(companionSources(root, readFileSync(root, 'utf8'))).toEqual({ files: [near], unresolved: [] });
  });

  it('pairs C and NASM: a C root\'s undefined functions in .asm files, a NASM root\'s externs in C definitions', () => {
    const asm = write('mixed/message.asm', ['global message', 'section .text', 'message:', '  ret']);
    const c = write('mixed/main.c', ['void message(void);', 'int main(void)', '{', '  message();', '}']);
    expect(companionSources(c, readFileSync(c, 'utf8'), ['message'])).toEqual({ files: [asm], unresolved: [] });
    const root = write('other/main.asm', ['extern greet, shout', 'global main', 'section .text', 'main:', '  call greet']);
    const greet = write('other/greet.c', ['#include <stdio.h>', 'static int twice(int x) { return 2 * x; }', 'void greet(const char *who,', '           int times)', '{', '  if (times) puts(who);', '}']);
    write('other/decl.c', ['void shout(void);', 'int main(void) { shout(); }']);
    expect(companionSources(root, readFileSync(root, 'utf8'))).toEqual({ files: [greet], unresolved: ['shout'] });
  });
});
