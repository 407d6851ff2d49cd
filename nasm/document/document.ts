// A NASM document: its lines and their parsed statements, re-parsed line by line on each edit.
import { parseLine, type Statement } from '../parser/statement';
import { buildStructure, LINE_IN_MACRO, NO_DEFINES, usesHere, type PredefinedNames, type Structure, type StructureEdit } from './structure';

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface TextChange { range?: Range; text: string }

/** What an edit touched, so analyses can keep what it did not. */
export interface EditEffect {
  firstLine: number;
  removedLines: number;
  insertedLines: number;
  /**
   * A label, constant, macro, section, data or preprocessor line changed, or a line of a macro's body
   * (its invocations, here or in a file that includes this one, assemble to something else).
   */
  structural: boolean;
}

/** Lines whose change can move a symbol or change what a name means. */
function isStructural(statement: Statement): boolean {
  return statement.label !== undefined || statement.kind === 'equ' || statement.kind === 'directive'
    || statement.kind === 'preprocessor' || statement.kind === 'data' || statement.kind === 'reserve'
    || statement.kind === 'label';
}

/**
 * What a line does to the position `$` that `len equ $ - msg` reads: an instruction or macro call
 * (size unknown) forgets it, and a line that reads `$` remembers it. Changing either is structural.
 */
function positionEffect(statement: Statement): number {
  return (statement.kind === 'instruction' || statement.kind === 'macroCall' ? 1 : 0) | (usesHere(statement) ? 2 : 0);
}

/** Lines and the break after each ('' after the last), as LSP counts them: \r\n, \r and \n. */
function splitWithBreaks(text: string): { lines: string[]; breaks: string[] } {
  const lines: string[] = [];
  const breaks: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    lines.push(text.slice(start, i));
    if (c === 13 && text.charCodeAt(i + 1) === 10) { breaks.push('\r\n'); i++; } else breaks.push(c === 13 ? '\r' : '\n');
    start = i + 1;
  }
  lines.push(text.slice(start));
  breaks.push('');
  return { lines, breaks };
}

/** Macros visible to a document from elsewhere (its includes), asked only about bare words. */
export interface ExternalMacros {
  /** Changes whenever the answer to `has` may have changed. */
  version(): number;
  has(name: string): boolean;
}

export class AsmDocument {
  private lines: string[];
  /** The line break after each line, so an edit that puts \r before a \n makes one break, not two. */
  private breaks: string[];
  /** Each line's statement: lines written alike share one (a statement is never changed once parsed). */
  private statements: Statement[];
  /** The statement of each line text seen, so a repeated line (`syscall`, `ret`) is parsed and held once. */
  private interned = new Map<string, Statement>();
  /** A number for each line that stays with it while lines are inserted or removed elsewhere. */
  private ids: number[];
  private nextId = 0;
  private structureCache: Structure | undefined;
  private externalMacros: ExternalMacros | undefined;
  private externalVersion = -1;
  /** Set while the external macros are consulted: they may ask for this document's own includes. */
  private consulting = false;
  /** Incremented whenever the structure (symbols, constants, macros) may have changed. */
  structureVersion = 0;
  /** Structural edits not yet applied to the kept structure (one edit covering them all). */
  private pendingEdit: StructureEdit | undefined;
  /** For recent structure versions, the names that changed on the way to them (undefined: any may have). */
  private readonly nameLog: { version: number; names: ReadonlySet<string> | undefined }[] = [];
  /** Incremented on every edit. */
  editVersion = 0;
  private readonly listeners: ((effect: EditEffect) => void)[] = [];

  constructor(readonly uri: string, text: string, public version = 0) {
    ({ lines: this.lines, breaks: this.breaks } = splitWithBreaks(text));
    this.statements = this.lines.map((line) => this.parse(line));
    this.ids = this.lines.map(() => this.nextId++);
  }

  private parse(text: string): Statement {
    let statement = this.interned.get(text);
    if (!statement) this.interned.set(text, statement = parseLine(text));
    return statement;
  }

  /** Keeps only the statements of the lines there are now, once edits have left many behind. */
  private pruneInterned(): void {
    if (this.interned.size <= 2 * this.lines.length + 1024) return;
    this.interned = new Map(this.lines.map((line, i) => [line, this.statements[i]!]));
  }

