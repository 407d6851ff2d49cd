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

  it('is built again only when an edit moves or renames a symbol', () => {
    const { document } = openDocument('edited.asm', 'section .text\nf:\n  mov eax, 1\n.a:\n  ret\n');
    const first = documentOutline(document);
    // An operand changes: nothing in the outline can change, the same answer is given.
    document.applyChange({ range: { start: { line: 2, character: 11 }, end: { line: 2, character: 12 } }, text: '60' });
    expect(documentOutline(document)).toBe(first);
    // A label is renamed: the outline follows.
    document.applyChange({ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, text: 'main' });
    const renamed = documentOutline(document);
    expect(renamed).not.toBe(first);
    expect(renamed[0]!.children.map((c) => c.name)).toEqual(['main']);
    // A line inserted above shifts every symbol.
    document.applyChange({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '; header\n' });
    expect(documentOutline(document)[0]!.children[0]!.line).toBe(2);
  });
});
