// Definitions, references, highlights and rename: scope-aware for local labels, across %include
// and global/extern.
import type { AsmDocument } from '../../nasm/document/document';
import { pastedPieces, pastedStem } from '../../nasm/document/pasting';
import type { MacroDefinition, SymbolDefinition } from '../../nasm/document/structure';
import type { Token } from '../../nasm/parser/tokens';
import { REGISTERS } from '../../nasm/parser/vocabulary';
import type { FoundDefinition, Workspace } from '../workspace';
import { symbolTokenAt } from './symbolAt';

export interface Occurrence { document: AsmDocument; line: number; start: number; end: number; text: string; isDefinition: boolean }

/** The file an `%include` line names, when the cursor is on its file name. */
export function includedFileAt(workspace: Workspace, document: AsmDocument, line: number, character: number): string | undefined {
  const edge = document.structure.includes.find((e) => e.line === line && e.start <= character && character <= e.end);
  return edge ? workspace.resolveInclude(document, edge.path) : undefined;
}

/**
 * An instruction's mnemonic (or a directive's word): it names no label, even one called the same
 * (`add:` then `add rdi, rsi`); only a macro shadowing the instruction.
 */
function isStatementWord(document: AsmDocument, line: number, token: Token): boolean {
  const statement = document.statement(line);
  return statement.kind !== 'macroCall' && statement.keyword?.start === token.start;
}

export function definitionsAt(workspace: Workspace, document: AsmDocument, line: number, character: number): FoundDefinition[] {
  const token = symbolTokenAt(document, line, character);
  if (!token || REGISTERS.has(token.text.toLowerCase())) return [];
  const found = isStatementWord(document, line, token) ? [] : workspace.findDefinitions(document, token.text, line);
  if (found.length) return found;
  const owner = workspace.macroOwner(document, token.text);
  if (!owner) return [];
  const symbol = owner.structure.definitions.get(token.text)?.find((s) => s.kind === 'macro');
  return symbol ? [{ document: owner, symbol }] : [];
}

/** Documents in which `target` can be referred to: every file assembled with it (a local label too, written in full). */
function visibleIn(workspace: Workspace, target: FoundDefinition): AsmDocument[] {
  const { document, symbol } = target;
  const documents = new Set<AsmDocument>(workspace.unit(document));
  if (document.structure.globals.has(symbol.name)) {
    for (const other of workspace.all()) {
      if ((other.structure.externs.has(symbol.name) || other.structure.globals.has(symbol.name)) && workspace.linkable(other, document)) documents.add(other);
    }
  }
  return [...documents];
}

function sameSymbol(a: SymbolDefinition, b: SymbolDefinition): boolean {
  return a.name === b.name && a.line === b.line && a.start === b.start;
}

/** `outer.inner` written in full names outer's local label (or struc field): renaming outer renames its prefix. */
function qualifiedPrefix(token: Token, target: FoundDefinition): boolean {
  const { kind, name } = target.symbol;
  return (kind === 'label' || kind === 'struc') && token.text.length > name.length + 1 && token.text.startsWith(`${name}.`)
    && token.text[name.length + 1] !== '.';
}

