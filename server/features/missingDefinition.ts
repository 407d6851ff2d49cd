// Quick fixes for a name nasm cannot resolve that another file of the same program defines: the
// `%include` that brings a macro or constant in, or the `extern` (and, in the defining file, the
// `global`) that links a label assembled separately.
import * as path from 'node:path';
import type { AsmDocument } from '../../nasm/document/document';
import type { SymbolDefinition } from '../../nasm/document/structure';
import { uriToPath, type Workspace } from '../workspace';
import { UNDEFINED_SYMBOL, type CodeActionFix } from './codeActions';
import type { Edit } from './syscallLints';

/** nasm's words for a line whose first word is no instruction (a macro it does not know). */
const NOT_AN_INSTRUCTION = /parser: instruction expected|label alone on a line without a colon/;

/** Definitions that only reach another file through `%include`: macros, constants, strucs. */
const INCLUDED_KINDS = new Set<SymbolDefinition['kind']>(['macro', 'define', 'constant', 'struc']);

export function missingDefinitionActions(
  workspace: Workspace, document: AsmDocument, reported: readonly { line: number; message: string }[],
): CodeActionFix[] {
  const actions: CodeActionFix[] = [];
  const offered = new Set<string>();
  for (const { line, message } of reported) {
    const symbol = UNDEFINED_SYMBOL.exec(message)?.[1];
    // A word where nasm expected an instruction can only be a macro (it reads it as a label without a colon).
    const macro = symbol === undefined && NOT_AN_INSTRUCTION.test(message) ? firstWord(document, line) : undefined;
    const name = symbol ?? macro;
    if (!name || name.startsWith('.') || inUnit(workspace, document, name, macro !== undefined)) continue;
    for (const fix of fixesFor(workspace, document, name, macro !== undefined)) {
      // One action per line it adds: two macros of one file need one %include.
      const key = fix.edits.map((e) => e.newText).join('');
      if (offered.has(key)) continue;
      offered.add(key);
      actions.push(fix);
    }
  }
  return actions;
}

/** The word a statement starts with (after a label with a colon): where nasm expected an instruction. */
function firstWord(document: AsmDocument, line: number): string | undefined {
  const statement = document.statement(line);
  if (statement.label && !statement.label.colon) return statement.label.text;
  return statement.tokens.find((t) => t.kind === 'identifier' && t.start >= (statement.label?.end ?? 0))?.text;
}

function inUnit(workspace: Workspace, document: AsmDocument, name: string, macroOnly: boolean): boolean {
  return workspace.unit(document).some((source) => source.structure.macros.has(name) || (!macroOnly && source.structure.definitions.has(name)));
}

function fixesFor(workspace: Workspace, document: AsmDocument, name: string, macroOnly: boolean): CodeActionFix[] {
  const fixes: CodeActionFix[] = [];
  const unit = new Set(workspace.unit(document));
  for (const other of workspace.all()) {
    if (unit.has(other) || !workspace.linkable(document, other)) continue;
    const definition = macroSymbol(other, name) ?? (macroOnly ? undefined : other.structure.definitions.get(name)?.[0]);
    if (!definition) continue;
    const included = workspace.includers(other).length > 0;
    if (INCLUDED_KINDS.has(definition.kind)) {
      // An include-only file (something includes it, or it holds no code of its own) is what %include is for.
      if (!included && hasCode(other)) continue;
      const spelled = includeName(workspace, document, other);
      if (spelled === undefined) continue;
      fixes.push({
        title: `Add %include "${spelled}" (${describe(definition)} \`${name}\`)`, kind: 'quickfix',
        edits: [insertAt(document, includeLine(document), `%include "${spelled}"`)],
      });
    } else if (definition.kind === 'label' && !included) {
      // A label of a file another one includes is left alone: including that file here as well would
      // define the label twice once both are assembled together.
      const file = path.basename(uriToPath(other.uri) ?? other.uri);
      const global = other.structure.globals.has(name);
      fixes.push({
        title: global ? `Declare \`extern ${name}\` (global in ${file})` : `Declare \`extern ${name}\` here and \`global ${name}\` in ${file}`,
        kind: 'quickfix',
        edits: [insertAt(document, declarationLine(document), `extern ${name}`)],
        ...(global ? {} : { otherFiles: [{ uri: other.uri, edits: [insertAt(other, declarationLine(other), `global ${name}`)] }] }),
      });
    }
  }
  return fixes;
}

