import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { list, MAX_NESTING, parseRecord, quoteMI, str, tuple, type MIRecord, type MIValue } from '../../../../debug-adapter/mi/parser';
import { toBreakpoint } from '../../../../debug-adapter/mi/breakpoint';
import { checkGdbVersion } from '../../../../debug-adapter/mi/gdb';

const REFERENCE = path.resolve(__dirname, '../../../fixtures/reference/gdb-mi');
const transcript = (name: string) => readFileSync(path.join(REFERENCE, name), 'utf8').split('\n').filter(Boolean);

/** Lines of drive2.out are indented and prefixed (`>> `, `   `); keep gdb's own. */
function driveLines(): string[] {
  return transcript('drive2.out').filter((l) => l.startsWith('   ') && !l.includes('[INFERIOR TTY]')).map((l) => l.trim());
}

describe('MI records from real gdb 13 transcripts', () => {
  const files = readdirSync(REFERENCE).filter((f) => f.endsWith('.out') && f !== 'drive2.out');

  it.each(files)('%s: every line is a known record, or the program output gdb let through', (file) => {
    const records = transcript(file).map(parseRecord);
    const unknown = records.filter((r): r is Extract<MIRecord, { kind: 'unknown' }> => r.kind === 'unknown');
    // Only the inferior's own "hello, world" (t3 shares gdb's pipes) is not MI.
    expect(unknown.map((u) => u.line).every((l) => /^hello, world$/.test(l))).toBe(true);
    expect(records.some((r) => r.kind === 'result')).toBe(true);
  });

  it('parses drive2.out (mi-async with the program on its own terminal)', () => {
    const lines = driveLines();
    const records = lines.map(parseRecord);
    // The capture cut its SIGINT stop short (`…,stopped-threads="all",c`): malformed, so `unknown`.
    const unknown = records.filter((r) => r.kind === 'unknown');
    expect(unknown).toHaveLength(1);
    const repaired = parseRecord(lines.find((l) => l.includes('SIGINT'))!.replace(/,c$/, ',core="1"'));
    expect(repaired.kind === 'exec' && str(repaired.results['signal-name'])).toBe('SIGINT');
    const stop = records.find((r) => r.kind === 'exec' && r.asyncClass === 'stopped');
    expect(stop && stop.kind === 'exec' && str(stop.results.reason)).toBe('end-stepping-range');
  });

  it('reads a breakpoint-hit stop with its frame tuple', () => {
    const line = transcript('t1.out').find((l) => l.startsWith('*stopped,reason="breakpoint-hit"'))!;
    const record = parseRecord(line);
    expect(record).toMatchObject({ kind: 'exec', asyncClass: 'stopped' });
    if (record.kind !== 'exec') return;
    const frame = tuple(record.results.frame)!;
    expect(str(frame.func)).toBe('_start');
    expect(str(frame.line)).toBe('17');
    expect(list(frame.args)).toEqual([]);
  });

  it('reads a stop without a reason (finish from a label, t1)', () => {
    const line = transcript('t1.out').find((l) => l.startsWith('*stopped,frame='))!;
    const record = parseRecord(line);
    expect(record.kind === 'exec' && record.results.reason).toBeUndefined();
  });

  it('reads the signal 0 stop of starti (t4)', () => {
    const line = transcript('t4.out').find((l) => l.includes('signal-name="0"'))!;
    const record = parseRecord(line);
    expect(record.kind === 'exec' && str(record.results['signal-meaning'])).toBe('Signal 0');
  });

  it('reads syscall-entry stops with the syscall number and name (t2)', () => {
    const line = transcript('t2.out').find((l) => l.includes('reason="syscall-entry"'))!;
    const record = parseRecord(line);
    expect(record.kind === 'exec' && [str(record.results['syscall-number']), str(record.results['syscall-name'])]).toEqual(['1', 'write']);
  });

  it('reads lists of results (stack=[frame={..},frame={..}]) as lists of tuples', () => {
    const line = transcript('t10.out').find((l) => l.startsWith('^done,stack=') && l.includes('level="2"'))!;
    const record = parseRecord(line);
    expect(record.kind === 'result' && list(record.results.stack).map((f) => str(tuple(f)?.func))).toEqual(['inner', 'outer', '??']);
  });

  it('keeps the gaps in the register name list (t7)', () => {
    const line = transcript('t7.out').find((l) => l.startsWith('^done,register-names='))!;
    const record = parseRecord(line);
    const names = record.kind === 'result' ? list(record.results['register-names']).map(str) : [];
    expect(names.length).toBeGreaterThan(200);
    expect(names[0]).toBe('rax');
    expect(names).toContain('');
    expect(names).toContain('orig_rax');
  });

  it('reads a pending breakpoint and a breakpoint that slid to the next code line (t5)', () => {
    const bkpts = transcript('t5.out').filter((l) => l.startsWith('^done,bkpt=')).map(parseRecord)
      .map((r) => (r.kind === 'result' ? toBreakpoint(tuple(r.results.bkpt)!) : undefined));
    expect(bkpts[0]).toMatchObject({ number: '1', line: 11, pending: false, address: 0x401000n });
    expect(bkpts.at(-1)).toMatchObject({ pending: true, address: undefined });
  });

  it('decodes escapes in stream records, including quotes and newlines', () => {
    const record = parseRecord(String.raw`~"Line 23 of \"hello.asm\" starts at address 0x7ffff7ffc029 <_start+28>.\n"`);
    expect(record).toEqual({ kind: 'console', text: 'Line 23 of "hello.asm" starts at address 0x7ffff7ffc029 <_start+28>.\n' });
  });
});

