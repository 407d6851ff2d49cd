// All syscall lints of a document; a block's lints are kept as long as its analysis is.
import type { BlockAnalysis } from '../analysis/dataflow';
import type { AsmDocument } from '../document/document';
import type { Workspace } from '../workspace';
import { lintBlock, type Lint } from './syscallLints';

const lintCache = new WeakMap<BlockAnalysis, Lint[]>();

export function lintDocument(workspace: Workspace, document: AsmDocument): Lint[] {
  const structure = document.structure;
  const bitsAt = (line: number) => structure.bitsAt(line, workspace.defaultBits);
  const lints: Lint[] = [];
  for (const block of workspace.analysis(document).allBlocks()) {
    let blockLints = lintCache.get(block);
    if (!blockLints) {
      blockLints = block.sites.length || block.clobberedReads.length ? lintBlock(block, document, bitsAt) : [];
      lintCache.set(block, blockLints);
    }
    for (const lint of blockLints) lints.push(lint);
  }
  return lints;
}
