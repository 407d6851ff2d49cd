import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configurationFor, readTraceConfigurations } from '../../../trace/configuration';

const FOLDER = '/home/user/project';

describe('syscallLens.trace.configurations', () => {
  it('finds the entry of a program by its path in the workspace folder, paths made absolute', () => {
    const { configurations, problems } = readTraceConfigurations([
      { program: 'src/cat.asm', args: ['notes.txt', '-n'], stdin: 'data/input.txt', env: { LANG: 'C' }, cwd: 'data' },
      { program: '${workspaceFolder}/src/echo.asm', args: ['a b'] },
    ]);
    expect(problems).toEqual([]);
    expect(configurationFor(configurations, path.join(FOLDER, 'src/cat.asm'), FOLDER)).toEqual({
      args: ['notes.txt', '-n'], stdin: path.join(FOLDER, 'data/input.txt'), env: { LANG: 'C' }, cwd: path.join(FOLDER, 'data'),
    });
    expect(configurationFor(configurations, path.join(FOLDER, 'src/echo.asm'), FOLDER)).toEqual({ args: ['a b'] });
    expect(configurationFor(configurations, path.join(FOLDER, 'src/other.asm'), FOLDER)).toBeUndefined();
  });

  it('lets the last of several entries for one program win, and keeps absolute paths', () => {
    const { configurations } = readTraceConfigurations([
      { program: 'hello.asm', args: ['first'] }, { program: '/elsewhere/hello.asm' }, { program: './hello.asm', args: ['second'], stdin: '/tmp/in' },
    ]);
    expect(configurationFor(configurations, path.join(FOLDER, 'hello.asm'), FOLDER)).toEqual({ args: ['second'], stdin: '/tmp/in' });
    expect(configurationFor(configurations, '/elsewhere/hello.asm', FOLDER)).toEqual({ args: [] });
  });

  it('reports each malformed entry and uses none of it', () => {
    const { configurations, problems } = readTraceConfigurations([
      { args: ['x'] }, { program: 'a.asm', args: 'x y' }, { program: 'b.asm', env: { N: 3 } }, 'c.asm', { program: 'ok.asm', stdin: 'in.txt' },
    ]);
    expect(configurations).toEqual([{ program: 'ok.asm', stdin: 'in.txt' }]);
    expect(problems).toEqual([
      'syscallLens.trace.configurations[0]: "program" (a file name) is missing',
      'syscallLens.trace.configurations[1]: "args" must be a list of strings',
      'syscallLens.trace.configurations[2]: "env" must map names to strings',
      'syscallLens.trace.configurations[3] is not an object',
    ]);
    expect(readTraceConfigurations({ program: 'a.asm' }).problems).toEqual(['syscallLens.trace.configurations must be a list of configurations']);
    expect(readTraceConfigurations(undefined)).toEqual({ configurations: [], problems: [] });
  });
});