describe('MI syntax corners', () => {
  it('decodes octal escapes as UTF-8 bytes', () => {
    expect(parseRecord(String.raw`~"caf\303\251 \033[0m\t\\"`)).toEqual({ kind: 'console', text: 'café \x1b[0m\t\\' });
  });

  it('decodes plain runs, raw UTF-8 and escapes mixed in one string, and strings without escapes', () => {
    expect(parseRecord('~"ab\\tc\\303\\251d \\"q\\" é\\\\"')).toEqual({ kind: 'console', text: 'ab\tcéd "q" é\\' });
    expect(parseRecord('^done,value="0x401000 <_start>",memory=[{contents="0f05"}]')).toEqual({
      kind: 'result', token: undefined, resultClass: 'done', results: { value: '0x401000 <_start>', memory: [{ contents: '0f05' }] },
    });
  });

  it('keeps the token of a result record', () => {
    expect(parseRecord('42^done,value="7"')).toEqual({ kind: 'result', token: 42, resultClass: 'done', results: { value: '7' } });
    expect(parseRecord('7^error,msg="No registers.",code="undefined-command"')).toMatchObject({ token: 7, resultClass: 'error' });
  });

  it('folds the MI2 multi-location breakpoint quirk into `locations`', () => {
    const record = parseRecord('^done,bkpt={number="1",addr="<MULTIPLE>",times="0"},{number="1.1",addr="0x401000",line="5"},{number="1.2",addr="0x402000",line="9"}');
    const bkpt = record.kind === 'result' ? tuple(record.results.bkpt)! : {};
    expect(list(bkpt.locations).map((l) => str(tuple(l)?.number))).toEqual(['1.1', '1.2']);
    expect(toBreakpoint(bkpt)).toMatchObject({ line: 5, address: 0x401000n });
  });

  it('reads MI3 locations lists the same way', () => {
    const record = parseRecord('^done,bkpt={number="2",addr="<MULTIPLE>",locations=[{number="2.1",addr="0x10",line="3"}]}');
    expect(record.kind === 'result' && toBreakpoint(tuple(record.results.bkpt)!).line).toBe(3);
  });

  it('keeps repeated names in a tuple as a list', () => {
    const record = parseRecord('=x,a="1",a="2",a="3"');
    expect(record.kind === 'notify' && record.results.a).toEqual(['1', '2', '3']);
  });

  it('reads the prompt and empty tuples and lists', () => {
    expect(parseRecord('(gdb) ')).toEqual({ kind: 'prompt' });
    expect(parseRecord('^done,a={},b=[]')).toMatchObject({ results: { a: {}, b: [] } });
  });

  it('quotes arguments so gdb sees file names with spaces, quotes and $(…) verbatim', () => {
    const name = `/tmp/a b/"q" $(rm -rf x)\\n.asm`;
    const record = parseRecord(`~${quoteMI(name)}`);
    expect(record).toEqual({ kind: 'console', text: name });
  });
});

