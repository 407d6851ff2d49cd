// All lints of a document (syscalls, includes not read); a block's lints are kept as long as its analysis is.
import type { BlockAnalysis } from '../analysis/dataflow';
import type { AsmDocument } from '../../nasm/document/document';
import type { Workspace } from '../workspace';
import type { SiteState } from '../analysis/interpreter';
import { blockIndexAt } from '../analysis/program';
import { resolvedState } from './syscallFacts';
import { includeLints } from './includeLints';
import { lintBlock, type Lint } from './syscallLints';

const lintCache = new WeakMap<BlockAnalysis, { sites: readonly SiteState[]; lints: Lint[] }>();
/** Per document: the program the last lints came from (its serial) and the blocks that had lints then, in order. */
const lastRun = new WeakMap<AsmDocument, { program: number; linted: BlockAnalysis[] }>();

export function lintDocument(workspace: Workspace, document: AsmDocument): Lint[] {
  const structure = document.structure;
  const bitsAt = (line: number) => structure.bitsAt(line, workspace.defaultBits);
  const lints: Lint[] = includeLints(workspace, document);
  const program = workspace.analysis(document).program();
  const linted: BlockAnalysis[] = [];
  const lintAt = (index: number) => {
    const block = program.blocks[index]!;
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
    if (cached.lints.length) linted.push(block);
    for (const lint of cached.lints) lints.push(lint);
  };
  const last = lastRun.get(document);
  const rerun = last?.program === program.serial ? [] : last && program.derivedFrom === last.program ? program.rerunBlocks : undefined;
  if (last && rerun) {
    // Only blocks that ran again or had lints can have lints now: every other block kept its site list
    // (and had no lint with it), so the walk over every block is left out.
    const indexes = new Set(rerun);
    for (const block of last.linted) {
      const i = blockIndexAt(program.blocks, block.start);
      if (program.blocks[i] === block) indexes.add(i);
    }
    for (const i of [...indexes].sort((a, b) => a - b)) lintAt(i);
  } else {
    for (let i = 0; i < program.blocks.length; i++) lintAt(i);
  }
  lastRun.set(document, { program: program.serial, linted });
  return lints;
}
