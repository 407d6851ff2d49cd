// A program assembled from several files, as a Makefile builds it (`nasm -f elf64` on each file, then
// `ld` on every object), or a C program calling NASM functions and the other way round: F5 and Trace
// on its root build the other sources too. They are the files that define, as `global` (NASM) or as a
// function (C), a symbol the root declares `extern` or leaves undefined — and the same for theirs —
// found in the root's folder and the folders below it, then in the folder above.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isNasmSyntax } from '../nasm/document/dialect';
import { AsmDocument } from '../nasm/document/document';

/** Extensions of sources that may be linked with the root (`.s` only when it is NASM). */
const SOURCE = /\.(?:asm|nasm|s|c)$/i;
/** A C function definition at the start of a line: `type name(params) {`, the brace maybe on the next line. */
const C_DEFINITION = /^[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)[ \t]*\([^;{}()]*(?:\([^;{}()]*\)[^;{}()]*)*\)[ \t]*(?:\n[ \t]*)?\{/gm;
const C_KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof', 'else', 'do']);
/** Folders never looked in: build output, dependencies, version control. */
const SKIPPED = new Set(['node_modules', '.git', '.svn', 'build', 'obj', 'out', 'target', 'dist']);
const MAX_FILES = 2000;
/** Folder entries looked at in all: the folder above may be a large one (a home folder). */
const MAX_ENTRIES = 20_000;
const MAX_DEPTH = 6;
const MAX_BYTES = 4 * 1024 * 1024;

interface Candidate {
  file: string;
  /** Globals it defines. */
  defines: Set<string>;
  /** Externs it declares and does not define. */
  needs: string[];
  /** It defines a program entry (`_start`, `main`): another program's root, never linked with ours. */
  entry: boolean;
}

/** The functions a C source defines (its `extern` needs are the linker's to tell). */
function cSymbolsOf(file: string, text: string): Candidate {
  const defines = new Set<string>();
  for (const match of text.matchAll(C_DEFINITION)) if (!C_KEYWORDS.has(match[1]!)) defines.add(match[1]!);
  return { file, defines, needs: [], entry: defines.has('main') };
}

function symbolsOf(file: string, text: string): Candidate {
  return isCSource(file) ? cSymbolsOf(file, text) : nasmSymbolsOf(file, new AsmDocument(pathToFileURL(file).href, text).structure);
}

function nasmSymbolsOf(file: string, structure: AsmDocument['structure']): Candidate {
  const defines = new Set([...structure.globals.keys()].filter((name) => structure.definitions.has(name)));
  const needs = [...structure.externs.keys()].filter((name) => !structure.definitions.has(name));
  return { file, defines, needs, entry: defines.has('_start') || defines.has('main') };
}

export const isCSource = (file: string): boolean => path.extname(file) === '.c';

/** The NASM and C sources of a folder tree, with their global and extern symbols; included files left out. */
function scan(top: string, skip: string | undefined): Candidate[] {
  const candidates: Candidate[] = [];
  const included = new Set<string>();
  let seen = 0;
  let entries = 0;
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try { names = readdirSync(dir).sort(); } catch { return; }
    for (const name of names) {
      if (seen >= MAX_FILES || ++entries > MAX_ENTRIES || name.startsWith('.')) continue;
      const file = path.join(dir, name);
      if (file === skip) continue;
      let stat;
      try { stat = statSync(file); } catch { continue; }
      if (stat.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIPPED.has(name)) walk(file, depth + 1);
        continue;
      }
      if (!SOURCE.test(name) || stat.size > MAX_BYTES) continue;
      seen++;
      let text: string;
      try { text = readFileSync(file, 'utf8'); } catch { continue; }
      if (isCSource(name)) {
        candidates.push(cSymbolsOf(file, text));
        continue;
      }
      if (!/\bglobal\b/i.test(text) && !/%include\b/i.test(text)) continue;
      if (path.extname(name) === '.s' && !isNasmSyntax(text)) continue; // GNU as
      const { structure } = new AsmDocument(pathToFileURL(file).href, text);
      for (const edge of structure.includes) included.add(path.basename(edge.path));
      if (structure.globals.size) candidates.push(nasmSymbolsOf(file, structure));
    }
  };
  walk(top, 0);
  // A file another one %includes is assembled as part of it, never on its own.
  return candidates.filter((c) => !included.has(path.basename(c.file)));
}

export interface Companions {
  /** The other sources to assemble and link with the root, in the order they were found. */
  files: string[];
  /** Externs no source defines: left to the linker (libc functions). */
  unresolved: string[];
}

/**
 * The other sources of the program whose root is `source`: every file that defines a symbol the root
 * (or an added file) declares extern, nearest folder first; for a C root, the symbols are those the
 * linker found undefined (`needs`). None when the root needs nothing.
 */
export function companionSources(source: string, text: string, needs?: readonly string[]): Companions {
  const root = symbolsOf(source, text);
  if (needs) root.needs = [...needs];
  if (root.needs.length === 0) return { files: [], unresolved: [] };
  const needed = new Set(root.needs);
  const defined = new Set(root.defines);
  const chosen: string[] = [];
  const folder = path.dirname(source);
  for (const top of path.dirname(folder) === folder ? [folder] : [folder, path.dirname(folder)]) {
    const candidates = scan(top, source).filter((c) => !c.entry && !chosen.includes(c.file));
    for (let added = true; added;) {
      added = false;
      for (const name of [...needed]) {
        if (defined.has(name)) { needed.delete(name); continue; }
        // The nearest definition: the fewest folders between it and the root.
        const found = candidates.filter((c) => c.defines.has(name) && !chosen.includes(c.file))
          .sort((a, b) => path.relative(folder, a.file).split(path.sep).length - path.relative(folder, b.file).split(path.sep).length)[0];
        if (!found) continue;
        chosen.push(found.file);
        for (const symbol of found.defines) defined.add(symbol);
        for (const symbol of found.needs) if (!defined.has(symbol)) needed.add(symbol);
        needed.delete(name);
        added = true;
      }
    }
    if (needed.size === 0) break;
  }
  return { files: chosen, unresolved: [...needed] };
}
