// Every hover: syscall facts first, then symbols, instructions, registers and directives.
import type { AsmDocument } from '../../nasm/document/document';
import { instructionInfo, referenceUrl } from '../knowledge/instructions';
import { DIRECTIVE_DOCS } from '../knowledge/directives';
import { REGISTER_ROLES } from '../knowledge/registers';
import { renderText } from '../../nasm/byteString';
import { REGISTERS } from '../../nasm/parser/vocabulary';
import { viewsOf } from '../../x86';
import { uriToPath, type Workspace } from '../workspace';
import { hoverOnCall, hoverOnSetter, hoverOnSyscall, type HoverResult, type SyscallHoverOptions } from './syscallHover';
import { programView } from './syscallFacts';
import { tokenAt } from './symbolAt';
import { describeSymbol } from './symbolDescription';

function registerHover(name: string): string | undefined {
  const info = REGISTERS.get(name);
  if (!info) return undefined;
  if (!info.family) return `**${name}** — ${info.bits}-bit register`;
  const aliases = viewsOf(info.family)
    .map((r) => `\`${r.name}\` (${r.bits}${r.shift ? ', bits 8–15' : ''})`).join(', ');
  const role = REGISTER_ROLES[info.family];
  const write32 = info.bits === 32 ? '\n\nWriting it zero-extends into the whole 64-bit register.' : info.bits < 32 ? `\n\nWriting it leaves the other bits of ${info.family} unchanged.` : '';
  return [
    `**${name}** — ${info.bits}-bit${info.family !== name ? ` part of ${info.family}` : ' general-purpose register'}`,
    '', `Sizes: ${aliases}`, '',
    `- Syscalls: ${role.syscall}`,
    `- Function calls (System V): ${role.functionCall}`,
    `- ${role.calleeSaved ? 'Callee-saved: a function must preserve it' : 'Caller-saved: a call may change it'}`,
  ].join('\n') + write32;
}

function instructionHover(mnemonic: string): string | undefined {
  const found = instructionInfo(mnemonic);
  if (!found) return undefined;
  const { key, info } = found;
  return [`**${mnemonic}** — ${info.summary}`, '', '```nasm', ...info.forms, '```', `[Reference: ${key}](${referenceUrl(key, info)})`].join('\n');
}

export function hoverAt(workspace: Workspace, document: AsmDocument, line: number, character: number): HoverResult | undefined {
  const statement = document.statement(line);
  const labelData = (label: string) => document.structure.labelData.get(label);
  const keyword = statement.keyword;
  const head = keyword ?? (statement.kind === 'label' ? statement.label : undefined);
  const inStatement = head && character >= (keyword ? statement.label?.end ?? head.start : head.start)
    && character <= (statement.operands.at(-1)?.end ?? head.end);
  if (inStatement && (statement.kind === 'instruction' || statement.kind === 'macroCall' || statement.kind === 'label')) {
    const options: SyscallHoverOptions = { labelData, view: programView(workspace.analysis(document).program()) };
    const hover = hoverOnSyscall(line, options)
      ?? (statement.keyword?.name === 'call' ? hoverOnCall(line, head.start, statement.operands.at(-1)?.end ?? head.end, options) : undefined);
    if (hover) return hover;
    const setter = hoverOnSetter(line, options);
    // On the mnemonic of an argument line, the instruction is explained too.
    const onMnemonic = statement.kind === 'instruction' && keyword && character >= keyword.start && character <= keyword.end;
    const instruction = onMnemonic ? instructionHover(keyword.name) : undefined;
    if (setter) return instruction ? { ...setter, markdown: `${setter.markdown}\n\n---\n\n${instruction}` } : setter;
  }
  const token = tokenAt(document, line, character);
  if (!token) return undefined;
  const range = { line, start: token.start, end: token.end };
  const lower = token.text.toLowerCase();
  if (token.kind === 'identifier') {
    if (keyword && token.start === keyword.start) {
      const text = statement.kind === 'instruction' ? instructionHover(lower) : DIRECTIVE_DOCS[lower];
      if (text) return { ...range, markdown: text };
    }
    if (statement.prefix && token.start === statement.prefix.start && keyword) {
      // `rep`/`repe`/`repne` only mean something with the string instruction they repeat.
      const repeated = instructionHover(keyword.name);
      const note = /^rep/.test(lower) ? `**${lower}** repeats the string instruction rcx times (counting rcx down)${lower === 'rep' ? '' : lower === 'repe' || lower === 'repz' ? ', while equal' : ', while not equal'}.` : `**${lower}** prefix.`;
      return { ...range, markdown: repeated ? `${note}\n\n${repeated}` : note };
    }
    const register = registerHover(lower);
    if (register && REGISTERS.has(lower)) return { ...range, markdown: register };
    const symbol = describeSymbol(workspace, document, token.text, line);
    if (symbol) return { ...range, markdown: symbol };
    if (DIRECTIVE_DOCS[lower]) return { ...range, markdown: DIRECTIVE_DOCS[lower] };
  }
  const include = document.structure.includes.find((e) => e.line === line && e.start === token.start);
  if (include) {
    const uri = workspace.resolveInclude(document, include.path);
    const refused = uri ? undefined : workspace.includeRefusal(document, include.path);
    const where = uri ? `\`${uriToPath(uri) ?? uri}\``
      : refused ? `\`${refused.file}\`, not read: ${refused.reason}`
        : 'not found next to this file or in the include paths (syscallLens.includePaths)';
    return { ...range, markdown: `**%include** \`${include.path}\` → ${where}` };
  }
  if (token.kind === 'string' && token.string !== undefined && token.string.length > 0) {
    return { ...range, markdown: `${Buffer.byteLength(token.string, 'utf8')} bytes: \`${renderText(token.string, { limit: 200 })}\`` };
  }
  if (token.kind === 'number' && token.value !== undefined) {
    const v = token.value;
    return { ...range, markdown: `\`${v}\` = \`0x${v.toString(16)}\` = \`0o${v.toString(8)}\` = \`0b${v.toString(2)}\`` };
  }
  return undefined;
}