function macroSymbol(document: AsmDocument, name: string): SymbolDefinition | undefined {
  return document.structure.macros.has(name) ? document.structure.symbols.find((s) => s.kind === 'macro' && s.name === name) : undefined;
}

function describe(definition: SymbolDefinition): string {
  switch (definition.kind) {
    case 'macro': return 'defines the macro';
    case 'constant': return 'defines the constant';
    case 'struc': return 'defines the struc';
    default: return 'defines';
  }
}

/** Whether a file assembles to something of its own: a label of code or data, not only macros and constants. */
function hasCode(document: AsmDocument): boolean {
  return document.structure.symbols.some((s) => s.kind === 'label');
}

/**
 * How `document` names `target` in an %include that nasm (and the workspace) resolves to it: relative to
 * the including file's folder, or to an include path; undefined when neither reaches it.
 */
function includeName(workspace: Workspace, document: AsmDocument, target: AsmDocument): string | undefined {
  const from = uriToPath(document.uri);
  const to = uriToPath(target.uri);
  if (!from || !to) return undefined;
  const bases = [path.dirname(from), ...workspace.includePathsFor(document)];
  const candidates = bases.map((base) => path.relative(base, to).split(path.sep).join('/'))
    .filter((name) => name && !name.includes('"'))
    .sort((a, b) => a.length - b.length);
  return candidates.find((name) => workspace.resolveInclude(document, name) === target.uri);
}

/** After the last top-level `%include` that comes before any code, else before the first statement. */
function includeLine(document: AsmDocument): number {
  const first = firstStatementLine(document);
  const head = lastHeaderLine(document, first);
  const before = document.localStructure.includes.map((edge) => edge.line).filter((line) => line <= head);
  return before.length ? Math.max(...before) + 1 : first;
}

/** After the last `extern`, `global` or `%include` before the file's first label or instruction, else before its first statement. */
function declarationLine(document: AsmDocument): number {
  const first = firstStatementLine(document);
  let after: number | undefined;
  for (let line = first; line < document.lineCount; line++) {
    const statement = document.statement(line);
    if (statement.label || statement.kind === 'instruction' || statement.kind === 'macroCall') break;
    const word = statement.keyword?.name;
    if (word === 'extern' || word === 'global' || word === '%include') after = line;
  }
  return after !== undefined ? after + 1 : first;
}

/** The last line of the file's head: directives and blank or comment lines before its first section, label or instruction. */
function lastHeaderLine(document: AsmDocument, from: number): number {
  let last = from;
  for (let line = from; line < document.lineCount; line++) {
    const statement = document.statement(line);
    if (statement.kind === 'empty') continue;
    if (statement.label || statement.kind === 'instruction' || statement.kind === 'macroCall' || statement.keyword?.name === 'section') break;
    last = line;
  }
  return last;
}

/** The first line that is neither blank nor only a comment (the file's heading comment stays on top). */
function firstStatementLine(document: AsmDocument): number {
  for (let line = 0; line < document.lineCount; line++) {
    if (document.statement(line).kind !== 'empty') return line;
  }
  return document.lineCount;
}

function insertAt(document: AsmDocument, line: number, text: string): Edit {
  if (line >= document.lineCount) {
    const last = document.lineCount - 1;
    const end = document.lineText(last).length;
    return { line: last, start: end, end, newText: (end > 0 ? '\n' : '') + text + '\n' };
  }
  return { line, start: 0, end: 0, newText: `${text}\n` };
}
