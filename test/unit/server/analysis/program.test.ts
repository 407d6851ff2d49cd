// Values through the whole document: moves, syscall results, memory and stack slots, merges, loops,
// procedures and macros — read through the hovers a user sees.
import { describe, expect, it } from 'vitest';
import type { AsmDocument } from '../../../../nasm/document/document';
import type { Workspace } from '../../../../server/workspace';
import { find, hover, hovers, inlayHints, lints, openDocument } from '../helpers';

function hoverOn(source: string, needle: string, occurrence = 0): string {
  const { workspace, document } = openDocument('inline.asm', source);
  return hover(workspace, document, needle, occurrence) ?? '';
}

describe('register moves and syscall results', () => {
  const source = [
    'section .data', 'path: db "/etc/hostname", 0', 'section .bss', 'buf: resb 64', 'section .text', '_start:',
    '  mov eax, 2', '  lea rdi, [rel path]', '  xor esi, esi', '  syscall', '  mov r12, rax',
    '.loop:', '  xor eax, eax', '  mov rdi, r12', '  lea rsi, [rel buf]', '  mov edx, 64', '  syscall',
    '  test rax, rax', '  jle .done', '  mov rdx, rax', '  mov eax, 1', '  mov edi, 1', '  syscall ; write', '  jmp .loop',
    '.done:', '  mov eax, 60', '  xor edi, edi', '  syscall',
  ].join('\n');
  it('follows the fd returned by open through r12 into a loop', () => {
    expect(hoverOn(source, 'syscall', 1)).toContain('read(fd=fd returned by open (line 10), buf=buf, count=64)');
  });
  it('names the count a write gets from read, with the range its guard proves', () => {
    expect(hoverOn(source, 'syscall ; write')).toContain('count=bytes returned by read (line 17), ≥ 0');
  });
  it('keeps values the syscall instruction preserves, and forgets rcx and r11', () => {
    const text = ['_start:', '  mov edi, 1', '  mov r10d, 5', '  mov eax, 39', '  syscall', '  mov eax, 62', '  mov esi, 9', '  syscall'].join('\n');
    expect(hoverOn(text, 'syscall', 1)).toContain('kill(pid=1, sig=SIGKILL)');
  });
  it('follows xchg, push/pop, lea and 32-bit writes', () => {
    const text = ['_start:', '  mov rbx, 60', '  push rbx', '  pop rcx', '  xchg rax, rcx', '  lea rdi, [rax + 2]', '  mov edi, edi', '  syscall'].join('\n');
    expect(hoverOn(text, 'syscall')).toContain('exit(error_code=62)');
  });
});

describe('merges and loops', () => {
  it('joins the values of two paths', () => {
    const text = ['_start:', '  test rdi, rdi', '  jz .ok', '  mov edi, 1', '  jmp .out', '.ok:', '  xor edi, edi', '.out:', '  mov eax, 60', '  syscall'].join('\n');
    expect(hoverOn(text, 'syscall')).toContain('exit(error_code=0 or 1)');
  });
  it('gives the same results with blank and comment lines between a jump and its target', () => {
    const base = ['_start:', '  mov eax, 1', '  mov edi, 1', '  mov edx, 3', '  jmp print', 'print:', '  lea rsi, [rel msg]', '  syscall', 'msg: db "hi", 10'];
    const spaced = [...base.slice(0, 5), '', '; the printer', '', ...base.slice(5)];
    expect(hoverOn(spaced.join('\n'), 'syscall')).toBe(hoverOn(base.join('\n'), 'syscall'));
    const { workspace, document } = openDocument('inline.asm', spaced.join('\n'));
    expect(lints(workspace, document)).toEqual([]);
  });
  it('converges on a loop that counts', () => {
    const text = ['_start:', '  mov ebx, 10', '.again:', '  mov eax, 1', '  mov edi, 1', '  lea rsi, [rel _start]', '  mov edx, 1', '  syscall', '  dec ebx', '  jnz .again', '  mov eax, 60', '  mov edi, ebx', '  syscall'].join('\n');
    expect(hoverOn(text, 'syscall')).toContain('write(fd=1 (stdout), buf=_start, count=1)');
    expect(hoverOn(text, 'syscall', 1)).toContain('exit(error_code=?');
  });
});

