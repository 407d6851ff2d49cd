import { describe, expect, it } from 'vitest';
import { commandLine, onCommandRun, reportCommand, shellQuoted, type CommandRecord } from '../../../toolchain/commandLog';

describe('the command log', () => {
  it('quotes only the words a shell would split or expand', () => {
    expect(shellQuoted(['/usr/bin/nasm', '-f', 'elf64', '-I/tmp/x/', 'hello.asm'])).toBe('/usr/bin/nasm -f elf64 -I/tmp/x/ hello.asm');
    expect(shellQuoted(['ld', '-o', 'my prog', 'a$b', "it's", ''])).toBe(`ld -o 'my prog' 'a$b' 'it'\\''s' ''`);
  });

  it('prints a command with variables of its own as env NAME=VALUE… before it, quoted alike', () => {
    expect(commandLine({ file: 'strace', args: ['-f', '--', 'hello'] })).toBe('strace -f -- hello');
    expect(commandLine({ file: 'strace', args: ['-k', '--', 'hello'], env: { LD_PRELOAD: '/c/u.so:/my lib.so', TZ: ':/etc/localtime' } }))
      .toBe(`env 'LD_PRELOAD=/c/u.so:/my lib.so' TZ=:/etc/localtime strace -k -- hello`);
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
