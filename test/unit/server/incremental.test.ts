// Incremental analysis gives exactly what a fresh analysis of the same text gives, edit after edit.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathToUri, Workspace } from '../../../server/workspace';
import { EXAMPLES, FIXTURES, hovers, inlayHints, lints, openDocument } from './helpers';

const EDITS = ['60', '1', 'SYS_exit', 'rcx', 'r10', 'eax', '.loop', 'msg', 'x', '', ' ', 'int 0x80', 'syscall', 'jmp .x', '%endif', '\n', 'mov rdi, 2\n', 'label:'];

// Structural edits: rename, add or remove a label, an equ or a %define on one line (some of them
// names that macro bodies test with %ifdef, %if and %rep: see programs/inc/log.inc).
const STRUCTURAL_EDITS: ((text: string, pick: () => number) => string)[] = [
  (text, pick) => { const at = text.search(/[\w.]+(?=:|\s+equ\b)|(?<=%define\s+)\w+/); return at < 0 ? text : text.slice(0, at + 1) + 'xyz'[Math.floor(pick() * 3)] + text.slice(at + 1); },
  () => '',
  (text) => `extra_${text.length}:`,
  (text) => `.local_${text.length}:`,
  (text) => `SYS_exit equ ${text.length}`,
  (text) => `msg_len equ $ - msg${text.length % 2 ? '' : '_other'}`,
  (text) => `%define SYS_write ${text.length % 3}`,
  (text) => `%define size_${text.length} 4096`,
  () => '%define DEBUG',
  (text) => `%define LOG_FD ${text.length % 3}`,
  (text) => `%define RETRIES ${text.length % 4}`,
  (text) => `STDOUT equ ${text.length % 3}`,
];

// Lines typed into an included file: its constants, %defines and macro bodies change under the file that includes it.
const INCLUDE_EDITS = [
  'SYS_write equ 2', 'SYS_exit equ 231', 'STDOUT equ 2', '%define DEBUG', '%define LOG_FD 1', '%define RETRIES 3',
  '        mov     edi, 2', '        mov     eax, SYS_exit', '%ifdef DEBUG', '%endif', '', 'included_label:', '.included_local:',
];

function random(seed: number): () => number {
  let state = seed;
  return () => { state = (state * 1103515245 + 12345) & 0x7fffffff; return state / 0x80000000; };
}

/** A seed from the file's place in the repository, the same wherever the repository is checked out. */
const seedOf = (file: string) => path.relative(path.resolve(__dirname, '../../..'), file).length;

