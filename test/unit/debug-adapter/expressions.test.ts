import { describe, expect, it } from 'vitest';
import {
  dottedNamesIn, expandDefines, isMemoryOperand, localLabelsIn, qualifyLocalLabels, quoteSymbolNames, readableValue, toGdbExpression,
} from '../../../debug-adapter/expressions';

describe('NASM notation in the Debug Console', () => {
  it('reads memory operands as gdb dereferences, a label in the address as its address', () => {
    expect(toGdbExpression('qword [rsp+8]')).toBe('*(unsigned long long *)($rsp+8)');
    expect(toGdbExpression('byte [rel msg]')).toBe('*(unsigned char *)((long)&msg)');
    expect(toGdbExpression('[msg + 2]')).toBe('*(unsigned long long *)((long)&msg + 2)');
    expect(toGdbExpression('dword [r8]')).toBe('*(unsigned int *)($r8)');
    expect(toGdbExpression('rax * 2')).toBe('$rax * 2');
    expect(toGdbExpression('[end]')).toBe('*(unsigned long long *)((long)&end)');
  });

  it('takes labels and constants anywhere in the address, and sizes without a space', () => {
    expect(toGdbExpression('byte [rcx + msg]')).toBe('*(unsigned char *)($rcx + (long)&msg)');
    expect(toGdbExpression('qword [NEGV+13+rsp]')).toBe('*(unsigned long long *)((long)&NEGV+13+$rsp)');
    expect(toGdbExpression('byte[msg+1]')).toBe('*(unsigned char *)((long)&msg+1)');
    expect(toGdbExpression('[_start.loop]')).toBe("*(unsigned long long *)((long)&'_start.loop')");
    expect(toGdbExpression('[rsp + rcx*4 + 0x10]')).toBe('*(unsigned long long *)($rsp + $rcx*4 + 0x10)');
  });

  it('reads operands inside larger expressions, and register names in any case', () => {
    expect(toGdbExpression('byte [msg] + 1')).toBe('*(unsigned char *)((long)&msg) + 1');
    expect(toGdbExpression('QWORD [RSP+8] - RDI')).toBe('*(unsigned long long *)($rsp+8) - $rdi');
    expect(isMemoryOperand('rax + 1')).toBe(false);
    expect(isMemoryOperand('1 + word[rsp]')).toBe(true);
  });

  it('leaves array indexing alone (C\'s argv[1], a[i][j], Rust\'s v[0])', () => {
    expect(toGdbExpression('argv[1]')).toBe('argv[1]');
    expect(toGdbExpression('grid[i][j] + 1')).toBe('grid[i][j] + 1');
    expect(toGdbExpression('(*p)[2]')).toBe('(*p)[2]');
    expect(isMemoryOperand('values [0]')).toBe(false);
  });
});

describe('NASM memory operands in a Rust frame', () => {
  it('become Rust casts, which gdb\'s Rust parser reads', () => {
    expect(toGdbExpression('qword [rsp+8]', 'rust')).toBe('*(($rsp+8) as *const u64)');
    expect(toGdbExpression('byte [rdi]', 'rust')).toBe('*(($rdi) as *const u8)');
    expect(toGdbExpression('rax + 1', 'rust')).toBe('$rax + 1');
  });
});

describe('NASM local labels', () => {
  it('are found where a name starts, not in a member access, a number or a macro-local label', () => {
    expect(localLabelsIn('.loop')).toEqual(['.loop']);
    expect(localLabelsIn('.next - .loop + 1')).toEqual(['.next', '.loop']);
    expect(localLabelsIn('byte [.buf + rcx]')).toEqual(['.buf']);
    expect(localLabelsIn("s.x + a[0].y + f().z + 1.5 + .5 + ..@3.skip + 'parse.loop'")).toEqual([]);
  });

  it('take the scope in front', () => {
    expect(qualifyLocalLabels('.next - .loop', 'parse')).toBe('parse.next - parse.loop');
    expect(qualifyLocalLabels('byte [.buf+1]', 'msg')).toBe('byte [msg.buf+1]');
  });
});

describe('dotted symbols', () => {
  it('are quoted for gdb when they are symbols, members stay members', () => {
    expect(dottedNamesIn('msg.len * 2 + s.x + msg.len')).toEqual(['msg.len', 's.x']);
    expect(quoteSymbolNames('msg.len * 2 + s.x', (name) => name === 'msg.len')).toBe("'msg.len' * 2 + s.x");
    expect(quoteSymbolNames("(long)&'_start.loop'", () => true)).toBe("(long)&'_start.loop'");
  });
});

describe('%defines', () => {
  const defines = new Map([['STDOUT', '1'], ['arg1', 'rdi'], ['N', '1+2'], ['LAST', 'N-1'], ['SELF', 'SELF']]);

  it('are replaced by their text, as NASM\'s preprocessor does, defines inside defines too', () => {
    expect(expandDefines('STDOUT', defines)).toBe('1');
    expect(expandDefines('qword [arg1 + 8]', defines)).toBe('qword [rdi + 8]');
    expect(expandDefines('N*2', defines)).toBe('1+2*2');
    expect(expandDefines('LAST', defines)).toBe('1+2-1');
    expect(expandDefines('SELF', defines)).toBe('SELF');
  });

  it('leave other names, registers, members and local labels alone', () => {
    expect(expandDefines('STDOUTX + $N + s.N + .N + msg.STDOUT', defines)).toBe('STDOUTX + $N + s.N + .N + msg.STDOUT');
  });
});

describe('gdb\'s values', () => {
  it('show a code label as its address, a local label as NASM names it', () => {
    expect(readableValue('{<text variable, no debug info>} 0x401046 <parse[loop]>')).toBe('0x401046 <parse.loop>');
    expect(readableValue('0x401047 <parse[loop]+1>')).toBe('0x401047 <parse.loop+1>');
    expect(readableValue('{int (int, char **)} 0x401136 <main>')).toBe('{int (int, char **)} 0x401136 <main>');
  });
});