  get lineCount(): number { return this.lines.length; }
  lineText(line: number): string { return this.lines[line] ?? ''; }
  statement(line: number): Statement { return this.statements[line] ?? parseLine(''); }
  /** The line's identity: the same number until the line itself is edited (lines around it may move). */
  lineId(line: number): number { return this.ids[line] ?? -1; }
  getText(): string { return this.lines.join('\n'); }

  /** Symbols, constants, macros, includes: updated after structural edits from the first line changed. */
  get structure(): Structure {
    this.bringStructureUpToDate();
    if (this.externalMacros && !this.consulting && this.externalVersion !== this.externalMacros.version()) this.consultExternalMacros();
    return this.structureCache!;
  }

  /**
   * The structure as this file alone gives it, without asking other files whether a bare word is a
   * macro. Its includes and macro definitions are the same either way, and reading them must not make
   * other files consult theirs (through thousands of files that nested one inside the next).
   */
  get localStructure(): Structure {
    this.bringStructureUpToDate();
    return this.structureCache!;
  }

  private bringStructureUpToDate(): void {
    const edit = this.pendingEdit;
    this.pendingEdit = undefined;
    if (this.structureCache && edit) {
      const names = this.structureCache.update(this.statements, edit);
      if (names) { this.logNames(names); return; }
      this.structureCache = undefined;
    }
    if (this.structureCache) return;
    this.structureCache = buildStructure(this.statements, undefined, this.predefined);
    this.logNames(undefined);
  }

  private logNames(names: ReadonlySet<string> | undefined): void {
    this.nameLog.push({ version: this.structureVersion, names });
    if (this.nameLog.length > 64) this.nameLog.shift();
  }

  /**
   * The names whose meaning may have changed since structure version `version` (labels, constants,
   * %defines of this file), or undefined when anything may have changed.
   */
  namesChangedSince(version: number): ReadonlySet<string> | undefined {
    this.bringStructureUpToDate();
    if (version === this.structureVersion) return new Set();
    const since = this.nameLog.findIndex((entry) => entry.version > version);
    if (since <= 0) return undefined; // older than the log (or the log starts after it)
    const names = new Set<string>();
    for (let i = since; i < this.nameLog.length; i++) {
      const entry = this.nameLog[i]!;
      if (!entry.names) return undefined;
      for (const name of entry.names) names.add(name);
    }
    return this.nameLog[this.nameLog.length - 1]!.version === this.structureVersion ? names : undefined;
  }

  private predefined: PredefinedNames = NO_DEFINES;

  /** The names the build defines before this file (nasm -D); the structure follows them. */
  setPredefined(names: PredefinedNames): void {
    const same = names.size === this.predefined.size && [...names].every(([name, value]) => this.predefined.has(name) && this.predefined.get(name) === value);
    if (same) return;
    this.predefined = names;
    this.structureCache = undefined;
    this.pendingEdit = undefined;
    this.externalVersion = -1;
    this.structureVersion++;
  }

  /** Lets a bare word (`SAVE`) be recognised as a call of a macro another file defines. */
  useExternalMacros(macros: ExternalMacros): void {
    this.externalMacros = macros;
    this.externalVersion = -1;
  }

  private consultExternalMacros(): void {
    const external = this.externalMacros!;
    const built = this.structureCache!;
    this.consulting = true;
    try {
      this.externalVersion = external.version();
      if (built.bareWords.size === 0 && built.externalMacros.size === 0) return;
      const calls = new Set([...built.bareWords, ...built.externalMacros].filter((name) => external.has(name)));
      if (calls.size === built.externalMacros.size && [...calls].every((name) => built.externalMacros.has(name))) return;
      this.structureCache = buildStructure(this.statements, calls, this.predefined);
      this.structureVersion++;
      this.logNames(undefined);
    } finally {
      this.consulting = false;
    }
  }

  onEdit(listener: (effect: EditEffect) => void): void { this.listeners.push(listener); }

  setText(text: string, version = this.version + 1): void {
    const removedLines = this.lines.length;
    ({ lines: this.lines, breaks: this.breaks } = splitWithBreaks(text));
    this.interned.clear();
    this.statements = this.lines.map((line) => this.parse(line));
    this.ids = this.lines.map(() => this.nextId++);
    this.version = version;
    this.structureCache = undefined;
    this.pendingEdit = undefined;
    this.finishEdit({ firstLine: 0, removedLines, insertedLines: this.lines.length, structural: true });
  }

