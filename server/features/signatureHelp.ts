// Signature help for macro parameters and for the syscall whose registers are being set up.
import { argumentIndexOfRegister, declaration, type SyscallInfo } from '../../syscalls';
import type { AsmDocument } from '../../nasm/document/document';
import type { Workspace } from '../workspace';
import { evaluateExpression } from '../../nasm/parser/expression';
import { resolveSite } from './syscallFacts';

export interface Signature {
  label: string;
  parameters: string[];
  activeParameter: number;
  documentation?: string;
}

function commaIndex(text: string): number {
  let depth = 0;
  let count = 0;
  let quote = '';
  for (const c of text) {
    if (quote) { if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if ((c === ']' || c === ')') && depth > 0) depth--;
    else if (c === ',' && depth === 0) count++;
  }
  return count;
}

/** The syscall a block is setting up: from the next syscall in the block, or from the number set so far. */
function syscallBeingSetUp(workspace: Workspace, document: AsmDocument, line: number): SyscallInfo | undefined {
  const block = workspace.analysis(document).blockAt(line);
  const next = block.sites.find((s) => s.line >= line);
  if (next) return resolveSite(next).syscall;
  const environment = workspace.environment(document);
  for (let l = line - 1; l >= block.start; l--) {
    const statement = document.statement(l);
    const [dst, src] = statement.operands;
    if (statement.keyword?.name !== 'mov' || dst?.register?.family !== 'rax' || !src) continue;
    const value = evaluateExpression(src.tokens, { resolve: (n) => environment.resolve(n, l)?.value });
    if (value?.kind !== 'number') return undefined;
    return resolveSite({ line, start: 0, end: 0, instruction: 'syscall', abi: 'x86_64', registers: new Map([['rax', { value, setter: { line: l, register: 'rax', registerStart: 0, registerEnd: 0, literal: true } }]]) }).syscall;
  }
  return undefined;
}

export function signatureHelp(workspace: Workspace, document: AsmDocument, line: number, character: number): Signature | undefined {
  const statement = document.statement(line);
  const before = document.lineText(line).slice(0, character);
  const head = statement.keyword;
  if (head && statement.kind === 'macroCall' && character > head.end) {
    const macro = workspace.macro(document, head.text);
    if (!macro) return undefined;
    const count = macro.maxParameters === Infinity ? Math.max(macro.minParameters, 1) : macro.maxParameters;
    const parameters = Array.from({ length: count }, (_, i) => `%${i + 1}${i >= macro.minParameters ? '?' : ''}${macro.greedy && i === count - 1 ? '+' : ''}`);
    const active = Math.min(commaIndex(before.slice(head.end)), Math.max(0, count - 1));
    return { label: `${macro.name} ${parameters.join(', ')}`, parameters, activeParameter: active, documentation: `macro with ${macro.parameterText} parameter(s)` };
  }
  const register = statement.operands[0]?.register;
  if (statement.kind === 'instruction' && register?.family && character > statement.operands[0]!.end) {
    const index = argumentIndexOfRegister('x86_64', register.name);
    const isNumber = register.family === 'rax';
    if (index === undefined && !isNumber) return undefined;
    const syscall = syscallBeingSetUp(workspace, document, line);
    if (!syscall) return undefined;
    const parameters = syscall.params.map(declaration);
    return {
      label: `${syscall.name}(${parameters.join(', ')})`, parameters,
      activeParameter: isNumber ? -1 : index!, ...(syscall.summary ? { documentation: syscall.summary } : {}),
    };
  }
  return undefined;
}
