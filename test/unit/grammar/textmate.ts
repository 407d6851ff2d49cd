// Runs our TextMate grammars through the same engine VS Code uses (vscode-textmate + the oniguruma
// WASM build) and checks scope assertions written into fixture files.
//
// Fixture format: source lines, each optionally followed by assertion lines that are NOT tokenized.
// An assertion line is the fixture's marker (`;` for NASM, `##` for strace) followed by carets under
// the columns of the nearest source line above, then the scopes every marked character must have,
// and optionally ` - ` and scopes none of them may have:
//
//         mov     rax, 1
//   ;     ^^^ keyword.other.instruction.nasm
//   ;             ^^^ variable.language.register - variable.other
//   ; <-- entity.name.function.label          (`<-` marks from column 0; one column per dash)
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const ROOT = path.resolve(__dirname, '../../..');

interface GrammarContribution { language: string; scopeName: string; path: string }

/** The grammars our manifest contributes, by scope name, so tests load exactly what VS Code loads. */
export function contributedGrammars(): Map<string, GrammarContribution> {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const grammars: GrammarContribution[] = manifest.contributes.grammars;
  return new Map(grammars.map((grammar) => [grammar.scopeName, grammar]));
}

let registry: textmate.Registry | undefined;

function loadRegistry(): textmate.Registry {
  if (registry) return registry;
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  const ready = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const grammars = contributedGrammars();
  registry = new textmate.Registry({
    onigLib: ready.then(() => ({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    })),
    loadGrammar: async (scopeName) => {
      const contribution = grammars.get(scopeName);
      if (!contribution) return null;
      const file = path.join(ROOT, contribution.path);
      return textmate.parseRawGrammar(readFileSync(file, 'utf8'), file);
    },
  });
  return registry;
}

export async function loadGrammar(scopeName: string): Promise<textmate.IGrammar> {
  const grammar = await loadRegistry().loadGrammar(scopeName);
  if (!grammar) throw new Error(`No grammar with scope ${scopeName} is contributed in package.json.`);
  return grammar;
}

export interface Token { startIndex: number; endIndex: number; text: string; scopes: string[] }

/** Tokenizes lines in order, carrying the grammar's state from one line to the next as VS Code does. */
export function tokenizeLines(grammar: textmate.IGrammar, lines: readonly string[]): Token[][] {
  let state = textmate.INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((token) => ({
      startIndex: token.startIndex,
      endIndex: token.endIndex,
      text: line.slice(token.startIndex, token.endIndex),
      scopes: token.scopes,
    }));
  });
}

export interface ScopeAssertion {
  /** 1-based line of the assertion in the fixture file, for messages. */
  fixtureLine: number;
  /** Index into the fixture's source lines. */
  sourceIndex: number;
  startColumn: number;
  endColumn: number;
  expected: string[];
  excluded: string[];
}

export interface Fixture { sourceLines: string[]; assertions: ScopeAssertion[] }

export function parseFixture(text: string, marker: string): Fixture {
  const escaped = marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const assertionLine = new RegExp(`^${escaped}(\\s*)(\\^+|<-*)\\s+(.+)$`);
  const sourceLines: string[] = [];
  const assertions: ScopeAssertion[] = [];
  text.split('\n').forEach((line, index) => {
    const match = assertionLine.exec(line);
    if (!match) {
      sourceLines.push(line);
      return;
    }
    if (sourceLines.length === 0) throw new Error(`Fixture line ${index + 1}: an assertion needs a source line above it.`);
    const [, gap, carets, scopes] = match;
    const fromStart = carets!.startsWith('<');
    const startColumn = fromStart ? 0 : marker.length + gap!.length;
    const width = fromStart ? Math.max(1, carets!.length - 1) : carets!.length;
    const [expected, excluded = ''] = scopes!.split(/(?:^|\s+)-\s+/);
    assertions.push({
      fixtureLine: index + 1,
      sourceIndex: sourceLines.length - 1,
      startColumn,
      endColumn: startColumn + width,
      expected: expected!.trim().split(/\s+/).filter(Boolean),
      excluded: excluded.trim().split(/\s+/).filter(Boolean),
    });
  });
  return { sourceLines, assertions };
}

/** A scope selector part matches a scope when it equals it or is a dot-separated prefix of it. */
function hasScope(scopes: readonly string[], wanted: string): boolean {
  return scopes.some((scope) => scope === wanted || scope.startsWith(`${wanted}.`));
}

/** Checks every assertion; returns one readable message per failure (empty when all hold). */
export function checkAssertions(fixture: Fixture, tokens: Token[][]): string[] {
  const failures: string[] = [];
  for (const assertion of fixture.assertions) {
    const line = fixture.sourceLines[assertion.sourceIndex]!;
    for (let column = assertion.startColumn; column < assertion.endColumn; column++) {
      const token = tokens[assertion.sourceIndex]!.find((t) => t.startIndex <= column && column < t.endIndex);
      const scopes = token?.scopes ?? [];
      const missing = assertion.expected.filter((scope) => !hasScope(scopes, scope));
      const present = assertion.excluded.filter((scope) => hasScope(scopes, scope));
      if (missing.length || present.length) {
        failures.push(
          `fixture line ${assertion.fixtureLine}, column ${column} of ${JSON.stringify(line)} ` +
          `(token ${JSON.stringify(token?.text ?? '')}): ` +
          (missing.length ? `missing ${missing.join(', ')}` : '') +
          (missing.length && present.length ? '; ' : '') +
          (present.length ? `unexpected ${present.join(', ')}` : '') +
          ` — has [${scopes.join(', ')}]`,
        );
        break;
      }
    }
  }
  return failures;
}

/** The scopes of the token covering the first occurrence of `text` on a line (for ad-hoc checks). */
export function scopesAt(tokens: Token[], line: string, text: string): string[] {
  const column = line.indexOf(text);
  if (column < 0) throw new Error(`${JSON.stringify(text)} does not occur in ${JSON.stringify(line)}`);
  return tokens.find((t) => t.startIndex <= column && column < t.endIndex)?.scopes ?? [];
}
