// Column alignment: labels at 0, mnemonics at 8, operands at 16, comments at 40. Idempotent:
// formatting formatted text changes nothing.
//
// The formatter only moves the whitespace between tokens it understands, and proves it on every line:
// the laid-out line must tokenize to the same tokens, with a gap exactly where the original had one
// (`lbl_%1:` stays glued). Macro bodies, continued lines and macro-call operand lists are never
// re-laid out: their tokens mean what the preprocessor makes of them, not what a line parser sees.
import type { AsmDocument } from '../../nasm/document/document';
import { LINE_IN_MACRO } from '../../nasm/document/structure';
import type { Statement } from '../../nasm/parser/statement';
import { tokenizeLine, type Token } from '../../nasm/parser/tokens';

export interface FormatColumns { mnemonic: number; operands: number; comment: number }
export const DEFAULT_COLUMNS: FormatColumns = { mnemonic: 8, operands: 16, comment: 40 };

/** Lines longer than this are left alone: nobody lays out a generated megabyte line. */
const MAX_FORMATTED_LINE = 10_000;

function padTo(text: string, column: number): string {
  return text.length < column ? text + ' '.repeat(column - text.length) : text + ' ';
}

/** The statement's words up to its operands: `rep movsb`, `times 4 db`, `lock xadd`. */
function head(line: string, from: number, to: number): string {
  return line.slice(from, to).replace(/\s+/g, ' ');
}

function layoutLine(line: string, statement: Statement, columns: FormatColumns): string {
  const trimmedEnd = line.replace(/\s+$/, '');
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
  const keyword = statement.keyword;
  const simple = keyword && !statement.times && (statement.prefix ?? keyword).start === restStart;
  // Operands start right after the keyword: what lies between is kept (a macro call's first comma too).
  const operands = keyword && bodyEnd > keyword.end ? line.slice(keyword.end, bodyEnd).trimStart() : '';
  if (simple && operands) {
    text = padTo(padTo(text, columns.mnemonic) + head(line, restStart, keyword.end), columns.operands) + operands;
  } else {
    text = padTo(text, columns.mnemonic) + line.slice(restStart, bodyEnd);
  }
  return comment ? padTo(text, columns.comment) + comment : text;
}

/** Same tokens, and two tokens are separated by blanks in one line exactly when they are in the other. */
function sameTokens(before: readonly Token[], after: readonly Token[]): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < before.length; i++) {
    const a = before[i]!;
    const b = after[i]!;
    const text = a.kind === 'comment' ? a.text.trimEnd() : a.text;
    if (text !== (b.kind === 'comment' ? b.text.trimEnd() : b.text)) return false;
    if (i > 0 && (a.start === before[i - 1]!.end) !== (b.start === after[i - 1]!.end)) return false;
  }
  return true;
}

/** `\` at the end continues a line: both it and the line it continues into are kept as written. */
function continues(line: string): boolean {
  return /\\\s*$/.test(line);
}

export interface LineEdit { line: number; newText: string; oldLength: number }

export interface FormatContext {
  /** Whether a name is a macro visible in the document (its own or an included file's). */
  isMacro?: (name: string) => boolean;
}

/** `twice nop, ret`: the line parser sees a label `twice` before `nop`, the document knows `twice` is a macro. */
function isMacroCallTakenForLabel(statement: Statement, document: AsmDocument, context: FormatContext): boolean {
  const label = statement.label;
  if (!label || label.colon || label.start !== statement.tokens[0]?.start) return false;
  return document.structure.macros.has(label.text) || !!context.isMacro?.(label.text);
}

function formatLine(document: AsmDocument, line: number, columns: FormatColumns, context: FormatContext): string {
  const text = document.lineText(line);
  if (text.length > MAX_FORMATTED_LINE || (document.structure.lineFlags[line]! & LINE_IN_MACRO)) return text;
  if (continues(text) || (line > 0 && continues(document.lineText(line - 1)))) return text;
  const statement = document.statement(line);
  if (statement.tokens.some((t) => t.unterminated)) return text.trimEnd();
  if (isMacroCallTakenForLabel(statement, document, context)) {
    // Only the indentation moves; the call and its operand list stay exactly as written.
    const indented = ' '.repeat(columns.mnemonic) + text.trim();
    return sameTokens(tokenizeLine(text), tokenizeLine(indented)) ? indented : text;
  }
  const formatted = layoutLine(text, statement, columns);
  return formatted === text || sameTokens(tokenizeLine(text), tokenizeLine(formatted)) ? formatted : text;
}

/** Edits that re-lay-out lines [from, to]; unchanged lines produce no edit. */
export function formatLines(
  document: AsmDocument, from = 0, to = document.lineCount - 1, columns = DEFAULT_COLUMNS, context: FormatContext = {},
): LineEdit[] {
  const edits: LineEdit[] = [];
  const last = Math.min(to, document.lineCount - 1);
  for (let line = Math.max(0, from); line <= last; line++) {
    const text = document.lineText(line);
    const formatted = formatLine(document, line, columns, context);
    if (formatted !== text) edits.push({ line, newText: formatted, oldLength: text.length });
  }
  return edits;
}
