import { describe, expect, it } from 'vitest';
import { documentOutline } from '../../../../server/features/documentSymbols';
import { openDocument } from '../helpers';

describe('outline', () => {
  it('nests section › label › local label and lists macros, constants and strucs', () => {
    const { document } = openDocument('inline.asm', 'struc point\n.x resd 1\n.y resd 1\nendstruc\nN equ 1\nsection .text\nf:\n.a:\n  ret\n');
    const outline = documentOutline(document);
    expect(outline.map((n) => `${n.kind} ${n.name}`)).toEqual(['struc point', 'constant N', 'section .text']);
    expect(outline[0]!.children.map((c) => c.name)).toEqual(['.x', '.y']);
    expect(outline[2]!.children[0]).toMatchObject({ name: 'f', children: [expect.objectContaining({ name: '.a' })] });
    expect(document.structure.fieldOffsets.get('point.y')).toBe(4n);
    expect(document.structure.fieldOffsets.get('point_size')).toBe(8n);
  });
});
