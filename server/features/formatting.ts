// Column alignment: labels at 0, mnemonics at 8, operands at 16, comments at 40. Idempotent:
// formatting formatted text changes nothing. Lines it cannot safely re-lay-out are kept as written.
import type { AsmDocument } from '../../nasm/document/document';
import type { Statement } from '../../nasm/parser/statement';

export interface FormatColumns { mnemonic: number; operands: number; comment: number }
export const DEFAULT_COLUMNS: FormatColumns = { mnemonic: 8, operands: 16, comment: 40 };

function padTo(text: string, column: number): string {
  return text.length < column ? text + ' '.repeat(column - text.length) : text + ' ';
}

function layoutLine(line: string, statement: Statement, columns: FormatColumns): string {
  const trimmedEnd = line.replace(/\s+$/, '');
  if (statement.tokens.some((t) => t.unterminated) || /\\$/.test(trimmedEnd)) return trimmedEnd;
  const comment = statement.comment?.text.replace(/\s+$/, '');
  if (statement.kind === 'empty') {
    if (!comment) return '';
    // A comment line keeps its own indentation: a header at column 0, a note in code indented.
    return line.slice(0, statement.comment!.start).length === 0 ? comment : ' '.repeat(columns.mnemonic) + comment;
  }
  if (statement.kind === 'preprocessor') return trimmedEnd.replace(/^\s+/, '');
  const tokens = statement.tokens;
  let text = '';
  let restStart = tokens[0]!.start;
  if (statement.label) {
    const labelEnd = statement.label.colon ? tokens[1]!.end : statement.label.end;
    text = line.slice(statement.label.start, labelEnd);
    const next = tokens.find((t) => t.start >= labelEnd);
    if (!next) return text + (comment ? ' ' + comment : '');
    restStart = next.start;
  }
  const bodyEnd = tokens[tokens.length - 1]!.end;
  const firstOperand = statement.operands[0];
  const simple = statement.keyword && !statement.times && (statement.prefix ?? statement.keyword).start === restStart;
  if (simple && firstOperand) {
    const head = line.slice(restStart, statement.keyword!.end).replace(/\s+/g, ' ');
    text = padTo(padTo(text, columns.mnemonic) + head, columns.operands) + line.slice(firstOperand.start, bodyEnd);
  } else {
    text = padTo(text, columns.mnemonic) + line.slice(restStart, bodyEnd);
  }
  return comment ? padTo(text, columns.comment) + comment : text;
}

export interface LineEdit { line: number; newText: string; oldLength: number }

/** Edits that re-lay-out lines [from, to]; unchanged lines produce no edit. */
export function formatLines(document: AsmDocument, from = 0, to = document.lineCount - 1, columns = DEFAULT_COLUMNS): LineEdit[] {
  const edits: LineEdit[] = [];
  const last = Math.min(to, document.lineCount - 1);
  for (let line = Math.max(0, from); line <= last; line++) {
    const text = document.lineText(line);
    if (text.length > 10_000) continue;
    const formatted = layoutLine(text, document.statement(line), columns);
    if (formatted !== text) edits.push({ line, newText: formatted, oldLength: text.length });
  }
  return edits;
}
