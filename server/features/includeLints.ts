// A warning on each `%include` the server would not read, saying why (trust, not NASM, too much).
import type { AsmDocument } from '../../nasm/document/document';
import type { Workspace } from '../workspace';
import type { Lint } from './syscallLints';

export function includeLints(workspace: Workspace, document: AsmDocument): Lint[] {
  const lints: Lint[] = [];
  for (const edge of document.structure.includes) {
    const refused = workspace.includeRefusal(document, edge.path);
    if (!refused) continue;
    lints.push({
      code: 'include-not-read', severity: 'warning', line: edge.line, start: edge.start, end: edge.end,
      message: `${edge.path} was not read, so its names are unknown here: ${refused.reason}.`,
    });
  }
  return lints;
}