describe('the initial stack and stack slots', () => {
  it('names argc and argv at _start', () => {
    const text = ['_start:', '  mov rdi, [rsp]', '  mov rsi, [rsp + 16]', '  lea rdx, [rsp + 8]', '  mov eax, 59', '  syscall'].join('\n');
    expect(hoverOn(text, 'syscall')).toContain('execve(filename=argc, argv=argv[1], envp=argv)');
  });
  it('reads mov rsi, rsp as the stack pointer, not as unset', () => {
    const text = ['_start:', '  sub rsp, 32', '  xor eax, eax', '  xor edi, edi', '  mov rsi, rsp', '  mov edx, 32', '  syscall'].join('\n');
    expect(hoverOn(text, 'syscall')).toContain('buf=stack (rsp at `_start` − 32)');
  });
});

describe('memory slots', () => {
  it('gives a value stored in one procedure to a load in another', () => {
    const text = [
      'section .bss', 'fd: resq 1', 'section .text', '_start:', '  call opener', '  call closer', '  mov eax, 60', '  syscall',
      'opener:', '  mov eax, 2', '  lea rdi, [rel fd]', '  xor esi, esi', '  syscall', '  mov [fd], rax', '  ret',
      'closer:', '  mov eax, 3', '  mov rdi, [fd]', '  syscall', '  ret',
    ].join('\n');
    expect(hoverOn(text, 'syscall', 2)).toContain('close(fd=fd returned by open (line 13))');
  });
});

describe('inlay hints read values as hovers do', () => {
  it('decodes constants and names results', async () => {
    const { inlayHints } = await import('../helpers');
    const { workspace, document } = openDocument('programs/stack.asm');
    const labels = inlayHints(workspace, document).filter((h) => h.kind === 'call').map((h) => h.label);
    expect(labels).toContain('openat(AT_FDCWD, path, O_RDONLY, unset)');
    expect(labels).toContain('read(fd from openat, stack, 64)');
  });
});

