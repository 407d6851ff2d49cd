import { describe, expect, it } from 'vitest';
import { callInsertion, instructionIndentation } from '../../../../client/syscallTable/insertion';

const HELLO = [
  '        section .text',
  '_start:',
  '        mov     rax, 1',
  '        syscall',
  '',
  '        mov     rax, 60',
];

describe('inserting a call from the syscall table', () => {
  it('on a blank line, replaces it with the call at the indentation of the code above', () => {
    expect(callInsertion(HELLO, 4, ['mov eax, 39', 'syscall'])).toEqual({ replaceLine: true, text: '        mov eax, 39\n        syscall' });
  });

  it('below a label, takes the indentation of the instructions that follow it', () => {
    expect(instructionIndentation(['_start:', '', '    xor edi, edi'], 0)).toBe('    ');
    expect(callInsertion(['_start:', '    ret'], 0, ['syscall'])).toEqual({ replaceLine: false, text: '\n    syscall' });
  });

  it('after an instruction, goes on a new line with that instruction\'s indentation', () => {
    expect(callInsertion(['\tmov rax, 1', '\tsyscall'], 0, ['mov eax, 60', 'syscall'])).toEqual({ replaceLine: false, text: '\n\tmov eax, 60\n\tsyscall' });
  });

  it('ignores comment lines and works in an empty file', () => {
    expect(instructionIndentation(['; header', '', '  nop'], 1)).toBe('  ');
    expect(callInsertion([''], 0, ['syscall'])).toEqual({ replaceLine: true, text: 'syscall' });
  });
});
