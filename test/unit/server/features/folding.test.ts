import { describe, expect, it } from 'vitest';
import { AsmDocument } from '../../../../nasm/document/document';
import { foldingRanges } from '../../../../server/features/folding';

describe('folding', () => {
  it('folds sections, labels, macros, %if blocks and comment blocks', () => {
    const document = new AsmDocument('file:///f.asm', [
      '; a', '; b', '%macro m 0', '  nop', '%endmacro', '%ifdef X', '  nop', '%else', '  nop', '%endif',
      'section .text', 'f:', '  nop', '  ret',
    ].join('\n'));
    const folds = foldingRanges(document).map((f) => `${f.startLine}-${f.endLine}${f.kind ? ` ${f.kind}` : ''}`);
    expect(folds).toEqual(expect.arrayContaining(['0-1 comment', '2-4', '5-6', '7-9', '10-13', '11-13']));
  });
});
