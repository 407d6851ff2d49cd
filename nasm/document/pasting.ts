// Names built by token pasting. In a macro body `[%2_lut]` forms `intrax9b_lut` from the call's
// argument, and `%define F(x) x %+ _end` does the same for a single-line macro: such a name is used
// where it is never written, so a rename that edits only where it is written breaks the build.
import { tokenizeLine } from '../parser/tokens';
import type { AsmDocument } from './document';

export interface PastedPiece {
  /** 0-based line of the macro body or %define. */
  line: number;
  /** The identifier text pasted to a parameter or with `%+` (`_lut`). */
  piece: string;
  /** Where the piece ends up in the name formed: `%2_lut` makes names ending in `_lut`. */
  side: 'prefix' | 'suffix';
  /** The pasted expression as written (`%2_lut`). */
  written: string;
}

// A parameter reference: %1, %-1, %+1, %{1}, %{1:3}, %{-1}; not %% (macro-local) nor %$ (context-local).
const PARAMETER = String.raw`(?<!%)%(?:[-+]?\d+|\{[^}]*\})`;
const IDENTIFIER_PIECE = String.raw`[A-Za-z_.?$@#~][\w.?$#@~]*`;
const AFTER = new RegExp(`(${PARAMETER})(${IDENTIFIER_PIECE})`, 'g');
const BEFORE = new RegExp(`([\\w.?$#@~]+)(${PARAMETER})`, 'g');
const EXPLICIT = new RegExp(`(${IDENTIFIER_PIECE})?\\s*%\\+\\s*(${IDENTIFIER_PIECE})?`, 'g');
const DEFINE = /^\s*%i?x?define\b/i;

/** Every identifier piece pasted to a macro parameter (in macro bodies) or with `%+` (anywhere). */
export function pastedPieces(document: AsmDocument): PastedPiece[] {
  const pieces: PastedPiece[] = [];
  const inBody = new Set<number>();
  for (const macro of document.localStructure.macros.values()) for (let l = macro.line + 1; l < macro.endLine; l++) inBody.add(l);
  for (let line = 0; line < document.lineCount; line++) {
    const text = document.lineText(line);
    if (!text.includes('%')) continue;
    const comment = tokenizeLine(text).find((t) => t.kind === 'comment');
    const body = comment ? text.slice(0, comment.start) : text;
    if (inBody.has(line) || DEFINE.test(body)) {
      for (const m of body.matchAll(AFTER)) pieces.push({ line, piece: m[2]!, side: 'suffix', written: m[0] });
      for (const m of body.matchAll(BEFORE)) if (!/^\d+$/.test(m[1]!)) pieces.push({ line, piece: m[1]!, side: 'prefix', written: m[0] });
    }
    if (body.includes('%+')) {
      for (const m of body.matchAll(EXPLICIT)) {
        if (m[1]) pieces.push({ line, piece: m[1], side: 'prefix', written: m[0].trim() });
        if (m[2]) pieces.push({ line, piece: m[2], side: 'suffix', written: m[0].trim() });
      }
    }
  }
  return pieces;
}

/**
 * What `name` would be pasted from: the rest of it once the piece is taken off its end (or start).
 * Undefined when the piece is not at that end of the name.
 */
export function pastedStem(name: string, piece: PastedPiece): string | undefined {
  if (piece.piece.length >= name.length) return undefined;
  if (piece.side === 'suffix') return name.endsWith(piece.piece) ? name.slice(0, -piece.piece.length) : undefined;
  return name.startsWith(piece.piece) ? name.slice(piece.piece.length) : undefined;
}
