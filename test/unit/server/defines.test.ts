// syscallLens.defines: the build's -D names decide %ifdef/%ifndef/%if, as nasm would with the same flags.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINE_INACTIVE } from '../../../nasm/document/structure';
import { FIXTURES, hover, openDocument } from './helpers';

const LOGGER = path.join(FIXTURES, 'defines', 'logger.asm');

describe('the build\'s definitions (syscallLens.defines)', () => {
  it('without them, the %else branch is the one explained: write to stdout, exit 0', () => {
    const { workspace, document } = openDocument(LOGGER);
    expect(hover(workspace, document, 'syscall')).toContain('write(fd=1');
    expect(hover(workspace, document, 'syscall', 1)).toContain('exit(error_code=0)');
  });

  it('with USE_WRITEV and LOG_FD=2, the %ifdef branch and the %if on the number are the ones explained', () => {
    const { workspace, document } = openDocument(LOGGER);
    workspace.setDefines(undefined, ['USE_WRITEV', 'LOG_FD=2']);
    expect(hover(workspace, document, 'syscall')).toContain('writev(fd=2');
    expect(hover(workspace, document, 'syscall', 1)).toContain('exit(error_code=2)');
    // Taking them away again brings the other branches back.
    workspace.setDefines(undefined, []);
    expect(hover(workspace, document, 'syscall')).toContain('write(fd=1');
  });

  it('a folder\'s own definitions apply to its files only', () => {
    const { workspace, document } = openDocument(LOGGER);
    workspace.setFolders([path.dirname(LOGGER)]);
    workspace.setDefines(path.join(FIXTURES, 'elsewhere'), ['USE_WRITEV']);
    expect(hover(workspace, document, 'syscall')).toContain('write(fd=1');
    workspace.setDefines(path.dirname(LOGGER), ['USE_WRITEV']);
    expect(hover(workspace, document, 'syscall')).toContain('writev(fd=1');
  });

  it('__BITS__ is the output format\'s mode, or the one a `bits` line before it set', () => {
    const source = (bitsLine: string) => [
      bitsLine, '%if __BITS__ == 64', 'NR equ 60', '%elif __?BITS?__ == 32', 'NR equ 1', '%endif',
      'section .text', 'global _start', '_start:', '  mov eax, NR', '  xor edi, edi', '  syscall',
    ].join('\n');
    const { workspace, document } = openDocument(path.join(FIXTURES, 'bits.asm'), source(''));
    expect(hover(workspace, document, 'syscall')).toContain('exit(error_code=0)');
    // An elf32 build starts in 32-bit mode: the other branch.
    workspace.defaultBits = 32;
    expect(document.structure.lineFlags[2]! & LINE_INACTIVE).toBe(LINE_INACTIVE);
    expect(document.structure.lineFlags[4]! & LINE_INACTIVE).toBe(0);
    workspace.defaultBits = 64;
    expect(document.structure.lineFlags[2]! & LINE_INACTIVE).toBe(0);
    // `bits 32` on the first line decides the %if after it, whatever the format.
    const bits32 = openDocument(path.join(FIXTURES, 'bits.asm'), source('bits 32'));
    expect(bits32.document.structure.lineFlags[2]! & LINE_INACTIVE).toBe(LINE_INACTIVE);
    expect(bits32.document.structure.lineFlags[4]! & LINE_INACTIVE).toBe(0);
  });
});
