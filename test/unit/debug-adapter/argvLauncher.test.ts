import { describe, expect, it } from 'vitest';
import { encodeArgv, needsLauncher } from '../../../debug-adapter/argvLauncher';

describe('which arguments need the launcher', () => {
  it('lets gdb pass non-empty printable ASCII without whitespace, quotes and $ included', () => {
    expect(needsLauncher([])).toBe(false);
    expect(needsLauncher(['one', '$(two)', "'three'", '*', '--flag=x'])).toBe(false);
  });

  it('sends whitespace, empty strings, control characters and non-ASCII through the launcher', () => {
    for (const arg of ['a b', '', '\t', 'line\n', 'é', '\x7f', 'a\u00a0b']) expect(needsLauncher(['ok', arg])).toBe(true);
  });
});

describe('the launcher payload', () => {
  it('is each argv entry as UTF-8 hex after sl1., with nothing gdb could split or change', () => {
    expect(encodeArgv(['/p', 'a b', '', 'é'])).toBe('sl1.2f70.612062..c3a9');
    expect(encodeArgv(['/p'])).toBe('sl1.2f70');
    expect(encodeArgv(['/bin/x', ' $HOME * \'"\n'])).toMatch(/^[0-9a-z.]+$/);
  });
});