describe('an edit analyses again only what it can change', () => {
  // Code entered from elsewhere that shares nothing with the rest, and a procedure that loads a slot its caller stores.
  const source = [
    'section .bss', 'fd: resq 1', 'section .text', 'global _start, other',
    'other:', '  mov eax, 1', '  mov edi, 1', '  syscall', '  ret',
    'second:', '  mov rdi, [fd]', '  mov eax, 3', '  syscall', '  ret',
    '_start:', '  mov qword [fd], 4', '  call second', '  mov eax, 60', '  xor edi, edi', '  syscall',
  ].join('\n');
  const edit = (text: string, needle: string, replacement: string) => {
    const { workspace, document } = openDocument('inline.asm', text);
    lints(workspace, document);
    const at = find(document, needle);
    document.applyChange({ range: { start: at, end: { line: at.line, character: at.character + needle.length } }, text: replacement });
    const program = workspace.analysis(document).program();
    const fresh = openDocument('inline.asm', document.getText());
    return { program, workspace, document, fresh };
  };
  it('an operand edit in a block keeps the other components and gives what a fresh analysis gives', () => {
    const { program, workspace, document, fresh } = edit(source, 'mov edi, 1', 'mov edi, 2');
    expect(program.recomputedBlocks).toBe(1);
    expect(fresh.workspace.analysis(fresh.document).program().recomputedBlocks).toBeGreaterThan(3);
    expect(hover(workspace, document, 'syscall')).toContain('write(fd=2');
    expect(hovers(workspace, document)).toEqual(hovers(fresh.workspace, fresh.document));
  });
  it('keeps the program between requests with no edit, and derives a new one after any edit', () => {
    const { workspace, document } = openDocument('inline.asm', source);
    const program = () => workspace.analysis(document).program();
    const first = program();
    expect(program()).toBe(first);
    for (const [needle, replacement] of [['mov edi, 1', 'mov edi, 2'], ['second:', 'second:\nextra:'], ['fd: resq 1', 'fd: resq 2']] as const) {
      const before = program();
      const at = find(document, needle);
      document.applyChange({ range: { start: at, end: { line: at.line, character: at.character + needle.length } }, text: replacement });
      const after = program();
      expect(after).not.toBe(before);
      expect(program()).toBe(after);
      const fresh = openDocument('inline.asm', document.getText());
      expect(hovers(workspace, document)).toEqual(hovers(fresh.workspace, fresh.document));
    }
  });
  it('a store in the caller reaches the procedure that loads the slot', () => {
    const { workspace, document, fresh } = edit(source, 'mov qword [fd], 4', 'mov qword [fd], 5');
    expect(hover(workspace, document, 'syscall', 1)).toContain('close(fd=5)');
    expect(hovers(workspace, document)).toEqual(hovers(fresh.workspace, fresh.document));
  });
  it('renaming a label nothing jumps to keeps the flow: its local labels follow it and a fresh analysis agrees', () => {
    const text = [
      'global _start', 'section .text', '_start:', '  mov eax, 60', '  xor edi, edi', '  syscall',
      'helper:', '  mov ecx, 3', '.again:', '  mov eax, 1', '  mov edi, 1', '  syscall', '  dec ecx', '  jnz .again', '  ret',
    ].join('\n');
    const { program, workspace, document, fresh } = edit(text, 'helper:', 'renamed:');
    expect(program.recomputedBlocks).toBeLessThan(fresh.workspace.analysis(fresh.document).program().recomputedBlocks);
    expect(hover(workspace, document, 'syscall', 1)).toContain('write(fd=1');
    expect(hovers(workspace, document)).toEqual(hovers(fresh.workspace, fresh.document));
  });
  it('a constant a macro body uses, changed elsewhere, gives its invocations the new value (and only they run again)', () => {
    // The invoking block names only the macro: the constant is looked up inside the expansion.
    const text = [
      '%macro quit 1', '  mov eax, CODE', '  mov edi, %1', '  syscall', '%endmacro', 'CODE equ 60', 'global _start', 'section .text',
      'other:', '  mov eax, 1', '  mov edi, 1', '  syscall', '  ret',
      '_start:', '  quit 3',
    ].join('\n');
    const { program, workspace, document, fresh } = edit(text, 'CODE equ 60', 'CODE equ 231');
    expect(hover(workspace, document, 'quit 3')).toContain('exit_group(error_code=3)');
    // The edited line's block and the invocation's: `other` is kept.
    expect(program.recomputedBlocks).toBe(2);
    expect(fresh.workspace.analysis(fresh.document).program().recomputedBlocks).toBeGreaterThan(2);
    expect(hovers(workspace, document)).toEqual(hovers(fresh.workspace, fresh.document));
  });
  it('a %define a macro body tests with %ifdef, added elsewhere, changes what its invocations expand to', () => {
    const text = [
      '%macro finish 0', '%ifdef FAST', '  mov eax, 231', '%else', '  mov eax, 60', '%endif', '  xor edi, edi', '  syscall', '%endmacro',
      '%define SLOW', 'global _start', 'section .text', '_start:', '  finish',
    ].join('\n');
    const { workspace, document, fresh } = edit(text, '%define SLOW', '%define FAST');
    expect(hover(workspace, document, 'finish', 1)).toContain('exit_group(error_code=0)');
    expect(hovers(workspace, document)).toEqual(hovers(fresh.workspace, fresh.document));
  });
  it('a label line inserted or removed above other code keeps their results, at their new lines', () => {
    // Lines move below the edit: the kept results must name the lines as they are now.
    const text = [
      'global _start', 'section .text', '_start:', '  mov eax, 2', '  lea rdi, [rel path]', '  xor esi, esi', '  syscall', '  mov rdi, rax',
      '  mov eax, 3', '  syscall', '  mov eax, 60', '  xor edi, edi', '  syscall',
      'second:', '  mov eax, 1', '  mov edi, 1', '  syscall', '  ret',
      'third:', '  mov eax, 0', '  mov edi, 0', '  syscall', '  mov rdi, rax', '  mov eax, 60', '  syscall',
      'path: db "/etc/hostname", 0',
    ].join('\n');
    const { workspace, document } = openDocument('inline.asm', text);
    lints(workspace, document);
    const at = find(document, 'second:');
    document.applyChange({ range: { start: { line: at.line, character: 0 }, end: { line: at.line, character: 0 } }, text: 'added:\n' });
    const program = workspace.analysis(document).program();
    let fresh = openDocument('inline.asm', document.getText());
    expect(program.recomputedBlocks).toBeLessThan(fresh.workspace.analysis(fresh.document).program().recomputedBlocks);
    expect(hover(workspace, document, 'syscall', 5)).toContain('exit(error_code=bytes returned by read (line 23)');
    expect(hovers(workspace, document)).toEqual(hovers(fresh.workspace, fresh.document));
    document.applyChange({ range: { start: { line: at.line, character: 0 }, end: { line: at.line + 1, character: 0 } }, text: '' });
    fresh = openDocument('inline.asm', document.getText());
    expect(hover(workspace, document, 'syscall', 5)).toContain('exit(error_code=bytes returned by read (line 22)');
    expect(hovers(workspace, document)).toEqual(hovers(fresh.workspace, fresh.document));
  });
  it('a global label renamed or removed requalifies the local labels of its scope past a constant defined in it', () => {
    // `STDOUT equ 1` opens no scope (it starts a block only because a jump ends the one before): `.none`
    // after it still belongs to `newline`.
    const text = [
      'section .data', 'newline: db 10', 'section .text', 'global _start',
      '  mov rbx, [rsp]', '  cmp rbx, 2', '  jl .none', 'STDOUT equ 1', '  mov eax, 1', '  jmp .length',
      '.none:', '  mov eax, 60', '  mov rdi, rbx', '  syscall',
    ].join('\n');
    for (const replacement of ['renamed: db 10', '%define NEWLINE 10']) {
      const { workspace, document } = openDocument('inline.asm', text);
      lints(workspace, document);
      const at = find(document, 'newline: db 10');
      document.applyChange({ range: { start: at, end: { line: at.line, character: at.character + 'newline: db 10'.length } }, text: replacement });
      const fresh = openDocument('inline.asm', document.getText());
      expect(hover(workspace, document, 'syscall'), replacement).toContain('exit(error_code=');
      expect(hovers(workspace, document), replacement).toEqual(hovers(fresh.workspace, fresh.document));
    }
  });
});

