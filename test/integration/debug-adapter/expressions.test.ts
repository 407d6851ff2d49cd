// NASM notation in the Debug Console, watches and hovers, against real nasm and gdb: local labels in the
// scope where the program stopped, data labels in arithmetic as NASM reads them, %defines, dotted symbols.
import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { children, fixture, launchConfigured, lineOf, scopeVariables, useDebugClient } from './harness';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

const program = fixture('wordcount.asm');

async function frameIds(): Promise<number[]> {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames.map((f) => f.id);
}

async function evaluate(expression: string, context = 'repl', frame = 0): Promise<string> {
  return (await dc.evaluateRequest({ expression, context, frameId: (await frameIds())[frame] })).body.result;
}

/** gdb's own address of a symbol (`info address`), to compare with. */
async function addressOf(symbol: string): Promise<bigint> {
  const reply = await evaluate(`-exec info address ${symbol}`);
  return BigInt(/is at (0x[0-9a-f]+)/.exec(reply)![1]!);
}

const hex = (value: bigint) => `0x${value.toString(16)}`;

async function stopAt(...markers: string[]): Promise<void> {
  const lines = markers.map((marker) => ({ line: lineOf(program, marker) }));
  await launchConfigured(dc, { program, stopAtEntry: false }, () => dc.setBreakpointsRequest({ source: { path: program }, breakpoints: lines }));
}

describe('NASM local labels', () => {
  it('read as the label of the procedure the program stopped in, typed or hovered', async () => {
    await stopAt('LINE_LOOP');
    const base = await addressOf('parse.base');
    for (const context of ['repl', 'hover', 'watch']) {
      expect(await evaluate('.base', context)).toBe(`${hex(base)} <parse.base>`);
      expect(await evaluate('.loop', context)).toBe(`${hex(await addressOf('parse.loop'))} <parse.loop>`);
    }
    expect(await evaluate('.loop + 1')).toBe(`${hex(await addressOf('parse.loop') + 1n)} <parse.loop+1>`);
    expect(await evaluate('byte [.base]')).toBe(await evaluate(`-exec output *(unsigned char *)${hex(base)}`));
  });

  it('complete in the console from the procedure\'s labels', async () => {
    await stopAt('LINE_LOOP');
    const labels = async (text: string) => (await dc.completionsRequest({ text, column: text.length + 1 })).body.targets.map((t) => t.label);
    expect(await labels('jmp .')).toEqual(expect.arrayContaining(['.base', '.loop', '.gap', '.next']));
    expect(await labels('.l')).toContain('.loop');
    expect(await labels('.l')).not.toContain('.len'); // msg's, not parse's
    expect(await labels('STD')).toContain('STDOUT');
  });

  it('keep the procedure\'s scope in the code after one of its local labels', async () => {
    await stopAt('LINE_LEAVE'); // under .next
    expect((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!.name).toBe('parse · .next');
    expect(await evaluate('.loop', 'hover')).toBe(`${hex(await addressOf('parse.loop'))} <parse.loop>`);
    expect(await evaluate('.next - .loop')).toBe(String(await addressOf('parse.next') - await addressOf('parse.loop')));
  });

  it('keep the procedure\'s scope after a macro\'s own label (%%ok, the symbol ..@N.ok)', async () => {
    await stopAt('LINE_WRITTEN');
    expect(await evaluate('.loop', 'hover')).toBe(`${hex(await addressOf('print.loop'))} <print.loop>`);
  });

  it('take the scope of the procedure a frame is in, and say which labels of that name exist elsewhere', async () => {
    await stopAt('LINE_PRINT');
    expect(await evaluate('.loop', 'hover')).toBe(`${hex(await addressOf('print.loop'))} <print.loop>`);
    // print has no .base; the caller's frame is in _start, which has no local labels.
    await expect(evaluate('.base')).rejects.toThrow('No local label .base in print (print.base); the labels of that name: parse.base.');
    await expect(evaluate('.loop', 'repl', 1)).rejects.toThrow(/No local label \.loop in _start .*parse\.loop, print\.loop/);
    // `.len` of msg is an equ written after msg, not a label of print.
    await expect(evaluate('.len')).rejects.toThrow(/the labels of that name: msg\.len/);
    expect(await evaluate('msg.len')).toBe('7 (0x7)');
  });
});

describe('registers', () => {
  it('read in decimal and in hex at their width, a pointer register as an address', async () => {
    await stopAt('LINE_LOOP');
    await evaluate('-exec set var $rax = -38');
    expect(await evaluate('rax')).toBe('-38 (0xffffffffffffffda)');
    expect(await evaluate('EAX', 'hover')).toBe('-38 (0xffffffda)');
    expect(await evaluate('al', 'watch')).toBe('-38 (0xda)');
    expect(await evaluate('rax + 1')).toBe('-37');
    expect(await evaluate('rsp')).toMatch(/^0x7ff[0-9a-f]+$/);
  });
});

describe('NASM local labels hovered in the editor', () => {
  async function hover(expression: string, line: number): Promise<string> {
    const frameId = (await frameIds())[0];
    return (await dc.evaluateRequest({ expression, context: 'hover', frameId, source: { path: program }, line, column: 5 })).body.result;
  }

  it('read as the label of the procedure written where the hover is, not where the program stopped', async () => {
    await stopAt('LINE_LOOP'); // in parse
    // print's `jnz .loop`, hovered while stopped in parse: print's .loop, as nasm reads that line.
    const printLoop = lineOf(program, 'LINE_WRITTEN') + 1;
    expect(await hover('.loop', printLoop)).toBe(`${hex(await addressOf('print.loop'))} <print.loop>`);
    expect(await hover('.loop', lineOf(program, 'LINE_LOOP'))).toBe(`${hex(await addressOf('parse.loop'))} <parse.loop>`);
    // Where nothing scopes the line (the file's first lines), the frame's procedure does.
    expect(await hover('.base', 1)).toBe(`${hex(await addressOf('parse.base'))} <parse.base>`);
  });
});

describe('NASM local labels in breakpoint conditions and logpoints', () => {
  it('read in the scope of the procedure written at the breakpoint\'s line', async () => {
    // LINE_LOOP is parse's .loop: (print has a .loop of its own); its instruction is 2 bytes long.
    const line = lineOf(program, 'LINE_LOOP');
    const stopped = await launchConfigured(dc, { program, stopAtEntry: false }, async () => {
      const set = await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [
        { line, condition: 'rip == .loop' },
        { line: line + 1, logMessage: 'at .loop + {rip - .loop}' },
      ] });
      expect(set.body.breakpoints.map((b) => [b.verified, b.message])).toEqual([[true, undefined], [true, undefined]]);
    });
    // Stopped by the condition: at parse's .loop, which print's would not be.
    expect(stopped.body.reason).toBe('breakpoint');
    expect((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!.line).toBe(line);
    const logged = dc.assertOutput('console', 'at .loop + 2');
    await dc.continueRequest({ threadId: 1 });
    await logged;
  });
});

