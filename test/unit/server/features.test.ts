import * as path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AsmDocument } from '../../../nasm/document/document';
import { completions } from '../../../server/features/completion';
import { documentOutline } from '../../../server/features/documentSymbols';
import { foldingRanges } from '../../../server/features/folding';
import { formatLines } from '../../../server/features/formatting';
import { referencesOf, renameSymbol } from '../../../server/features/navigation';
import { namedConstantActions } from '../../../server/features/namedConstant';
import { semanticTokens, TOKEN_TYPES } from '../../../server/features/semanticTokens';
import { signatureHelp } from '../../../server/features/signatureHelp';
import { lintBlock } from '../../../server/features/syscallLints';
import { programView } from '../../../server/features/syscallFacts';
import { EXAMPLES, FIXTURES, find, hover, lints, openDocument } from './helpers';

function applyEdits(text: string, edits: { line: number; start: number; end: number; newText: string }[]): string {
  const lines = text.split('\n');
  for (const e of [...edits].sort((a, b) => b.line - a.line || b.start - a.start)) {
    lines[e.line] = lines[e.line]!.slice(0, e.start) + e.newText + lines[e.line]!.slice(e.end);
  }
  return lines.join('\n');
}

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

describe('formatting', () => {
  it('aligns labels, mnemonics, operands and comments', () => {
    const document = new AsmDocument('file:///f.asm', 'start:  mov rax,1 ; one\nmsg db "a b",0\n   syscall\n      ; note\n%define X 1\n  len equ $-msg');
    const edits = formatLines(document);
    const text = applyEdits(document.getText(), edits.map((e) => ({ line: e.line, start: 0, end: e.oldLength, newText: e.newText })));
    expect(text.split('\n')).toEqual([
      'start:  mov     rax,1                   ; one',
      'msg     db      "a b",0',
      '        syscall',
      '        ; note',
      '%define X 1',
      'len     equ     $-msg',
    ]);
  });

  const corpus = [
    ...readdirSync(FIXTURES).filter((f) => /\.(asm|inc)$/.test(f)).map((f) => path.join(FIXTURES, f)),
    ...readdirSync(EXAMPLES).filter((f) => f.endsWith('.asm')).map((f) => path.join(EXAMPLES, f)),
  ];
  it.each(corpus)('is idempotent on %s', (file) => {
    const once = new AsmDocument('file:///x.asm', readFileSync(file, 'utf8'));
    const edits = formatLines(once);
    const formatted = applyEdits(once.getText(), edits.map((e) => ({ line: e.line, start: 0, end: e.oldLength, newText: e.newText })));
    expect(formatLines(new AsmDocument('file:///y.asm', formatted))).toEqual([]);
  });

  it('never re-lays-out macro bodies, continued lines or macro-call operand lists', () => {
    const source = [
      '%macro twice 1-*', 'lbl_%1:  nop', '%endmacro', '%macro m 1', '  db %{1:3}', '%endmacro',
      'twice nop, ret', 'mov eax,\\', '   60', 'x: m  "a, b" ,1',
    ].join('\n');
    const document = new AsmDocument('file:///m.asm', source);
    const formatted = applyEdits(source, formatLines(document).map((e) => ({ line: e.line, start: 0, end: e.oldLength, newText: e.newText })));
    expect(formatted.split('\n')).toEqual([
      '%macro twice 1-*', 'lbl_%1:  nop', '%endmacro', '%macro m 1', '  db %{1:3}', '%endmacro',
      '        twice nop, ret', 'mov eax,\\', '   60', 'x:      m       "a, b" ,1',
    ]);
  });

  it('formats only the requested range', () => {
    const document = new AsmDocument('file:///f.asm', 'mov rax,1\nmov rdi,2\nmov rsi,3');
    expect(formatLines(document, 1, 1).map((e) => e.line)).toEqual([1]);
  });
});

