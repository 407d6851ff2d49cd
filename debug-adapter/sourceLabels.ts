// What the program's NASM sources say that its symbol table cannot: the data labels, with constants
// from the files they %include (`buf: times BUF_LEN db 0` where BUF_LEN lives in an include file), and
// the single-line macros (`%define STDOUT 1`), which the preprocessor leaves no trace of.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { dataLabels, type DataLabel } from '../nasm/document/dataLabels';
import { AsmDocument } from '../nasm/document/document';
import type { Value } from '../nasm/parser/expression';

/** Bounds the include walk: a program's own headers, not a whole tree. */
const MAX_SOURCE_FILES = 200;

function readDocument(file: string): AsmDocument | undefined {
  try { return new AsmDocument(pathToFileURL(file).href, readFileSync(file, 'utf8')); } catch { return undefined; }
}

/** The sources and the files they include (next to the including file), each parsed once. */
function withIncludes(files: string[]): Map<string, AsmDocument> {
  const documents = new Map<string, AsmDocument>();
  const queue = [...files];
  while (queue.length > 0 && documents.size < MAX_SOURCE_FILES) {
    const file = queue.shift()!;
    if (documents.has(file)) continue;
    const document = readDocument(file);
    if (!document) continue;
    documents.set(file, document);
    for (const edge of document.structure.includes) queue.push(path.resolve(path.dirname(file), edge.path));
  }
  return documents;
}

export interface NasmSources {
  /** Data labels, typed from their definitions. */
  labels: DataLabel[];
  /** Single-line macros by name: the text each stands for (see singleLineMacros). */
  defines: ReadonlyMap<string, string>;
  /**
   * The label whose local labels are in scope on 1-based `line` of `file` (a place in the editor, as a
   * hover gives it), by nasm's rule over the file's text; undefined for a file not read, or a line
   * before any label.
   */
  scopeAt(file: string, line: number): string | undefined;
}

/** Reads `files` (gdb's source list) and the files they include. */
export function readNasmSources(files: string[]): NasmSources {
  const documents = withIncludes(files);
  return {
    labels: dataLabelsOf(files, documents), defines: singleLineMacros(documents),
    scopeAt: (file, line) => documents.get(path.resolve(file))?.structure.scopeAt(line - 1),
  };
}

function dataLabelsOf(files: string[], documents: Map<string, AsmDocument>): DataLabel[] {
  const external = (name: string): Value | undefined => {
    for (const document of documents.values()) {
      const structure = document.structure;
      if (structure.constants.has(name) || structure.fieldOffsets.has(name)) return structure.constantValue(name);
    }
    return undefined;
  };
  return files.flatMap((file) => {
    const document = documents.get(file);
    return document ? dataLabels(document, external) : [];
  });
}

/**
 * `%define STDOUT 1`, `%define arg1 rdi`: each name with the text it stands for (an `%assign`, with the
 * number it was given). A name defined with different texts (redefined, or in both branches of an
 * `%if`) is left out: which one applies depends on the line.
 */
function singleLineMacros(documents: Map<string, AsmDocument>): Map<string, string> {
  const texts = new Map<string, Set<string>>();
  for (const document of documents.values()) {
    const structure = document.structure;
    for (const [name, definitions] of structure.constants) {
      for (const definition of definitions) {
        if (definition.directive === 'equ' || definition.tokens.length === 0) continue;
        const assigned = definition.directive === '%assign' ? structure.constantValue(name) : undefined;
        const text = assigned?.kind === 'number' ? assigned.value.toString()
          : document.lineText(definition.line).slice(definition.tokens[0]!.start, definition.tokens.at(-1)!.end);
        texts.set(name, (texts.get(name) ?? new Set()).add(text));
      }
    }
  }
  return new Map([...texts].filter(([, set]) => set.size === 1).map(([name, set]) => [name, [...set][0]!]));
}
