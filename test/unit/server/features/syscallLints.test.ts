import { describe, expect, it } from 'vitest';
import { lints, openDocument } from '../helpers';

describe('the rcx-instead-of-r10 lint in a long block', () => {
  it('flags each rcx set since the previous syscall, and none set before it', () => {
    const mmap = ['  mov eax, 9', '  xor edi, edi', '  mov esi, 4096', '  mov edx, 3'];
    const lines = ['section .text', 'global _start', '_start:'];
    for (let i = 0; i < 300; i++) lines.push(...mmap, ...(i % 3 === 1 ? [] : ['  mov ecx, 0x22']), '  syscall');
    lines.push('  mov ecx, 1', '  mov eax, 60', '  syscall', '');
    const { workspace, document } = openDocument('/nonexistent/rcx.asm', lines.join('\n'));
    const flagged = lints(workspace, document).filter((l) => l.code === 'rcx-instead-of-r10').map((l) => l.line);
    const expected = lines.flatMap((text, line) => (text === '  mov ecx, 0x22' ? [line] : []));
    expect(flagged).toEqual(expected);
    expect(flagged).toHaveLength(200);
  });
});
