import { describe, expect, it } from 'vitest';
import { logMessageParts } from '../../../debug-adapter/logpoints';

describe('logpoints', () => {
  it('splits a message into text and expressions in gdb\'s notation; bare names are registers', () => {
    expect(logMessageParts('rax={rax} 100% n={count + 1} {counts}')).toEqual([
      ['rax=', null], ['', '$rax'], [' 100% n=', null], ['', 'count + 1'], [' ', null], ['', 'counts'],
    ]);
  });

  it('expands %defines in the expressions, not in the text around them', () => {
    expect(logMessageParts('STDOUT={STDOUT} arg={qword [arg1]}', 'c', new Map([['STDOUT', '1'], ['arg1', 'rdi']]))).toEqual([
      ['STDOUT=', null], ['', '1'], [' arg=', null], ['', '*(unsigned long long *)($rdi)'],
    ]);
  });

  it('reads NASM memory operands, in a Rust line\'s language too', () => {
    expect(logMessageParts('top={qword [rsp]}')).toEqual([['top=', null], ['', '*(unsigned long long *)($rsp)']]);
    expect(logMessageParts('{byte [rdi]}', 'rust')).toEqual([['', '*(($rdi) as *const u8)']]);
  });
});
