// The NASM and strace grammars, run through VS Code's own TextMate engine over annotated fixtures.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gprNames } from '../../../x86';
import { checkAssertions, contributedGrammars, loadGrammar, parseFixture, scopesAt, tokenizeLines } from './textmate';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/grammar');

const GRAMMARS = [
  { scopeName: 'source.asm.nasm', extension: '.asm', marker: ';' },
  { scopeName: 'source.strace', extension: '.strace', marker: '##' },
];

describe('the manifest contributes both grammars', () => {
  it.each(GRAMMARS)('$scopeName is contributed for a language with a file that exists', ({ scopeName }) => {
    const contribution = contributedGrammars().get(scopeName);
    expect(contribution).toBeDefined();
    const grammar = JSON.parse(readFileSync(path.join(ROOT, contribution!.path), 'utf8'));
    expect(grammar.scopeName).toBe(scopeName);
  });
});

for (const { scopeName, extension, marker } of GRAMMARS) {
  const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith(extension)).sort();
  describe(`${scopeName} scopes`, () => {
    it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(0));
    it.each(fixtures)('%s', async (name) => {
      const fixture = parseFixture(readFileSync(path.join(FIXTURES, name), 'utf8'), marker);
      expect(fixture.assertions.length).toBeGreaterThan(0);
      const tokens = tokenizeLines(await loadGrammar(scopeName), fixture.sourceLines);
      expect(checkAssertions(fixture, tokens)).toEqual([]);
    });
  });
}

describe('the examples highlight cleanly', () => {
  const examples = readdirSync(path.join(ROOT, 'examples')).filter((name) => name.endsWith('.asm'));
  it.each(examples)('%s has no invalid tokens and every syscall gate is marked', async (name) => {
    const lines = readFileSync(path.join(ROOT, 'examples', name), 'utf8').split('\n');
    const tokens = tokenizeLines(await loadGrammar('source.asm.nasm'), lines);
    const invalid = tokens.flat().filter((token) => token.scopes.some((scope) => scope.startsWith('invalid')));
    expect(invalid).toEqual([]);
    const gates = lines.flatMap((line, index) => /^\s+(syscall|int\s+0x80)\b/.test(line) ? [index] : []);
    expect(gates.length).toBeGreaterThan(0);
    for (const index of gates) {
      const gate = lines[index]!.trim().split(/\s+/)[0]!;
      expect(scopesAt(tokens[index]!, lines[index]!, gate)).toContain('keyword.other.instruction.syscall.nasm');
    }
  });
});

describe('the NASM grammar knows every register name the x86 table knows', () => {
  it('colours each general-purpose name and alias, at any case, as a general-purpose register', async () => {
    const grammar = await loadGrammar('source.asm.nasm');
    const names = gprNames().flatMap((name) => [name, name.toUpperCase()]);
    const lines = names.map((name) => `  mov ${name}, 0`);
    const tokens = tokenizeLines(grammar, lines);
    const missed = names.filter((name, i) => !scopesAt(tokens[i]!, lines[i]!, name).includes('variable.language.register.general-purpose.nasm'));
    expect(missed).toEqual([]);
  });
});
