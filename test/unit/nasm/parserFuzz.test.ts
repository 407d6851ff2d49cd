// The parser and every analysis on top of it never throw and never hang, whatever the input.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { completions } from '../../../server/features/completion';
import { foldingRanges } from '../../../server/features/folding';
import { formatLines } from '../../../server/features/formatting';
import { hoverAt } from '../../../server/features/hover';
import { semanticTokens } from '../../../server/features/semanticTokens';
import { signatureHelp } from '../../../server/features/signatureHelp';
import { parseLine } from '../../../nasm/parser/statement';
import { EXAMPLES, FIXTURES, inlayHints, lints, openDocument } from '../server/helpers';

/** A small deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ' \t;:,[]()+-*/%$"\'`\\.#@~?_0123456789abcdefxhqoby\0\n\r\u00e9\ud83d\ude00%%';
const WORDS = ['mov', 'rax', 'eax', 'syscall', 'int', '0x80', '%macro', '%endmacro', '%if', '%endif', '%include', 'equ', '$', '$$',
  'db', 'times', 'struc', 'endstruc', 'section', '.text', '.loop:', 'label:', 'lea', '[rel', 'msg]', 'push', 'pop', 'xor', '"', '`', ',', '%define', 'bits', '32'];

function randomText(next: () => number, length: number): string {
  let text = '';
  while (text.length < length) {
    text += next() < 0.5 ? ALPHABET[Math.floor(next() * ALPHABET.length)] : WORDS[Math.floor(next() * WORDS.length)] + (next() < 0.5 ? ' ' : '');
  }
  return text;
}

function exercise(text: string): void {
  const { workspace, document } = openDocument('fuzz.asm', text);
  lints(workspace, document);
  inlayHints(workspace, document);
  semanticTokens(workspace, document);
  foldingRanges(document);
  formatLines(document);
  const next = random(text.length);
  for (let i = 0; i < 20; i++) {
    const line = Math.floor(next() * document.lineCount);
    const character = Math.floor(next() * (document.lineText(line).length + 1));
    hoverAt(workspace, document, line, character);
    completions(workspace, document, line, character);
    signatureHelp(workspace, document, line, character);
  }
  // Random edits, then everything again on the edited model.
  for (let i = 0; i < 10; i++) {
    const line = Math.floor(next() * document.lineCount);
    const character = Math.floor(next() * (document.lineText(line).length + 1));
    document.applyChange({ range: { start: { line, character }, end: { line: line + Math.floor(next() * 2), character: 3 } }, text: randomText(next, 10) });
    lints(workspace, document);
  }
}

describe('parser fuzzing', () => {
  it('never throws on arbitrary strings', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const text = randomText(next, Math.floor(next() * 400));
      expect(() => exercise(text), `seed ${seed}`).not.toThrow();
    }
  });

  it('never throws on mutated real files', () => {
    const files = [
      ...readdirSync(FIXTURES).filter((f) => /\.(asm|inc)$/.test(f)).map((f) => path.join(FIXTURES, f)),
      ...readdirSync(EXAMPLES).filter((f) => f.endsWith('.asm')).map((f) => path.join(EXAMPLES, f)),
    ];
    let seed = 1000;
    for (const file of files) {
      const original = readFileSync(file, 'utf8');
      for (let round = 0; round < 15; round++) {
        const next = random(seed++);
        const chars = [...original];
        for (let m = 0; m < 1 + Math.floor(next() * 20); m++) {
          const at = Math.floor(next() * chars.length);
          const op = next();
          if (op < 0.33) chars.splice(at, 1 + Math.floor(next() * 5));
          else if (op < 0.66) chars.splice(at, 0, randomText(next, 1 + Math.floor(next() * 8)));
          else chars.splice(at, 0, ...chars.slice(Math.floor(next() * chars.length), Math.floor(next() * chars.length)));
        }
        const mutated = chars.join('');
        expect(() => exercise(mutated), `${path.basename(file)} seed ${seed - 1}`).not.toThrow();
      }
    }
  }, 120_000); // the corpus grows with every fixture: 15 mutations of each, on a shared 2-core CI machine

  // A quadratic parser would take minutes on these inputs; the test's time limit is the bound.
  it('handles NUL bytes, a 1 MB line, unterminated strings and macros in bounded time', () => {
    exercise('\0\0mov\0rax,\0 60\n\0syscall\0');
    exercise(`msg db "${'x'.repeat(1 << 20)}`);
    exercise(`  mov rax, ${'('.repeat(50_000)}1`);
    exercise(`${'1e+'.repeat(300_000)}`);
    exercise('%macro never_closed 1\n  mov rax, %1\n  syscall\n');
    exercise('%if 1\n%if 0\n%else\n%elif\n%endif\n%endif\n%endif\n%else');
    exercise('a equ b\nb equ a\n  mov rax, a\n  syscall\n');
    expect(parseLine('x'.repeat(1 << 20)).label?.text.length).toBe(1 << 20);
  }, 60_000);
});