describe('data labels without a type in arithmetic', () => {
  it('are their address, as in NASM, while a lone label still shows its data', async () => {
    await stopAt('LINE_LEAVE');
    const count = await addressOf('count');
    expect(await evaluate('count + 1')).toBe(`${hex(count + 1n)} <count+1>`);
    expect(await evaluate('buf + 3')).toBe(`${hex(await addressOf('buf') + 3n)} <buf+3>`);
    // rsi has walked the whole text: a difference of addresses is a number.
    expect(await evaluate('rsi - text')).toBe('15 (0xf)');
    expect(await evaluate('result + tally.lines')).toBe(`${hex(await addressOf('result') + 12n)} <result+12>`);
    // Memory is read only in brackets.
    expect(await evaluate('byte [buf + 4]')).toBe("116 't'");
    expect(await evaluate('word [result + tally.lines]')).toBe('1');
    expect(await evaluate('dword [limits + 4]')).toBe('20');
    // The lone label keeps its typed data: the gaps counted (three spaces and the newline).
    expect(await evaluate('count')).toBe('0 (0x0)');
    expect(await evaluate('spaces')).toBe('4 (0x4)');
    expect(await evaluate('spaces + 0')).toBe(`${hex(await addressOf('spaces'))} <spaces>`);
  });

  it('include local labels in data, shown typed in the Data scope and the console', async () => {
    await stopAt('LINE_LEAVE');
    expect(await evaluate('table.sentinel')).toBe('0 (0x0)');
    expect((await scopeVariables(dc, 'Data')).find((v) => v.name === 'table.sentinel')).toMatchObject({ value: '0 (0x0)', type: 'int8[1] in .data' });
    expect(await evaluate('table.sentinel - table')).toBe('8 (0x8)');
    expect(await evaluate('table.sentinel + 1')).toBe(`${hex(await addressOf('result'))} <result>`);
  });
});

