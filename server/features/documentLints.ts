// All syscall lints of a document; a block's lints are kept as long as its analysis is.
import type { BlockAnalysis } from '../analysis/dataflow';
import type { AsmDocument } from '../../nasm/document/document';
import type { Workspace } from '../workspace';
import { lintBlock, type Lint } from './syscallLints';

const lintCache = new WeakMap<BlockAnalysis, { entry: number; lints: Lint[] }>();

export function lintDocument(workspace: Workspace, document: AsmDocument): Lint[] {
  const structure = document.structure;
  const bitsAt = (line: number) => structure.bitsAt(line, workspace.defaultBits);
  const lints: Lint[] = [];
  const analysis = workspace.analysis(document);
  for (const block of analysis.allBlocks()) {
    if (!block.sites.length && !block.clobberedReads.length) continue;
    const entry = analysis.entryMask(block.start);
    let cached = lintCache.get(block);
    if (!cached || cached.entry !== entry) {
      cached = { entry, lints: lintBlock(block, document, bitsAt, entry) };
      lintCache.set(block, cached);
    }
    for (const lint of cached.lints) lints.push(lint);
  }
  return lints;
}
