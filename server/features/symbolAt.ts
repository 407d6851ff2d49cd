// The word under the cursor and what it names.
import type { AsmDocument } from '../../nasm/document/document';
import type { Token } from '../../nasm/parser/tokens';

export function tokenAt(document: AsmDocument, line: number, character: number): Token | undefined {
  const statement = document.statement(line);
  // The end column counts too, so a cursor just after a word still finds it.
  return statement.tokens.find((t) => t.start <= character && character <= t.end && t.kind !== 'operator');
}

/** Identifiers that can name a symbol (not numbers, strings, registers or keywords). */
export function symbolTokenAt(document: AsmDocument, line: number, character: number): Token | undefined {
  const token = tokenAt(document, line, character);
  return token?.kind === 'identifier' ? token : undefined;
}

/** The comment lines directly above `line` (a label's documentation). */
export function commentBlockAbove(document: AsmDocument, line: number): string {
  const lines: string[] = [];
  for (let l = line - 1; l >= 0 && lines.length < 20; l--) {
    const statement = document.statement(l);
    if (statement.kind !== 'empty' || !statement.comment) break;
    lines.unshift(statement.comment.text.replace(/^;+\s?/, ''));
  }
  return lines.join('\n');
}
