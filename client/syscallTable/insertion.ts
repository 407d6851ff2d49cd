// Where and how the table's Insert puts a call into NASM source: at the indentation the code
// around the cursor uses, so the inserted lines line up with their neighbours. vscode-free.

const LABEL_ONLY = /^\s*[\w.$?@]+:\s*(;.*)?$/;

function indentationOf(line: string): string {
  return /^\s*/.exec(line)![0];
}

/**
 * The indentation for instructions at `line` (0-based): the line's own when it has an instruction,
 * else that of the nearest instruction line above, else below (labels do not count: `_start:`
 * sits at column 0 above indented code).
 */
export function instructionIndentation(lines: readonly string[], line: number): string {
  const isInstruction = (text: string | undefined) => text !== undefined && text.trim() !== '' && !LABEL_ONLY.test(text) && !/^\s*;/.test(text);
  if (isInstruction(lines[line])) return indentationOf(lines[line]!);
  for (let i = line - 1; i >= 0; i--) if (isInstruction(lines[i])) return indentationOf(lines[i]!);
  for (let i = line + 1; i < lines.length; i++) if (isInstruction(lines[i])) return indentationOf(lines[i]!);
  return '';
}

/**
 * The text to insert for `callLines` with the cursor on `line`: a blank line is replaced by the call;
 * otherwise the call goes on new lines below it. Every line gets the instruction indentation.
 */
export function callInsertion(lines: readonly string[], line: number, callLines: readonly string[]): { replaceLine: boolean; text: string } {
  const indent = instructionIndentation(lines, line);
  const body = callLines.map((text) => indent + text).join('\n');
  const blank = (lines[line] ?? '').trim() === '';
  return blank ? { replaceLine: true, text: body } : { replaceLine: false, text: `\n${body}` };
}