describe('label lines added and removed around jumps that span them', () => {
  // More than NEAR_BLOCKS (64) blocks of filler between a jump and its target: the edges are kept
  // relative, and one spanning an edit is found in the list of far jumps, not by looking around it.
  const fillers = Array.from({ length: 70 }, (_, k) => [`fill_${k}:`, '  mov eax, 39', '  syscall']).flat();
  const source = [
    // rbx is 7 only through the forward jump, and 5 at `top` only through the backward one.
    'global _start', 'section .text', '_start:', '  mov ebx, 7', '  test rdi, rdi', '  jz finish', '  mov ebx, 8',
    'top:', '  mov eax, 1', '  mov edi, ebx', '  syscall', ...fillers,
    'finish:', '  mov eax, 60', '  mov edi, ebx', '  syscall',
    // The loop counts in r12: the syscall in it keeps rbx and r12 (it clobbers rcx and r11).
    'again:', '  mov ebx, 5', '  mov r12d, 3', '.loop:', '  mov eax, 1', '  mov edi, ebx', '  syscall', '  dec r12d', '  jnz .loop', '  jmp top',
    // Apart from the rest: kept when the rest runs again.
    'other:', '  mov eax, 1', '  mov edi, 2', '  syscall', 'other_end:', '  mov eax, 60', '  syscall',
  ].join('\n');
  const check = (workspace: Workspace, document: AsmDocument, step: string) => {
    const fresh = openDocument('inline.asm', document.getText());
    expect(lints(workspace, document), step).toEqual(lints(fresh.workspace, fresh.document));
    expect(inlayHints(workspace, document), step).toEqual(inlayHints(fresh.workspace, fresh.document));
    expect(hovers(workspace, document), step).toEqual(hovers(fresh.workspace, fresh.document));
  };
  const insertBefore = (document: AsmDocument, line: number, text: string) =>
    document.applyChange({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `${text}\n` });
  const removeLine = (document: AsmDocument, line: number) =>
    document.applyChange({ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' });

  it('reaches the exit with the values of the forward and the backward far jump', () => {
    const { workspace, document } = openDocument('inline.asm', source);
    expect(hover(workspace, document, 'syscall', 71)).toContain('exit(error_code=5 or 7 or 8)');
    expect(hover(workspace, document, 'syscall')).toContain('write(fd=5 or 8');
  });

  it('keeps both far jumps when a label line goes between a jump and its target, and when it goes again', () => {
    const places: [string, (document: AsmDocument) => number][] = [
      ['after the forward jump', (d) => find(d, 'top:').line],
      ['among the fillers', (d) => find(d, 'fill_35:').line],
      ['just before the target', (d) => find(d, 'finish:').line],
      ['inside the target block', (d) => find(d, 'finish:').line + 2],
      ['before the backward jump', (d) => find(d, 'jmp top').line],
      ['inside the loop', (d) => find(d, 'dec r12d').line],
      ['at the start of the file', () => 0],
      ['at the end of the file', (d) => d.lineCount - 1],
    ];
    for (const label of ['added:', '.local_added:']) {
      const { workspace, document } = openDocument('inline.asm', `${source}\n`);
      lints(workspace, document);
      const inserted: number[] = [];
      places.forEach(([place, line], k) => {
        const at = line(document);
        insertBefore(document, at, label.replace('added', `added_${k}`));
        inserted.push(at);
        check(workspace, document, `${label} ${place}`);
      });
      // Removed again, last first: every line inserted is where it was put.
      for (const at of inserted.reverse()) { removeLine(document, at); check(workspace, document, `${label} removed from line ${at}`); }
      expect(document.getText()).toBe(`${source}\n`);
    }
  });

  it('takes the results over, without a whole analysis, when a label line splits a block nothing jumps into', () => {
    // Not just before a label (the new one would share its address) nor inside a block a jump names: those jumps run again.
    const { workspace, document } = openDocument('inline.asm', source);
    lints(workspace, document);
    for (const needle of ['fill_10:', 'fill_35:', 'fill_69:']) {
      const before = workspace.analysis(document).program();
      insertBefore(document, find(document, needle).line + 2, `added_${needle.replace(':', '')}:`);
      const program = workspace.analysis(document).program();
      expect(program.derivedFrom, needle).toBe(before.serial);
      const fresh = openDocument('inline.asm', document.getText());
      expect(program.recomputedBlocks, needle).toBeLessThan(fresh.workspace.analysis(fresh.document).program().recomputedBlocks);
      check(workspace, document, needle);
    }
    expect(hover(workspace, document, 'syscall', 71)).toContain('exit(error_code=5 or 7 or 8)');
    expect(hover(workspace, document, 'syscall')).toContain('write(fd=5 or 8');
  });

  it('takes the results over when a label line splits a block a jump names: the jump follows the label to its new block', () => {
    const { workspace, document } = openDocument('inline.asm', source);
    lints(workspace, document);
    // `top` is named by the far backward jump, `.loop` by the loop's own jump, `finish` by the far forward one.
    // After the label's first instruction (`finish` keeps `mov eax, 60` with its syscall: a block that ends in
    // exit only when it sets rax itself).
    for (const [needle, label, after] of [['top:', 'split_top:', 2], ['.loop:', '.split_loop:', 2], ['finish:', 'split_finish:', 1]] as const) {
      const before = workspace.analysis(document).program();
      insertBefore(document, find(document, needle).line + after, label);
      const program = workspace.analysis(document).program();
      expect(program.derivedFrom, needle).toBe(before.serial);
      check(workspace, document, needle);
    }
    expect(hover(workspace, document, 'syscall', 71)).toContain('exit(error_code=5 or 7 or 8)');
    expect(hover(workspace, document, 'syscall')).toContain('write(fd=5 or 8');
  });
});
