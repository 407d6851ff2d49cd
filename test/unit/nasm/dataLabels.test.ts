import { describe, expect, it } from 'vitest';
import { dataLabels } from '../../../nasm/document/dataLabels';
import { AsmDocument } from '../../../nasm/document/document';

const labelsOf = (lines: string[]) => dataLabels(new AsmDocument('file:///t.asm', lines.join('\n')))
  .map((l) => [l.name, l.section, l.kind, l.elementSize, l.count, l.line]);

describe('data labels typed from the document model', () => {
  it('finds each label with its section, element size, count and line', () => {
    expect(labelsOf([
      'section .data',
      'msg:    db "Hello", 10, 0   ; text',
      'nums    dq 1, 2, 3',
      'table:',
      '        dw 7, 8',
      'semi:   db "a;b", 0',
      'pad:    times 4 dd 0',
      '.local: db 1',
      'len:    equ $ - msg',
      'section .bss',
      'buf:    resb 64',
      'qs:     resq 2',
      'section .text',
      'code:   db 0x90',
    ])).toEqual([
      ['msg', '.data', 'string', 1, 7, 2],
      ['nums', '.data', 'numbers', 8, 3, 3],
      ['table', '.data', 'numbers', 2, 2, 4],
      ['semi', '.data', 'string', 1, 4, 6],
      ['pad', '.data', 'numbers', 4, 4, 7],
      ['pad.local', '.data', 'numbers', 1, 1, 8],
      ['buf', '.bss', 'reserved', 1, 64, 11],
      ['qs', '.bss', 'reserved', 8, 2, 12],
    ]);
  });

  it('extends a label with continuation lines', () => {
    expect(labelsOf(['section .rodata', 'text: db "ab"', '      db "cd", 0'])[0]).toEqual(['text', '.rodata', 'string', 1, 5, 2]);
  });

  it('evaluates times and res* counts written with constants', () => {
    expect(labelsOf([
      'BUF_LEN equ 64',
      '%define SLOTS 4',
      'section .data',
      'buf: times BUF_LEN db 0',
      'grid: times SLOTS * 2 dq 0',
      'section .bss',
      'line: resb BUF_LEN + 1',
    ])).toEqual([
      ['buf', '.data', 'numbers', 1, 64, 4],
      ['grid', '.data', 'numbers', 8, 8, 5],
      ['line', '.bss', 'reserved', 1, 65, 7],
    ]);
  });

  it('resolves counts through constants another file defines', () => {
    const document = new AsmDocument('file:///t.asm', 'section .bss\nbuf: resb BUF_LEN');
    const external = (name: string) => (name === 'BUF_LEN' ? { kind: 'number' as const, value: 128n } : undefined);
    expect(dataLabels(document, external)[0]).toMatchObject({ name: 'buf', count: 128 });
  });

  it('leaves out inactive %if branches and macro bodies', () => {
    expect(labelsOf([
      '%define WIDE',
      'section .data',
      '%ifdef WIDE',
      'value: dq 1',
      '%else',
      'value: db 1',
      '%endif',
      '%macro message 2',
      '%1: db %2, 0',
      '%endmacro',
      '%if 0',
      'gone: db 1',
      '%endif',
    ])).toEqual([['value', '.data', 'numbers', 8, 1, 4]]);
  });

  it('skips struc layouts and sizes istruc instances by the struc', () => {
    expect(labelsOf([
      'struc point',
      '  .x: resd 1',
      '  .y: resd 1',
      'endstruc',
      'section .data',
      'origin: istruc point',
      '  at point.x, dd 0',
      '  at point.y, dd 0',
      'iend',
      'after: db 1',
    ])).toEqual([
      ['origin', '.data', 'numbers', 1, 8, 6],
      ['after', '.data', 'numbers', 1, 1, 10],
    ]);
  });

  it('gives an istruc instance its struc\'s fields, with their offsets and sizes', () => {
    const [origin] = dataLabels(new AsmDocument('file:///t.asm', [
      'COUNT equ 3',
      'struc point',
      '  .x:    resd 1',
      '  .tag:  resb COUNT',
      '  .next: resq 1',
      'endstruc',
      'section .data',
      'origin: istruc point',
      'iend',
    ].join('\n')));
    expect(origin!.struc).toEqual({
      name: 'point',
      fields: [
        { name: '.x', offset: 0, elementSize: 4, count: 1 },
        { name: '.tag', offset: 4, elementSize: 1, count: 3 },
        { name: '.next', offset: 7, elementSize: 8, count: 1 },
      ],
    });
  });

  it('does not take a parameterless macro call for a label', () => {
    expect(labelsOf(['%macro SAVE 0', 'push rax', '%endmacro', 'section .data', 'SAVE', 'db 1'])).toEqual([]);
  });
});