describe('folding', () => {
  it('folds sections, labels, macros, %if blocks and comment blocks', () => {
    const document = new AsmDocument('file:///f.asm', [
      '; a', '; b', '%macro m 0', '  nop', '%endmacro', '%ifdef X', '  nop', '%else', '  nop', '%endif',
      'section .text', 'f:', '  nop', '  ret',
    ].join('\n'));
    const folds = foldingRanges(document).map((f) => `${f.startLine}-${f.endLine}${f.kind ? ` ${f.kind}` : ''}`);
    expect(folds).toEqual(expect.arrayContaining(['0-1 comment', '2-4', '5-6', '7-9', '10-13', '11-13']));
  });
});

describe('semantic tokens', () => {
  it('marks labels, constants, macros, registers and inactive %if branches', () => {
    const { workspace, document } = openDocument('inline.asm', '%define FAST 0\n%if FAST\n  mov rax, 1\n%endif\nN equ 3\n%macro m 0\n%endmacro\nf:\n  mov rax, N\n  m\n');
    const data = semanticTokens(workspace, document);
    const decoded: string[] = [];
    let line = 0;
    let start = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      start = data[i] === 0 ? start + data[i + 1]! : data[i + 1]!;
      decoded.push(`${line}:${start} ${TOKEN_TYPES[data[i + 3]!]}`);
    }
    expect(decoded).toEqual(expect.arrayContaining(['2:2 comment', '4:0 variable', '7:0 function', '8:6 variable', '8:11 variable', '9:2 macro']));
    expect(decoded.filter((d) => d.startsWith('2:'))).toEqual(['2:2 comment']);
  });
});

describe('completion', () => {
  it('after `mov rax, ` offers syscall names that insert the number with the name as a comment', () => {
    const { workspace, document } = openDocument('inline.asm', '_start:\n  mov rax, ');
    const write = completions(workspace, document, 1, 11).find((c) => c.label === 'write');
    expect(write).toMatchObject({ insertText: '1 ; write', detail: 'syscall 1' });
  });
  it('offers mnemonics, macros and a snippet per common syscall at statement start', () => {
    const { workspace, document } = openDocument('inline.asm', '%macro say 2\n%endmacro\n  ');
    const items = completions(workspace, document, 2, 2);
    expect(items.map((c) => c.label)).toEqual(expect.arrayContaining(['mov', 'syscall', 'section', 'db', 'say', 'sys_write']));
    expect(items.find((c) => c.label === 'sys_write')!.insertText).toBe('mov     rax, 1                  ; write\n  mov     rdi, ${1:fd}\n  mov     rsi, ${2:buf}\n  mov     rdx, ${3:count}\n  syscall$0');
  });
  it('offers registers, labels and constants in operands, local labels by short name in their scope', () => {
    const { workspace, document } = openDocument('inline.asm', 'K equ 1\nf:\n.loop:\n  jmp ');
    const labels = completions(workspace, document, 3, 6).map((c) => c.label);
    expect(labels).toEqual(expect.arrayContaining(['K', 'f', '.loop', 'rdi', 'r10d', 'qword']));
  });
  it('offers mnemonics and directives at column 0 too', () => {
    const { workspace, document } = openDocument('inline.asm', 'sec');
    expect(completions(workspace, document, 0, 3).map((c) => c.label)).toEqual(expect.arrayContaining(['section', 'mov']));
  });
  it('offers preprocessor words after %', () => {
    const { workspace, document } = openDocument('inline.asm', '%def');
    expect(completions(workspace, document, 0, 4).map((c) => c.label)).toContain('%define');
  });
});

describe('signature help', () => {
  it('shows macro parameters with the active one', () => {
    const { workspace, document } = openDocument('inline.asm', '%macro print 2-3\n%endmacro\n  print msg, ');
    expect(signatureHelp(workspace, document, 2, 13)).toMatchObject({ label: 'print %1, %2, %3?', activeParameter: 1 });
  });
  it('shows the syscall being set up, with the argument register\'s parameter active', () => {
    const { workspace, document } = openDocument('inline.asm', '_start:\n  mov eax, 1\n  mov rsi, ');
    expect(signatureHelp(workspace, document, 2, 11)).toMatchObject({
      label: 'write(unsigned int fd, const char *buf, size_t count)', activeParameter: 1,
    });
  });
});

