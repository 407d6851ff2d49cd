// Hover text for a label, constant, macro or struc: its value, data preview and the comment above it.
import type { AsmDocument } from '../../nasm/document/document';
import type { Workspace } from '../workspace';
import { renderBytes } from '../../nasm/byteString';
import { commentBlockAbove } from './symbolAt';

function sourceLine(document: AsmDocument, line: number): string {
  const statement = document.statement(line);
  const text = document.lineText(line);
  return (statement.comment ? text.slice(0, statement.comment.start) : text).trim();
}

export function describeSymbol(workspace: Workspace, document: AsmDocument, name: string, line: number): string | undefined {
  const found = workspace.findDefinitions(document, name, line)[0];
  const macro = workspace.macro(document, name);
  if (!found && !macro) {
    if (document.structure.externs.has(name)) return `**${name}** — extern: defined in another object file`;
    return undefined;
  }
  const where = found ? found.document : document;
  const symbol = found?.symbol;
  const defLine = symbol?.line ?? macro!.line;
  const parts: string[] = [];
  const header = '```nasm\n' + sourceLine(where, defLine) + '\n```';
  parts.push(header);
  if (symbol?.kind === 'constant' || symbol?.kind === 'define') {
    const value = workspace.constantValue(where, symbol.name, defLine);
    if (value?.kind === 'number') parts.push(`Value: \`${value.value}\` (\`0x${value.value.toString(16)}\`)`);
    else if (value?.kind === 'address') parts.push(`Value: address of \`${value.anchor}\`${value.offset ? ` + ${value.offset}` : ''}`);
  }
  if (symbol?.kind === 'field') {
    const offset = where.structure.fieldOffsets.get(symbol.name);
    if (offset !== undefined) parts.push(`Offset ${offset} in \`${symbol.parent}\``);
  }
  if (symbol?.kind === 'struc') {
    const size = where.structure.fieldOffsets.get(`${symbol.name}_size`);
    if (size !== undefined) parts.push(`Size: ${size} bytes (\`${symbol.name}_size\`)`);
  }
  if (symbol && (symbol.kind === 'label' || symbol.kind === 'localLabel')) {
    const data = where.structure.labelData.get(symbol.name);
    if (data !== undefined) parts.push(`${data.length} bytes: \`${renderBytes(data, { limit: 120 })}\``);
    const section = [...where.structure.sections].reverse().find((s) => s.line < defLine);
    if (section) parts.push(`In section \`${section.name}\``);
    if (where.structure.globals.has(symbol.name)) parts.push('Exported with `global`.');
  }
  if (macro && !symbol) parts.push(`Macro with ${macro.parameterText} parameter${macro.parameterText === '1' ? '' : 's'}.`);
  const comment = commentBlockAbove(where, defLine) || (where.statement(defLine).comment?.text.replace(/^;+\s?/, '') ?? '');
  if (comment) parts.push(comment);
  if (where !== document) parts.push(`Defined in \`${where.uri.split('/').pop()}\`, line ${defLine + 1}.`);
  return parts.join('\n\n');
}
