import { describe, expect, it } from 'vitest';
import { semanticTokens, TOKEN_TYPES } from '../../../../server/features/semanticTokens';
import { openDocument } from '../helpers';

describe('semantic tokens', () => {
  it('marks labels, constants, macros, registers and inactive %if branches', () => {
    const { workspace, document } = openDocument('inline.asm', '%define FAST 0\n%if FAST\n  mov rax, 1\n%endif\nN equ 3\n%macro m 0\n%endmacro\nf:\n  mov rax, N\n  m\n');
    const data = semanticTokens(workspace, document);
    const decoded: string[] = [];
    let line = 0;
    let start = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      start = data[i] === 0 ? start + data[i + 1]! : data[i + 1]!;
      decoded.push(`${line}:${start} ${TOKEN_TYPES[data[i + 3]!]}`);
    }
    expect(decoded).toEqual(expect.arrayContaining(['2:2 comment', '4:0 variable', '7:0 function', '8:6 variable', '8:11 variable', '9:2 macro']));
    expect(decoded.filter((d) => d.startsWith('2:'))).toEqual(['2:2 comment']);
  });
});
