// All lints of a document (syscalls, includes not read); a block's lints are kept as long as its analysis is.
import type { BlockAnalysis } from '../analysis/dataflow';
import type { AsmDocument } from '../../nasm/document/document';
import type { Workspace } from '../workspace';
import { programView, type ResolvedSite } from './syscallFacts';
import { includeLints } from './includeLints';
import { lintBlock, type Lint } from './syscallLints';

const lintCache = new WeakMap<BlockAnalysis, { sites: readonly ResolvedSite[]; lints: Lint[] }>();

export function lintDocument(workspace: Workspace, document: AsmDocument): Lint[] {
  const structure = document.structure;
  const bitsAt = (line: number) => structure.bitsAt(line, workspace.defaultBits);
  const lints: Lint[] = includeLints(workspace, document);
  const analysis = workspace.analysis(document);
  const view = programView(analysis.program());
  for (const block of analysis.allBlocks()) {
    const sites = view.sitesBetween(block.start, block.end);
    if (!sites.length && !block.clobberedReads.length) continue;
    let cached = lintCache.get(block);
    if (!cached || cached.sites.length !== sites.length || cached.sites.some((s, i) => s !== sites[i])) {
      cached = { sites, lints: lintBlock(block, document, bitsAt, sites) };
      lintCache.set(block, cached);
    }
    for (const lint of cached.lints) lints.push(lint);
  }
  return lints;
}