describe('an istruc instance', () => {
  it('shows its struc\'s fields, each read as NASM reads it', async () => {
    await stopAt('LINE_PRINT'); // result.words holds the count
    const shown = await dc.evaluateRequest({ expression: 'result', context: 'watch' });
    expect([shown.body.result, shown.body.type]).toEqual(['{words: 3, bytes: 0, lines: 1, last: 0}', 'tally in .data']);
    const fields = (await dc.variablesRequest({ variablesReference: shown.body.variablesReference })).body.variables;
    expect(fields.map((f) => [f.name, f.value, f.type])).toEqual([
      ['.words', '3 (0x3)', 'int64'], ['.bytes', '0 (0x0)', 'int32'], ['.lines', '1 (0x1)', 'int16'], ['.last', '0 (0x0)', 'int8'],
    ]);
    expect(BigInt(fields[2]!.memoryReference!)).toBe(await addressOf('result') + 12n);
    expect(await evaluate(fields[0]!.evaluateName!)).toBe('3');
    expect(await evaluate(fields[2]!.evaluateName!)).toBe('1');
  });
});

describe('a register edited in the Variables view', () => {
  it('takes a value as the console reads it: a data label as its address, %defines and dotted constants', async () => {
    await stopAt('LINE_LOOP');
    const general = (await scopeVariables(dc, 'Registers')).find((v) => v.name === 'General purpose')!;
    await children(dc, general); // as the view lists them before an edit
    const set = async (name: string, value: string) => (await dc.setVariableRequest({ variablesReference: general.variablesReference, name, value })).body.value;
    expect(await set('rsi', 'buf + 4')).toBe(hex(await addressOf('buf') + 4n));
    expect(await set('rdi', 'STDOUT + msg.len')).toBe('0x8');
  });
});

describe('a breakpoint condition', () => {
  it('reads data labels, %defines and dotted constants as the console does, at every hit', async () => {
    await launchConfigured(dc, { program, stopAtEntry: false }, async () => {
      const set = await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: lineOf(program, 'LINE_LOOP'), condition: 'rsi == text + msg.len - 4 && STDOUT == 1' }] });
      expect(set.body.breakpoints[0]!.verified).toBe(true);
    });
    // The fourth byte of "one two  three": the first gap.
    expect(await evaluate('rsi - text')).toBe('3 (0x3)');
    expect(await evaluate('byte [rsi]')).toBe("32 ' '");
  });
});

describe('%defines and dotted symbols', () => {
  it('read as NASM reads them', async () => {
    await stopAt('LINE_LOOP');
    expect(await evaluate('STDOUT')).toBe('1 (0x1)'); // %define: no symbol in the program
    expect(await evaluate('STDOUT + SYS_WRITE')).toBe('2');
    expect(await evaluate('msg.len * 2')).toBe('14');
    expect(await evaluate('tally.lines')).toBe('12 (0xc)');
    expect(await evaluate('tally_size - tally.last')).toBe('1');
  });
});

describe('C names', () => {
  it('keep gdb\'s meaning: typed ones their value, an untyped one of the C runtime a request for a cast', async () => {
    const source = fixture('locals.c');
    await launchConfigured(dc, { program: source }, () => dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: lineOf(source, 'LINE_SUM') }] }));
    expect(await evaluate('a + 1')).toBe('41');
    // Asking whether `a.x` is a NASM symbol leaves no complaint in the Debug Console.
    const output: string[] = [];
    dc.on('output', (event: { body: { output: string } }) => output.push(event.body.output));
    await expect(evaluate('a.x', 'hover')).rejects.toThrow('Attempt to extract a component of a value that is not a structure.');
    await evaluate('-exec echo done\\n'); // every output before it has arrived
    expect(output.join('')).not.toContain('No symbol');
    await expect(evaluate('data_start + 1')).rejects.toThrow("'data_start' has unknown type; cast it to its declared type");
  });
});