describe('incremental analysis', () => {
  const files = [
    ...readdirSync(FIXTURES).filter((f) => f.endsWith('.asm')).map((f) => path.join(FIXTURES, f)),
    ...readdirSync(path.join(FIXTURES, 'programs')).filter((f) => f.endsWith('.asm')).map((f) => path.join(FIXTURES, 'programs', f)),
    path.join(EXAMPLES, 'hello.asm'), path.join(EXAMPLES, 'mmapcat.asm'),
  ];
  // Two runs of random edits per file (a sweep of 40 runs of 60 rounds each, with hovers every round, passes).
  const runs = files.flatMap((file) => [0, 1].map((run) => [file, run] as const));
  it.each(runs)('matches a fresh analysis after random edits to %s (run %s)', (file, run) => {
    const { workspace, document } = openDocument(file, readFileSync(file, 'utf8'));
    const next = random(seedOf(file) + 1000 * run);
    lints(workspace, document);
    for (let round = 0; round < 40; round++) {
      const line = Math.floor(next() * document.lineCount);
      const text = document.lineText(line);
      const start = Math.floor(next() * (text.length + 1));
      const end = Math.min(text.length, start + Math.floor(next() * 6));
      document.applyChange({ range: { start: { line, character: start }, end: { line, character: end } }, text: EDITS[Math.floor(next() * EDITS.length)]! });
      const fresh = openDocument(file, document.getText());
      expect(lints(workspace, document), `round ${round}`).toEqual(lints(fresh.workspace, fresh.document));
      expect(inlayHints(workspace, document), `round ${round}`).toEqual(inlayHints(fresh.workspace, fresh.document));
      // Most of these edits keep every block's flow: only the edited block's component is analysed again.
      if (round % 5 === 4) expect(hovers(workspace, document), `round ${round}`).toEqual(hovers(fresh.workspace, fresh.document));
    }
  });

  it.each(runs)('matches a fresh analysis after label, constant, define and macro lines edited, inserted and removed in %s (run %s)', (file, run) => {
    const { workspace, document } = openDocument(file, readFileSync(file, 'utf8'));
    const next = random(seedOf(file) * 7 + 1 + 1000 * run);
    lints(workspace, document);
    for (let round = 0; round < 40; round++) {
      const structural: number[] = [];
      for (let line = 0; line < document.lineCount; line++) {
        const statement = document.statement(line);
        if (statement.label || statement.keyword?.name === '%define') structural.push(line);
      }
      const line = structural.length && next() < 0.7 ? structural[Math.floor(next() * structural.length)]! : Math.floor(next() * document.lineCount);
      const text = document.lineText(line);
      const edit = STRUCTURAL_EDITS[Math.floor(next() * STRUCTURAL_EDITS.length)]!;
      const how = next();
      if (how < 0.15 && line + 1 < document.lineCount) {
        // The whole line removed, its break too: every line after moves up.
        document.applyChange({ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' });
      } else if (how < 0.4) {
        // A new line inserted before it (a label, constant, %define or a macro definition): every line after moves down.
        const inserted = next() < 0.2 ? `%macro added_${round} 0\n  nop\n%endmacro` : edit(text, next);
        document.applyChange({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `${inserted}\n` });
      } else {
        document.applyChange({ range: { start: { line, character: 0 }, end: { line, character: text.length } }, text: edit(text, next) });
      }
      const fresh = openDocument(file, document.getText());
      expect(lints(workspace, document), `round ${round}`).toEqual(lints(fresh.workspace, fresh.document));
      expect(inlayHints(workspace, document), `round ${round}`).toEqual(inlayHints(fresh.workspace, fresh.document));
      // A renamed label nothing jumps to keeps the program's flow: only its component runs again.
      if (round % 5 === 4) expect(hovers(workspace, document), `round ${round}`).toEqual(hovers(fresh.workspace, fresh.document));
    }
  });

  const includers = files.filter((file) => /^%include\s/m.test(readFileSync(file, 'utf8')));
  it.each(includers)('matches a fresh analysis of %s after its included files are edited', (file) => {
    const text = readFileSync(file, 'utf8');
    const included = [...text.matchAll(/^%include\s+"([^"]+)"/gm)].map((m) => path.join(path.dirname(file), m[1]!));
    const { workspace, document } = openDocument(file, text);
    const includes = included.map((name) => workspace.open(pathToUri(name), readFileSync(name, 'utf8'), 1));
    const next = random(seedOf(file) * 13 + 5);
    lints(workspace, document);
    for (let round = 0; round < 30; round++) {
      const edited = includes[Math.floor(next() * includes.length)]!;
      const line = Math.floor(next() * edited.lineCount);
      const typed = INCLUDE_EDITS[Math.floor(next() * INCLUDE_EDITS.length)]!;
      const how = next();
      if (how < 0.2 && line + 1 < edited.lineCount) edited.applyChange({ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' });
      else if (how < 0.5) edited.applyChange({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `${typed}\n` });
      else edited.applyChange({ range: { start: { line, character: 0 }, end: { line, character: edited.lineText(line).length } }, text: typed });
      const fresh = new Workspace();
      for (const include of includes) fresh.open(include.uri, include.getText(), 1);
      const freshDocument = fresh.open(document.uri, document.getText(), 1);
      expect(lints(workspace, document), `round ${round}`).toEqual(lints(fresh, freshDocument));
      expect(inlayHints(workspace, document), `round ${round}`).toEqual(inlayHints(fresh, freshDocument));
      if (round % 3 === 2) expect(hovers(workspace, document), `round ${round}`).toEqual(hovers(fresh, freshDocument));
    }
  });
});

/** The oracle: the text an editor holds after an LSP change, with \r\n, \r and \n each one line break. */
function applyToText(text: string, change: { range: { start: Position; end: Position }; text: string }): string {
  const offset = ({ line, character }: Position) => {
    const breaks = /\r\n|\r|\n/g;
    let start = 0;
    for (let l = 0; l < line; l++) {
      const found = breaks.exec(text);
      if (!found) return text.length;
      start = found.index + found[0].length;
    }
    const end = breaks.exec(text)?.index ?? text.length;
    return Math.min(start + character, end);
  };
  return text.slice(0, offset(change.range.start)) + change.text + text.slice(offset(change.range.end));
}

interface Position { line: number; character: number }

/** A realistic program: messages with their `$ - msg` lengths apart, a loop, a procedure; `copies` times. */
function program(copies: number): string {
  const unit = (i: number) => [
    `section .data`,
    `msg_${i}: db "message ${i}", 10`,
    ``,
    `msg_${i}_len equ $ - msg_${i}`,
    `table_${i}: dq 1, 2, 3`,
    ``,
    `table_${i}_size equ $ - table_${i}`,
    `section .text`,
    `print_${i}:`,
    `  mov eax, 1`,
    `  mov edi, 1`,
    `  lea rsi, [rel msg_${i}]`,
    `  mov edx, msg_${i}_len`,
    ``,
    `  syscall`,
    `  mov ecx, table_${i}_size`,
    `.again:`,
    `  dec ecx`,
    `  jnz .again`,
    `  ret`,
  ];
  return ['global _start', 'section .text', '_start:', '  call print_0', '  mov eax, 60', '  xor edi, edi', '  syscall',
    ...Array.from({ length: copies }, (_, i) => unit(i)).flat(), ''].join('\n');
}

const SNIPPETS = ['', 'mov eax, 1', '  nop', 'db 0', '; note', 'x: db "ab"', 'mov edx, $ - msg_0', 'jmp $', 'syscall', '  push rax\n  pop rax'];

function expectSameAsFresh(workspace: ReturnType<typeof openDocument>['workspace'], document: ReturnType<typeof openDocument>['document'], text: string, what: string): void {
  const fresh = openDocument(FILE, text);
  const lines = (d: typeof document) => Array.from({ length: d.lineCount }, (_, line) => d.lineText(line));
  expect(lines(document), what).toEqual(lines(fresh.document));
  expect(lints(workspace, document), what).toEqual(lints(fresh.workspace, fresh.document));
  expect(inlayHints(workspace, document), what).toEqual(inlayHints(fresh.workspace, fresh.document));
}

const FILE = path.join(FIXTURES, 'generated.asm');

describe('incremental equals fresh', () => {
  it('`len equ $ - msg` follows an instruction typed on the blank line between, and its removal', () => {
    let text = program(1);
    const { workspace, document } = openDocument(FILE, text);
    const blank = text.split('\n').indexOf('', 9);
    expect(inlayHints(workspace, document).map((h) => h.label)).toContain('write(1, msg_0, 10)');
    for (const typed of ['m', 'ov eax, 1']) {
      const change = { range: { start: { line: blank, character: document.lineText(blank).length }, end: { line: blank, character: document.lineText(blank).length } }, text: typed };
      document.applyChange(change);
      text = applyToText(text, change);
      expectSameAsFresh(workspace, document, text, `after typing ${typed}`);
    }
    expect(inlayHints(workspace, document).map((h) => h.label)).not.toContain('write(1, msg_0, 10)');
    const clear = { range: { start: { line: blank, character: 0 }, end: { line: blank, character: document.lineText(blank).length } }, text: '' };
    document.applyChange(clear);
    expectSameAsFresh(workspace, document, applyToText(text, clear), 'after clearing the line');
    expect(inlayHints(workspace, document).map((h) => h.label)).toContain('write(1, msg_0, 10)');
  });

  it('a \\r inserted before an existing \\n joins it in one line break, and other CR/LF edits keep the lines', () => {
    let text = program(2);
    const { workspace, document } = openDocument(FILE, text);
    const next = random(11);
    const edits: ((line: number) => { range: { start: Position; end: Position }; text: string })[] = [
      (line) => ({ range: { start: { line, character: document.lineText(line).length }, end: { line, character: document.lineText(line).length } }, text: '\r' }),
      (line) => ({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '\n' }),
      (line) => ({ range: { start: { line, character: document.lineText(line).length }, end: { line: line + 1, character: 0 } }, text: '\r\n' }),
      (line) => ({ range: { start: { line, character: document.lineText(line).length }, end: { line: line + 1, character: 0 } }, text: '\r' }),
      (line) => ({ range: { start: { line, character: document.lineText(line).length }, end: { line: line + 1, character: 0 } }, text: '' }),
      (line) => ({ range: { start: { line, character: 1 }, end: { line, character: 1 } }, text: '\r\n  nop\r' }),
    ];
    for (let round = 0; round < 150; round++) {
      const line = Math.floor(next() * (document.lineCount - 1));
      const change = edits[Math.floor(next() * edits.length)]!(line);
      document.applyChange(change);
      text = applyToText(text, change);
      expectSameAsFresh(workspace, document, text, `round ${round}: ${JSON.stringify(change)}`);
    }
    expect(text).toMatch(/\r\n/);
    expect(text).toMatch(/[^\r]\n|\r[^\n]/);
  });

  it('turns blank lines into instructions and back, at random, anywhere', () => {
    let text = program(3);
    const { workspace, document } = openDocument(FILE, text);
    const next = random(5);
    for (let round = 0; round < 80; round++) {
      const blanks = Array.from({ length: document.lineCount }, (_, l) => l).filter((l) => document.lineText(l).trim() === '');
      const line = blanks.length && next() < 0.6 ? blanks[Math.floor(next() * blanks.length)]! : Math.floor(next() * document.lineCount);
      const blank = document.lineText(line).trim() === '';
      const change = { range: { start: { line, character: 0 }, end: { line, character: document.lineText(line).length } }, text: blank ? SNIPPETS[1 + Math.floor(next() * (SNIPPETS.length - 1))]! : '' };
      document.applyChange(change);
      text = applyToText(text, change);
      expectSameAsFresh(workspace, document, text, `round ${round}`);
    }
  });

  it('follows multi-line replacements on a 50 000-line file', () => {
    let text = program(2_500);
    const { workspace, document } = openDocument(FILE, text);
    expect(document.lineCount).toBeGreaterThan(50_000);
    lints(workspace, document);
    const next = random(3);
    for (let round = 0; round < 3; round++) {
      const line = Math.floor(next() * (document.lineCount - 30));
      const span = Math.floor(next() * 25);
      const replacement = Array.from({ length: Math.floor(next() * 5) }, () => SNIPPETS[Math.floor(next() * SNIPPETS.length)]!).join('\n');
      const change = { range: { start: { line, character: Math.floor(next() * 3) }, end: { line: line + span, character: Math.floor(next() * 6) } }, text: replacement };
      document.applyChange(change);
      text = applyToText(text, change);
      expectSameAsFresh(workspace, document, text, `round ${round}`);
    }
  }, 180_000);
});
