// Code action: replace a magic syscall number with a named constant, defining it once.
import type { BlockAnalysis } from '../analysis/dataflow';
import type { AsmDocument } from '../../nasm/document/document';
import type { Value } from '../../nasm/parser/expression';
import type { Edit } from './syscallLints';
import { consumedSetters } from './syscallFacts';

export interface NamedConstantAction { title: string; edits: Edit[] }

/** Where a new constant goes: after the file's opening comment block, before its first statement. */
function definitionLine(document: AsmDocument): number {
  for (let line = 0; line < document.lineCount; line++) {
    if (document.statement(line).kind !== 'empty') return line;
  }
  return document.lineCount;
}

export function namedConstantActions(
  block: BlockAnalysis, document: AsmDocument, fromLine: number, toLine: number,
  visibleConstant: (name: string) => Value | undefined,
): NamedConstantAction[] {
  const actions: NamedConstantAction[] = [];
  for (const { setter, role, resolved } of consumedSetters(block)) {
    if (role.kind !== 'number' || !setter.literal || !setter.source || !resolved.syscall) continue;
    if (setter.line < fromLine || setter.line > toLine) continue;
    const { name, number } = resolved.syscall;
    const constant = `SYS_${name}`;
    const existing = visibleConstant(constant);
    if (existing && !(existing.kind === 'number' && existing.value === BigInt(number))) continue;
    const edits: Edit[] = [{ line: setter.line, start: setter.source.start, end: setter.source.end, newText: constant }];
    if (!existing) {
      const line = definitionLine(document);
      edits.unshift({ line, start: 0, end: 0, newText: `${constant} equ ${number}\n` });
    }
    actions.push({ title: `Replace ${setter.source.text} with ${constant}${existing ? '' : ` (adds \`${constant} equ ${number}\`)`}`, edits });
  }
  return actions;
}
