// The names an analysis looked up and what each meant then. An analysis kept across edits is still
// right as long as every name it looked up means the same; only the names an edit changed are asked again.
import type { SymbolEnvironment } from './interpreter';
import type { MacroSource } from './macroExpansion';

/**
 * One lookup: a symbol's value, whether a name is a macro, or (inside a macro body's %if) whether a
 * single-line name is defined and a constant's number. `offset` is the line's distance from the start
 * of the block that made it, so the record stays right when lines are added or removed above.
 * `qualified` is the name as the document defines it (`_start.loop` for `.loop`), `scope` the global
 * label a local name was under.
 */
export interface NameUse { kind: NameUseKind; name: string; offset: number; meaning: string; qualified: string; scope: string }
export type NameUseKind = 'symbol' | 'macro' | 'defined' | 'constant';

/** What names are looked up in. */
export interface NameSources { environment: SymbolEnvironment; macros?: MacroSource | undefined }

export function symbolMeaning(resolved: ReturnType<SymbolEnvironment['resolve']>): string {
  if (!resolved) return '';
  const v = resolved.value;
  return `${v.kind === 'number' ? v.value : `${v.anchor}+${v.offset}`}|${resolved.constant ?? ''}`;
}

/** What a name means now, for a lookup of `kind` on `line`. */
function meaningNow(kind: NameUseKind, name: string, line: number, sources: NameSources): string {
  switch (kind) {
    case 'symbol': return symbolMeaning(sources.environment.resolve(name, line));
    case 'macro': return sources.environment.isMacro(name) ? 'macro' : '';
    case 'defined': return sources.macros?.isDefined(name) ? 'defined' : '';
    case 'constant': return String(sources.macros?.constant(name) ?? '');
  }
}

/** A lookup made on `line` of a block starting at `start`; `qualify` gives the name as defined there. */
export function nameUse(kind: NameUseKind, name: string, line: number, start: number, meaning: string, qualify: (name: string, line: number) => string): NameUse {
  const qualified = kind === 'symbol' ? qualify(name, line) : name;
  return { kind, name, offset: line - start, meaning, qualified, scope: qualified === name ? '' : qualified.slice(0, qualified.length - name.length) };
}

/** Wraps an environment so every lookup is remembered, against the block starting at `start`. */
export function recordingEnvironment(
  environment: SymbolEnvironment, log: NameUse[], start: number, qualify: (name: string, line: number) => string,
): SymbolEnvironment {
  const askedMacros = new Set<string>();
  return {
    resolve(name, line) {
      const resolved = environment.resolve(name, line);
      log.push(nameUse('symbol', name, line, start, symbolMeaning(resolved), qualify));
      return resolved;
    },
    isMacro(name) {
      const macro = environment.isMacro(name);
      // Whether a name is a macro does not depend on the line: once per name is enough (every
      // instruction line asks about its mnemonic, in case a macro of that name stands for it).
      if (!askedMacros.has(name)) {
        askedMacros.add(name);
        log.push(nameUse('macro', name, start, start, macro ? 'macro' : '', qualify));
      }
      return macro;
    },
  };
}

/** Whether a lookup may mean something else once `names` changed (a local name also when its scope did). */
export function touchedBy(use: NameUse, names: ReadonlySet<string>): boolean {
  return names.has(use.qualified) || (use.scope !== '' && names.has(use.scope));
}

/** What names outside a local scope mean in one generation of the names, shared by the blocks checked then. */
export type Meanings = Map<string, string>;

/**
 * Whether every name in `uses` (made by a block now starting at `start`) still means the same.
 * Only the lookups `changed` touches are asked again; all of them when `changed` is undefined.
 */
export function stillMeansTheSame(
  uses: readonly NameUse[], sources: NameSources, start: number, meanings: Meanings, changed: ReadonlySet<string> | undefined,
): boolean {
  for (const use of uses) {
    if (changed && !touchedBy(use, changed)) continue;
    // A local name's meaning depends on the line (its scope); any other name means the same everywhere.
    const local = use.kind === 'symbol' && use.name.startsWith('.');
    const key = `${use.kind}\u0000${use.name}`;
    let now = local ? undefined : meanings.get(key);
    if (now === undefined) {
      now = meaningNow(use.kind, use.name, start + use.offset, sources);
      if (!local) meanings.set(key, now);
    }
    if (now !== use.meaning) return false;
  }
  return true;
}
