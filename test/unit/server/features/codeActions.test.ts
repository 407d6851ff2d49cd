import { describe, expect, it } from 'vitest';
import { namedConstantActions } from '../../../../server/features/namedConstant';
import { lintBlock } from '../../../../server/features/syscallLints';
import { programView } from '../../../../server/features/syscallFacts';
import { applyEdits, lints, openDocument } from '../helpers';

describe('quick fix for an argument the kernel reads but nothing set', () => {
  it('inserts the setter before the call, indented like it, in the ABI\'s register', () => {
    const source = '_start:\n        mov     eax, 1\n        mov     edi, 1\n        lea     rsi, [rel msg]\n        syscall\nmsg:    db      "hi"\n';
    const w = openDocument('unset.asm', source);
    const lint = lints(w.workspace, w.document).find((l) => l.code === 'unset-argument')!;
    expect(lint.fix).toEqual({ title: 'Set the argument before the call (to 0)', edits: [{ line: 4, start: 0, end: 0, newText: '        mov     rdx, 0 ; count\n' }] });
    const fixed = openDocument('fixed.asm', applyEdits(source, lint.fix!.edits));
    expect(lints(fixed.workspace, fixed.document).filter((l) => l.code === 'unset-argument')).toEqual([]);
  });
});

describe('quick fixes', () => {
  it('rewrites int 0x80 in 64-bit code to syscall with x86-64 numbers and registers', () => {
    const source = 'section .text\n_start:\n  mov eax, 4\n  mov ebx, 1\n  mov ecx, msg\n  mov edx, 3\n  int 0x80\n';
    const { workspace, document } = openDocument('inline.asm', source);
    const block = workspace.analysis(document).blockAt(6);
    const lint = lintBlock(block, document, () => 64, programView(workspace.analysis(document).program()).sitesBetween(block.start, block.end)).find((l) => l.code === 'int80-in-64-bit-code')!;
    expect(lint.message).toContain('eax = 4 means write');
    expect(applyEdits(source, lint.fix!.edits)).toBe('section .text\n_start:\n  mov eax, 1\n  mov edi, 1\n  mov esi, msg\n  mov edx, 3\n  syscall\n');
  });
  it('adds the named constant only once', () => {
    const source = '_start:\n  mov eax, 60\n  syscall\n';
    const { workspace, document } = openDocument('inline.asm', source);
    const block = workspace.analysis(document).blockAt(1);
    const [action] = namedConstantActions(block, document, 1, 1, (n) => workspace.constantValue(document, n, 1));
    const once = applyEdits(source, action!.edits);
    expect(once).toBe('SYS_exit equ 60\n_start:\n  mov eax, SYS_exit\n  syscall\n');
    const again = openDocument('inline.asm', once.replace('SYS_exit\n  syscall', '60\n  syscall'));
    const block2 = again.workspace.analysis(again.document).blockAt(2);
    const [second] = namedConstantActions(block2, again.document, 2, 2, (n) => again.workspace.constantValue(again.document, n, 2));
    expect(second!.edits).toHaveLength(1);
  });
});
