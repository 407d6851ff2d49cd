import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { messagePlaces, parseLinkerMessages, parseNasmMessages, splitToolOutput } from '../../../toolchain/nasmMessages';
import { detectFormat, sourceKindOf } from '../../../toolchain/build';
import { findExecutable, requireTool, ToolNotFoundError } from '../../../toolchain/tools';

describe('nasm messages', () => {
  it('keeps file, line, severity and text, with macro context attached to the message before it', () => {
    const stderr = [
      't.asm:5: error: parser: instruction expected',
      "inc.inc:3: ... from macro `bad' defined here",
      'w.asm:3: warning: dword data exceeds bounds [-w+number-overflow]',
    ].join('\n');
    expect(parseNasmMessages(stderr)).toEqual([
      { file: 't.asm', line: 5, severity: 'error', message: 'parser: instruction expected',
        context: [{ file: 'inc.inc', line: 3, message: "from macro `bad' defined here" }] },
      { file: 'w.asm', line: 3, severity: 'warning', message: 'dword data exceeds bounds [-w+number-overflow]', context: [] },
    ]);
  });

  it('keeps a known file name with line breaks in one message', () => {
    const file = '/w/a\nb/x\ny.asm';
    const stderr = `${file}:7: warning: label alone on a line without a colon might be in error\n${file}:9: error: symbol \`nope' not defined\n`;
    expect(parseNasmMessages(stderr, [file]).map((m) => [m.file, m.line, m.severity])).toEqual([[file, 7, 'warning'], [file, 9, 'error']]);
    expect(splitToolOutput('a\nb', [])).toEqual(['a', 'b']);
  });

  it('accepts file names with colons and spaces', () => {
    const [m] = parseNasmMessages('my dir/a:b.asm:12: fatal: unable to open include file `x.inc\'');
    expect(m).toMatchObject({ file: 'my dir/a:b.asm', line: 12, severity: 'error' });
  });

  it('keeps lines it does not recognise instead of dropping them', () => {
    expect(parseNasmMessages('nasm: fatal: no input file specified\nsomething odd')).toEqual([
      { file: '', line: 0, severity: 'error', message: 'no input file specified', context: [] },
      { file: '', line: 0, severity: 'error', message: 'something odd', context: [] },
    ]);
  });
});

describe('ld messages', () => {
  it('locates undefined references by the DWARF file:line ld prints', () => {
    const stderr = "ld: u.o: in function `_start':\n/tmp/nt//u.asm:6: undefined reference to `nothere'\n";
    expect(parseLinkerMessages(stderr)).toEqual([
      { file: '/tmp/nt//u.asm', line: 6, severity: 'error', message: "undefined reference to `nothere'", context: [] },
    ]);
  });

  it('keeps unlocated linker errors', () => {
    expect(parseLinkerMessages("ld: cannot find entry symbol _start; defaulting to 401000\n")[0])
      .toMatchObject({ file: '', message: 'cannot find entry symbol _start; defaulting to 401000' });
  });
});

describe('source kinds and formats', () => {
  it('tells NASM from C and refuses the rest', () => {
    expect(sourceKindOf('/x/hello.asm')).toBe('nasm');
    expect(sourceKindOf('/x/hello.NASM')).toBe('nasm');
    expect(sourceKindOf('/x/hello.c')).toBe('c');
    expect(sourceKindOf('/x/hello.s')).toBeUndefined();
  });

  it('reads bits 32 in every spelling, and falls back to the setting', () => {
    expect(detectFormat('bits 32\n')).toBe('elf32');
    expect(detectFormat('  [BITS 32]\n')).toBe('elf32');
    expect(detectFormat('; bits 32 in a comment\nsection .text\n')).toBe('elf64');
    expect(detectFormat('section .text\n', 'elf32')).toBe('elf32');
    expect(detectFormat('bits 64\n', 'elf32')).toBe('elf64');
    expect(detectFormat('section .text\nuse32\n')).toBe('elf32');
  });

  it('takes the language server\'s rule: org or 16-bit code is a flat binary', () => {
    expect(detectFormat('org 0x7c00\nbits 16\n')).toBe('bin');
    expect(detectFormat('[org 0x400000]\nbits 64\n')).toBe('bin');
    expect(detectFormat('bits 16\nstart: jmp start\n')).toBe('bin');
    expect(detectFormat('; org 0x100 in a comment\nsection .text\n')).toBe('elf64');
  });
});

describe('tool discovery', () => {
  it('finds programs on PATH without a shell and refuses missing ones with an install hint', () => {
    expect(findExecutable('sh')).toMatch(/\/sh$/);
    expect(findExecutable('definitely-not-a-tool-xyz')).toBeUndefined();
    expect(() => requireTool('strace', { strace: '/nonexistent/strace' })).toThrow(ToolNotFoundError);
    expect(() => requireTool('strace', { strace: '/nonexistent/strace' })).toThrow(/apt-get install strace/);
  });
});

describe('messagePlaces', () => {
  const resolve = (base: string, file: string) => path.resolve(path.dirname(base), file);

  it('shows an error inside a macro at the invocation and again at the body line, each naming the other', () => {
    const messages = parseNasmMessages('prog.asm:5: error: parser: instruction expected\nlib/sys.inc:3: ... from macro `exit_with\' defined here\n');
    expect(messagePlaces(messages, '/w/prog.asm', resolve)).toEqual([
      {
        file: '/w/prog.asm', line: 5, severity: 'error', message: 'parser: instruction expected',
        related: [{ file: '/w/lib/sys.inc', line: 3, message: 'from macro `exit_with\' defined here' }], echo: false,
      },
      {
        file: '/w/lib/sys.inc', line: 3, severity: 'error', message: 'parser: instruction expected (expanded at prog.asm:5)',
        related: [{ file: '/w/prog.asm', line: 5, message: 'the macro is invoked here' }], echo: true,
      },
    ]);
  });

  it('echoes an error inside nested macros at the innermost body line, which nasm names last', () => {
    const messages = parseNasmMessages('main.asm:5: error: parser: instruction expected\n../lib/outer.inc:4: ... from macro `do_exit\' defined here\n../lib/inner.inc:3: ... from macro `raw_sys\' defined here\n');
    const places = messagePlaces(messages, '/w/src/main.asm', resolve);
    expect(places[0]!.related.map((r) => `${r.file}:${r.line}`)).toEqual(['/w/lib/outer.inc:4', '/w/lib/inner.inc:3']);
    expect(places[1]).toMatchObject({ file: '/w/lib/inner.inc', line: 3, echo: true });
  });

  it('shows a plain message once, and a file-less one at the source', () => {
    const messages = parseNasmMessages('a.asm:2: warning: label alone on a line without a colon might be in error\nnasm: fatal: unable to open input file `x\'\n');
    expect(messagePlaces(messages, '/w/a.asm', resolve).map((p) => [p.file, p.line, p.related.length])).toEqual([['/w/a.asm', 2, 0], ['/w/a.asm', 0, 0]]);
  });
});
