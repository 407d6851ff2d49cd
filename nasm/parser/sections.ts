// `section .data`, `segment .bss`, `[section .text]`: the one place that recognises a section switch.
import { parseLine, type Statement } from './statement';

/** The section a statement switches to (`.note.GNU-stack` whole, attributes dropped), if it is a section directive. */
export function sectionSwitch(statement: Statement): string | undefined {
  const keyword = statement.keyword?.name;
  if (statement.kind !== 'directive' || (keyword !== 'section' && keyword !== 'segment')) return undefined;
  // A section name runs to the next blank, though the tokenizer splits it at `-`.
  return /^[^\s\]]+/.exec(statement.operands[0]?.text ?? '')?.[0];
}

/** The same for one raw source line (such as the source column of a listing). */
export function sectionSwitchOfLine(line: string): string | undefined {
  return sectionSwitch(parseLine(line));
}