  /** Applies one LSP content change; re-parses only the lines it touches. */
  applyChange(change: TextChange, version = this.version + 1): EditEffect {
    if (!change.range) {
      this.setText(change.text, version);
      return { firstLine: 0, removedLines: 0, insertedLines: this.lines.length, structural: true };
    }
    const last = this.lines.length - 1;
    const start = this.clamp(change.range.start, last);
    const end = this.clamp(change.range.end, last);
    // The text from the start of the first line touched through the break after the last, re-split:
    // a \r the edit leaves before an existing \n (or a \n after an existing \r) joins it in one break.
    const after = this.lines[end.line]!.slice(end.character) + this.breaks[end.line]!;
    let first = start.line;
    let before = this.lines[first]!.slice(0, start.character);
    if (first > 0 && start.character === 0 && this.breaks[first - 1] === '\r' && (change.text + after).startsWith('\n')) {
      first--;
      before = this.lines[first]! + '\r';
    }
    const replacement = splitWithBreaks(before + change.text + after);
    if (this.breaks[end.line] !== '') { replacement.lines.pop(); replacement.breaks.pop(); } // the next line starts after the break
    const removed = this.statements.slice(first, end.line + 1);
    const inserted = replacement.lines.map((line) => this.parse(line));
    this.lines.splice(first, end.line - first + 1, ...replacement.lines);
    this.breaks.splice(first, end.line - first + 1, ...replacement.breaks);
    this.statements.splice(first, end.line - first + 1, ...inserted);
    this.ids.splice(first, end.line - first + 1, ...inserted.map(() => this.nextId++));
    this.pruneInterned();
    this.version = version;
    const effect: EditEffect = {
      firstLine: first,
      removedLines: removed.length,
      insertedLines: inserted.length,
      structural: removed.length !== inserted.length || removed.some(isStructural) || inserted.some(isStructural)
        || removed.some((statement, i) => positionEffect(statement) !== positionEffect(inserted[i]!)) || this.inMacroBody(first, removed.length),
    };
    if (effect.structural && this.structureCache) this.noteStructuralEdit(first, removed, inserted.length);
    this.finishEdit(effect);
    return effect;
  }

  /**
   * Whether lines [first, first + count) were in a macro's body. Without an up-to-date structure no
   * one has read this file's macros since the structure version last moved on, so nothing to tell.
   */
  private inMacroBody(first: number, count: number): boolean {
    const structure = this.structureCache;
    if (!structure || this.pendingEdit) return false;
    for (let line = first; line < first + count; line++) if (structure.lineFlags[line]! & LINE_IN_MACRO) return true;
    return false;
  }

  private clamp(position: Position, lastLine: number): Position {
    const line = Math.max(0, Math.min(position.line, lastLine));
    const character = Math.max(0, Math.min(position.character, this.lines[line]!.length));
    return { line, character };
  }

  /** Adds an edit to the pending one: one edit from the first line either changed to the last. */
  private noteStructuralEdit(first: number, removed: readonly Statement[], inserted: number): void {
    const pending = this.pendingEdit;
    if (!pending) { this.pendingEdit = { first, removed: removed.length, inserted, removedStatements: removed }; return; }
    const delta = inserted - removed.length;
    // The end of the pending edit's new lines, in the lines after this edit.
    const pendingEnd = pending.first + pending.inserted;
    const movedEnd = pendingEnd > first + removed.length ? pendingEnd + delta : pendingEnd > first ? first + inserted : pendingEnd;
    const start = Math.min(pending.first, first);
    const end = Math.max(movedEnd, first + inserted);
    const totalDelta = pending.inserted - pending.removed + delta;
    this.pendingEdit = { first: start, removed: end - totalDelta - start, inserted: end - start, removedStatements: [...pending.removedStatements, ...removed] };
  }

  private finishEdit(effect: EditEffect): void {
    this.editVersion++;
    if (effect.structural) {
      if (!this.pendingEdit) this.structureCache = undefined;
      this.structureVersion++;
      this.externalVersion = -1;
    }
    for (const listener of this.listeners) listener(effect);
  }
}