/** Characters that continue a name: a parameter next to one is pasted into it (`lbl_%1`, `%1_end`). */
const NAME_PART = /[\w$@?#~]/;

/**
 * The operands of the macro call on `line` that the macro's body only pastes into other names
 * (`mov eax, SYS_ %+ %1` with `syscall exit, 0`): the word written there is not a reference to a
 * symbol of that name. An operand the body also uses as it is stays a reference.
 */
function pastedOnlyOperands(workspace: Workspace, document: AsmDocument, line: number): { start: number; end: number }[] {
  const statement = document.statement(line);
  const name = statement.kind === 'macroCall' || statement.kind === 'instruction' ? statement.keyword?.text : undefined;
  if (!name || statement.operands.length === 0) return [];
  const found = workspace.macroSource(document).find(name);
  if (!found) return [];
  const body: string[] = [];
  for (let k = found.definition.line + 1; k < found.definition.endLine; k++) body.push(found.lineText(k).replace(/;.*$/, ''));
  const text = body.join('\n');
  if (/%rotate\b/i.test(text)) return [];
  const out: { start: number; end: number }[] = [];
  statement.operands.forEach((operand, index) => {
    let pasted = false;
    let plain = false;
    for (const m of text.matchAll(new RegExp(`%(?:\\{${index + 1}\\}|${index + 1}(?!\\d))`, 'g'))) {
      const before = text.slice(0, m.index).trimEnd();
      const after = text.slice(m.index + m[0].length);
      const glued = NAME_PART.test(text[m.index - 1] ?? '') || NAME_PART.test(after[0] ?? '');
      if (glued || before.endsWith('%+') || after.trimStart().startsWith('%+')) pasted = true; else plain = true;
    }
    if (pasted && !plain) out.push({ start: operand.start, end: operand.end });
  });
  return out;
}

export function referencesOf(workspace: Workspace, target: FoundDefinition, includeDeclaration: boolean): Occurrence[] {
  const occurrences: Occurrence[] = [];
  const name = target.symbol.name;
  const shortName = target.symbol.written;
  // A struc's size constant is named after it.
  const sizeName = target.symbol.kind === 'struc' ? `${name}_size` : undefined;
  for (const document of visibleIn(workspace, target)) {
    const structure = document.structure;
    // In another file, a name may be that file's own symbol (every program has its own `_start`).
    const elsewhere = (written: string, line: number) => {
      if (document === target.document) return false;
      const resolved = workspace.findDefinitions(document, written, line);
      return resolved.length > 0 && !resolved.some((r) => r.document === target.document && sameSymbol(r.symbol, target.symbol));
    };
    for (let line = 0; line < document.lineCount; line++) {
      const text = document.lineText(line);
      // Cheap filter before tokenized matching: most lines do not mention the name at all.
      if (!text.includes(shortName) && !text.includes(name)) continue;
      let pasted: { start: number; end: number }[] | undefined;
      for (const token of document.statement(line).tokens) {
        if (token.kind !== 'identifier') continue;
        if (target.symbol.kind !== 'macro' && isStatementWord(document, line, token)) continue;
        pasted ??= pastedOnlyOperands(workspace, document, line);
        if (pasted.some((o) => token.start >= o.start && token.end <= o.end)) continue;
        if (qualifiedPrefix(token, target) || token.text === sizeName) {
          if (elsewhere(token.text === sizeName ? name : token.text.slice(0, name.length), line)) continue;
          occurrences.push({ document, line, start: token.start, end: token.start + name.length, text: name, isDefinition: false });
          continue;
        }
        if (structure.qualify(token.text, line) !== name) continue;
        const isDefinition = document === target.document && line === target.symbol.line && token.start === target.symbol.start;
        if (!includeDeclaration && isDefinition) continue;
        if (!isDefinition && elsewhere(token.text, line)) continue;
        occurrences.push({ document, line, start: token.start, end: token.end, text: token.text, isDefinition });
      }
    }
  }
  return occurrences;
}

export interface RenameEdit { uri: string; line: number; start: number; end: number; newText: string }

/** The macro whose body holds `line`. */
function macroAround(document: AsmDocument, line: number): MacroDefinition | undefined {
  for (const macro of document.structure.macros.values()) if (macro.line < line && line <= macro.endLine) return macro;
  return undefined;
}

/** `%%label`: local to one macro, it is every occurrence of the same word in that macro's body. */
function macroLocalOccurrences(document: AsmDocument, line: number, token: Token): Occurrence[] | undefined {
  if (!token.text.startsWith('%%')) return undefined;
  const macro = macroAround(document, line);
  if (!macro) return undefined;
  const occurrences: Occurrence[] = [];
  for (let l = macro.line + 1; l < macro.endLine; l++) {
    const statement = document.statement(l);
    for (const t of statement.tokens) {
      if (t.kind !== 'identifier' || t.text !== token.text) continue;
      const isDefinition = statement.label?.start === t.start;
      occurrences.push({ document, line: l, start: t.start, end: t.end, text: t.text, isDefinition });
    }
  }
  return occurrences;
}

/** References at a position: a symbol's across the project, or a `%%label`'s in its macro. */
export function referencesAt(workspace: Workspace, document: AsmDocument, line: number, character: number, includeDeclaration: boolean): Occurrence[] {
  const token = symbolTokenAt(document, line, character);
  const local = token && macroLocalOccurrences(document, line, token);
  if (local) return local.filter((o) => includeDeclaration || !o.isDefinition);
  const target = definitionsAt(workspace, document, line, character)[0];
  return target ? referencesOf(workspace, target, includeDeclaration) : [];
}

export function prepareRename(workspace: Workspace, document: AsmDocument, line: number, character: number) {
  const token = symbolTokenAt(document, line, character);
  if (!token) return undefined;
  const renamable = macroLocalOccurrences(document, line, token)?.length || definitionsAt(workspace, document, line, character).length;
  return renamable ? { line, start: token.start, end: token.end, placeholder: token.text } : undefined;
}

const IDENTIFIER = /^[A-Za-z_.?$@][\w.?$#@~]*$/;

function renameMacroLocal(occurrences: Occurrence[], newName: string): RenameEdit[] | string {
  if (!newName.startsWith('%%') || !IDENTIFIER.test(newName.slice(2))) return 'A macro-local label keeps its `%%`: name it `%%something`.';
  return occurrences.map((o) => ({ uri: o.document.uri, line: o.line, start: o.start, end: o.end, newText: newName }));
}

const NAME_CHAR = String.raw`[\w.?$#@~]`;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Why renaming `name` could break the build: a macro pastes a piece to an argument (`[%2_lut]`) and
 * the rest of the name is written as a word somewhere (`INTRA_X9_END 0, intrax9b`), so the name is
 * also used where it is never written and a rename cannot follow it there.
 */
function pastedUse(workspace: Workspace, name: string): string | undefined {
  const documents = workspace.all();
  for (const document of documents) {
    for (const piece of pastedPieces(document)) {
      const stem = pastedStem(name, piece);
      if (!stem) continue;
      const word = new RegExp(`(?<!${NAME_CHAR})${escapeRegExp(stem)}(?!${NAME_CHAR})`);
      if (!documents.some((d) => word.test(d.getText()))) continue;
      const where = `${decodeURIComponent(document.uri.slice(document.uri.lastIndexOf('/') + 1))}:${piece.line + 1}`;
      return `\`${name}\` may also be formed by token pasting (\`${piece.written}\` at ${where}, with \`${stem}\`), where a rename cannot follow it: renaming could break the build.`;
    }
  }
  return undefined;
}

export function renameSymbol(workspace: Workspace, document: AsmDocument, line: number, character: number, newName: string): RenameEdit[] | string {
  const token = symbolTokenAt(document, line, character);
  const macroLocal = token && macroLocalOccurrences(document, line, token);
  if (macroLocal?.length) return renameMacroLocal(macroLocal, newName);
  const target = definitionsAt(workspace, document, line, character)[0];
  if (!target) return 'Nothing to rename here: not a label, constant or macro defined in the workspace.';
  const local = target.symbol.kind === 'localLabel' || target.symbol.kind === 'field';
  if (!IDENTIFIER.test(newName)) return `"${newName}" is not a valid NASM identifier.`;
  if (local !== newName.startsWith('.')) {
    return local ? 'A local label keeps its leading dot: name it `.something`.' : 'Only local labels start with a dot.';
  }
  const pasted = local ? undefined : pastedUse(workspace, target.symbol.name);
  if (pasted) return pasted;
  return referencesOf(workspace, target, true).map((o) => ({
    uri: o.document.uri, line: o.line, start: o.start, end: o.end,
    // `_start.loop` written in full keeps its qualifier.
    newText: local && !o.text.startsWith('.') ? o.text.slice(0, o.text.length - target.symbol.written.length) + newName : newName,
  }));
}