describe('fuzzed input', () => {
  /** A small deterministic generator, so failures reproduce. */
  function random(seed: number) {
    let x = seed;
    return () => { x = (x * 1103515245 + 12345) & 0x7fffffff; return x / 0x7fffffff; };
  }
  const ALPHABET = ['"', '\\', '{', '}', '[', ']', ',', '=', '^', '*', '~', '&', '@', '+', 'a', 'done', '0', '7', '\n', 'é', ' '];

  it('never throws on random text and random mutations of real records', () => {
    const next = random(1);
    const real = readdirSync(REFERENCE).filter((f) => f.endsWith('.out')).flatMap(transcript);
    for (let i = 0; i < 5000; i++) {
      let line: string;
      if (i % 2 === 0) {
        line = Array.from({ length: Math.floor(next() * 40) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
      } else {
        const base = real[Math.floor(next() * real.length)]!;
        const at = Math.floor(next() * base.length);
        line = base.slice(0, at) + ALPHABET[Math.floor(next() * ALPHABET.length)] + base.slice(at + Math.floor(next() * 3));
      }
      const record = parseRecord(line);
      expect(['result', 'exec', 'status', 'notify', 'console', 'target', 'log', 'prompt', 'unknown']).toContain(record.kind);
    }
  });

  it('round-trips any string through quoteMI and the c-string reader', () => {
    const next = random(7);
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: Math.floor(next() * 30) }, () => String.fromCharCode(32 + Math.floor(next() * 95))).join('');
      expect(parseRecord(`~${quoteMI(text)}`)).toEqual({ kind: 'console', text });
    }
  });
});

describe('braces around bare values', () => {
  it('reads a dprintf breakpoint whose script is `{"printf …"}`', () => {
    const record = parseRecord(String.raw`20^done,bkpt={number="1",type="dprintf",line="18",times="0",script={"printf \"x %lld\\n\",(long long)($rdx)"},original-location="a.asm:18"}`);
    expect(record.kind).toBe('result');
    const bkpt = record.kind === 'result' ? tuple(record.results.bkpt)! : {};
    expect(list(bkpt.script)).toEqual(['printf "x %lld\\n",(long long)($rdx)']);
    expect(str(bkpt['original-location'])).toBe('a.asm:18');
  });
});

describe('gdb version', () => {
  it('accepts gdb 13 and refuses gdb 8 with an install hint', () => {
    expect(checkGdbVersion('GNU gdb (Debian 13.1-3) 13.1\nCopyright (C) 2023\n')).toBeUndefined();
    expect(checkGdbVersion('GNU gdb (Ubuntu 8.1-0ubuntu3) 8.1.0.20180409-git\n')).toMatch(/gdb 8\.1 is too old: .*gdb 9 or newer \(sudo apt-get install gdb\)/);
  });
});

describe('deeply nested records', () => {
  const nested = (depth: number, open: string, close: string, inner: string) => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

  it('parses gdb-sized nesting in full', () => {
    const record = parseRecord(`^done,v=${nested(MAX_NESTING - 1, '[', ']', '"x"')}`);
    let value = record.kind === 'result' ? record.results.v : undefined;
    for (let i = 0; i < MAX_NESTING - 1; i++) value = list(value)[0];
    expect(value).toBe('x');
  });

  it.each([
    ['lists', '[', ']'],
    ['tuples', '{a=', '}'],
    ['mixed', '[{b=', '}]'],
  ])('keeps a result with 100 000 nested %s, token and all, with the deep part as raw text', (_, open, close) => {
    const line = `42^done,v=${nested(100_000, open, close, '"deep"')},after="kept"`;
    const record = parseRecord(line);
    expect(record.kind).toBe('result');
    if (record.kind !== 'result') return;
    expect(record.token).toBe(42);
    expect(str(record.results.after)).toBe('kept');
    let value: MIValue | undefined = record.results.v;
    for (let depth = 0; typeof value !== 'string'; depth++) {
      expect(depth).toBeLessThanOrEqual(MAX_NESTING);
      value = Array.isArray(value) ? value[0] : Object.values(value!)[0];
    }
    expect(value.length).toBeGreaterThan(100_000);
  });

  it('turns unbalanced or unterminated deep nesting into an unknown line, never an exception', () => {
    for (const line of [
      `^done,v=${'['.repeat(200_000)}`,
      `^done,v=${'['.repeat(100)}"${']'.repeat(100)}`,
      `*stopped,v=${'{a='.repeat(100_000)}"x"${']'.repeat(100_000)}`,
    ]) expect(parseRecord(line).kind).toBe('unknown');
  });
});
