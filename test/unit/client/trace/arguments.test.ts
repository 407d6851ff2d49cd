import { describe, expect, it } from 'vitest';
import { describeRunOptions, joinArguments, splitArguments } from '../../../../client/trace/arguments';

describe('program arguments typed as one line', () => {
  it('splits on blanks, keeps quoted blanks, and honours escapes', () => {
    expect(splitArguments('  input.txt  -n 3 ')).toEqual(['input.txt', '-n', '3']);
    expect(splitArguments(`"two words" 'single $x \\n' a\\ b "q\\"uote" ''`)).toEqual(['two words', 'single $x \\n', 'a b', 'q"uote', '']);
    expect(splitArguments('')).toEqual([]);
  });
  it('says which quote is not closed', () => {
    expect(splitArguments('"open')).toEqual({ error: 'a double quote is not closed' });
    expect(splitArguments("it's")).toEqual({ error: 'a single quote is not closed' });
  });
  it('joins words back into a line that splits to the same words', () => {
    for (const words of [['a', 'b c', "it's", '', '$HOME', 'x"y', '-n=3']]) {
      expect(splitArguments(joinArguments(words))).toEqual(words);
    }
  });
});

describe('what a run is given, as the CodeLens says it', () => {
  const FOLDER = '/home/user/project';
  it('is described to the user as a shell would show it: arguments, then < the stdin file', () => {
    expect(describeRunOptions({ args: ['notes.txt', 'two words'], stdin: `${FOLDER}/data/in.txt` }, FOLDER)).toBe("notes.txt 'two words' < data/in.txt");
    expect(describeRunOptions({ args: [], stdin: '/tmp/in.txt' }, FOLDER)).toBe('< /tmp/in.txt');
    expect(describeRunOptions({ args: [] }, FOLDER)).toBe('');
  });
});
