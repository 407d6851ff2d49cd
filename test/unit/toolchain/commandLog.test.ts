import { describe, expect, it } from 'vitest';
import { onCommandRun, reportCommand, shellQuoted, type CommandRecord } from '../../../toolchain/commandLog';

describe('the command log', () => {
  it('quotes only the words a shell would split or expand', () => {
    expect(shellQuoted(['/usr/bin/nasm', '-f', 'elf64', '-I/tmp/x/', 'hello.asm'])).toBe('/usr/bin/nasm -f elf64 -I/tmp/x/ hello.asm');
    expect(shellQuoted(['ld', '-o', 'my prog', 'a$b', "it's", ''])).toBe(`ld -o 'my prog' 'a$b' 'it'\\''s' ''`);
  });

  it('tells every listener, until it is removed, and survives a listener that throws', () => {
    const seen: CommandRecord[] = [];
    const stopBroken = onCommandRun(() => { throw new Error('broken'); });
    const stop = onCommandRun((record) => seen.push(record));
    reportCommand({ file: 'nasm', args: ['-v'] });
    stop();
    stopBroken();
    reportCommand({ file: 'ld', args: ['-v'] });
    expect(seen.map((r) => r.file)).toEqual(['nasm']);
  });
});
