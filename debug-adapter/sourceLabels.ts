// The data labels of the program's NASM sources, with constants from the files they %include
// (`buf: times BUF_LEN db 0` where BUF_LEN lives in an include file).
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

/** Labels of `files` (gdb's source list), typed from their definitions. */
export function sourceDataLabels(files: string[]): DataLabel[] {
  const documents = withIncludes(files);
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
