import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, find, hover, openDocument } from '../helpers';

describe('hovers on words', () => {
  const { workspace, document } = openDocument(path.join(EXAMPLES, 'hello.asm'));
  it('explains instructions with operand forms and a reference link', () => {
    expect(hover(workspace, document, 'xor     rdi')).toBeDefined();
    const { line } = find(document, 'global  _start');
    expect(hover(workspace, document, 'global')).toContain('Exports a symbol');
    void line;
  });
  it('explains registers: aliases, syscall role, callee-saved', () => {
    const w = openDocument('inline.asm', '  push r10\n');
    const text = hover(w.workspace, w.document, 'r10');
    expect(text).toContain('argument 4 (instead of rcx');
    expect(text).toContain('`r10d` (32)');
    expect(text).toContain('Caller-saved');
  });
  it('explains rep prefixes with the string instruction they repeat', () => {
    const w = openDocument('inline.asm', '  repne scasb\n');
    const text = hover(w.workspace, w.document, 'repne');
    expect(text).toContain('while not equal');
    expect(text).toContain('felixcloutier.com/x86/scas');
  });
  it('shows a label\'s data and the comment block above it', () => {
    const w = openDocument('inline.asm', '; The greeting printed at start.\n; Ends with a newline.\ngreet: db "Hey", 10\n  mov rsi, greet\n  cmp rax, 1\n');
    const text = hover(w.workspace, w.document, 'greet', 1);
    expect(text).toContain('4 bytes: `"Hey", 10`');
    expect(text).toContain('The greeting printed at start.\nEnds with a newline.');
    const cmp = hover(w.workspace, w.document, 'cmp');
    expect(cmp).toContain('https://www.felixcloutier.com/x86/cmp');
  });
});

describe('hover on an argument line', () => {
  it('explains the argument, and the instruction when the cursor is on the mnemonic', () => {
    const w = openDocument('argline.asm', '        mov     eax, 60\n        mov     edi, 3\n        syscall\n');
    const onMnemonic = hover(w.workspace, w.document, 'mov     edi');
    expect(onMnemonic).toContain('exit');
    expect(onMnemonic).toContain('https://www.felixcloutier.com/x86/mov');
    const onOperand = hover(w.workspace, w.document, 'edi, 3');
    expect(onOperand).toContain('exit');
    expect(onOperand).not.toContain('felixcloutier');
  });
});