describe('outline', () => {
  it('nests section › label › local label and lists macros, constants and strucs', () => {
    const { document } = openDocument('inline.asm', 'struc point\n.x resd 1\n.y resd 1\nendstruc\nN equ 1\nsection .text\nf:\n.a:\n  ret\n');
    const outline = documentOutline(document);
    expect(outline.map((n) => `${n.kind} ${n.name}`)).toEqual(['struc point', 'constant N', 'section .text']);
    expect(outline[0]!.children.map((c) => c.name)).toEqual(['.x', '.y']);
    expect(outline[2]!.children[0]).toMatchObject({ name: 'f', children: [expect.objectContaining({ name: '.a' })] });
    expect(document.structure.fieldOffsets.get('point.y')).toBe(4n);
    expect(document.structure.fieldOffsets.get('point_size')).toBe(8n);
  });
});

describe('rename', () => {
  it('renames a local label only in its own scope', () => {
    const source = 'a:\n.loop:\n  jmp .loop\nb:\n.loop:\n  jmp .loop\n  jmp a.loop\n';
    const { workspace, document } = openDocument('inline.asm', source);
    const edits = renameSymbol(workspace, document, 2, 8, '.again');
    expect(typeof edits).not.toBe('string');
    expect(applyEdits(source, edits as any)).toBe('a:\n.again:\n  jmp .again\nb:\n.loop:\n  jmp .loop\n  jmp a.again\n');
  });
  it('refuses a name that would change the label\'s kind', () => {
    const { workspace, document } = openDocument('inline.asm', 'a:\n.loop:\n  jmp .loop\n');
    expect(renameSymbol(workspace, document, 2, 8, 'global_name')).toContain('keeps its leading dot');
  });
  it('finds references of a constant from an include', () => {
    const { workspace, document } = openDocument(path.join(FIXTURES, 'constants.asm'));
    const inc = workspace.includedDocuments(document)[0]!;
    const target = { document: inc, symbol: inc.structure.definitions.get('SYS_write')![0]! };
    expect(referencesOf(workspace, target, false).map((o) => `${path.basename(o.document.uri)}:${o.line}`)).toEqual(['constants.asm:13', 'constants.asm:22']);
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

describe('%include', () => {
  it('resolves the file name next to the including file, for hover and go to definition', async () => {
    const { includedFileAt } = await import('../../../server/features/navigation');
    const { workspace, document } = openDocument(path.join(FIXTURES, 'constants.asm'));
    const at = find(document, '"syscalls.inc"');
    expect(includedFileAt(workspace, document, at.line, at.character + 2)).toMatch(/fixtures\/server\/syscalls\.inc$/);
    expect(hover(workspace, document, '"syscalls.inc"')).toContain('fixtures/server/syscalls.inc');
    const missing = openDocument('inline.asm', '%include "nowhere.inc"\n');
    expect(hover(missing.workspace, missing.document, '"nowhere')).toContain('not found');
  });
});

describe('completion in 32-bit code', () => {
  it('uses the i386 numbers and int 0x80', () => {
    const { workspace, document } = openDocument('inline.asm', 'bits 32\n_start:\n  mov eax, \n  ');
    expect(completions(workspace, document, 2, 11).find((c) => c.label === 'write')).toMatchObject({ insertText: '4 ; write' });
    const snippet = completions(workspace, document, 3, 2).find((c) => c.label === 'sys_exit')!.insertText!;
    expect(snippet).toBe('mov     eax, 1                  ; exit\n  mov     ebx, ${1:error_code}\n  int     0x80$0');
  });
});

describe('the workspace index', () => {
  it('sees an included file created after the include line was written, once the watcher reports it', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const { pathToUri } = await import('../../../server/workspace');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-index-'));
    try {
      const { workspace, document } = openDocument(path.join(dir, 'main.asm'), '%include "later.inc"\n_start:\n  mov eax, LATER\n  syscall\n');
      expect(workspace.constantValue(document, 'LATER', 2)).toBeUndefined();
      writeFileSync(path.join(dir, 'later.inc'), 'LATER equ 60\n');
      workspace.refreshFromDisk(pathToUri(path.join(dir, 'later.inc')));
      expect(workspace.constantValue(document, 'LATER', 2)).toEqual({ kind: 'number', value: 60n });
      expect(hover(workspace, document, 'mov eax')).toContain('**exit**');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

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
