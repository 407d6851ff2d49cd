// All lints of a document (syscalls, includes not read); a block's lints are kept as long as its analysis is.
import type { BlockAnalysis } from '../analysis/dataflow';
import type { AsmDocument } from '../../nasm/document/document';
import type { Workspace } from '../workspace';
import type { SiteState } from '../analysis/interpreter';
import { resolvedState } from './syscallFacts';
import { includeLints } from './includeLints';
import { lintBlock, type Lint } from './syscallLints';

const lintCache = new WeakMap<BlockAnalysis, { sites: readonly SiteState[]; lints: Lint[] }>();

export function lintDocument(workspace: Workspace, document: AsmDocument): Lint[] {
  const structure = document.structure;
  const bitsAt = (line: number) => structure.bitsAt(line, workspace.defaultBits);
  const lints: Lint[] = includeLints(workspace, document);
  const program = workspace.analysis(document).program();
  program.blocks.forEach((block, index) => {
    // A block whose results the last edit did not change has the same site list: it has no lint again
    // when it had none. Lints name lines, which move when lines are added above (the block's and its
    // setters', which may be in other blocks), so a block's lints are made again (there are few).
    const sites = program.sitesOfBlock(index);
    if (!sites.length && !block.clobberedReads.length) return;
    let cached = lintCache.get(block);
    if (cached?.sites !== sites || cached.lints.length > 0) {
      cached = { sites, lints: lintBlock(block, document, bitsAt, sites.map(resolvedState)) };
      lintCache.set(block, cached);
    }
    for (const lint of cached.lints) lints.push(lint);
  });
  return lints;
}
