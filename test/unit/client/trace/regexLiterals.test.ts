import { describe, expect, it } from 'vitest';
import { requiredLiterals } from '../../../../client/trace/regexLiterals';

describe('the text every match of a regular expression contains', () => {
  it('reads runs of literal characters, lower-cased, and ends a run at anything that is not exactly one of them', () => {
    const one = (source: string) => requiredLiterals(source)?.[0];
    expect(one('openat')).toEqual(['openat']);
    expect(one('^m(un)?map\\(')).toEqual(['m', 'map(']);
    expect(one('read\\(3, "x')).toEqual(['read(3, "x']);
    expect(one('ab*c')).toEqual(['a', 'c']);
    expect(one('ab+c')).toEqual(['ab', 'c']);
    expect(one('ab+?c{1}d{2}e{0,1}f')).toEqual(['ab', 'cd', 'f']);
    expect(one('[abc]def.g\\dh\\.i\\bj')).toEqual(['def', 'g', 'h.i', 'j']);
    expect(one('ENOENT \\(No such')).toEqual(['enoent (no such']);
    expect(one('(?:x|y)z(?=w)v')).toEqual(['z', 'v']);
    expect(one('\\x41B\\u0043D\\cAE\\1F')).toEqual(['b', 'd', 'e', 'f']);
    // σ also matches ς, whose lower case is not σ: a run stops at anything not ASCII.
    expect(one('sigma σ end')).toEqual(['sigma ', ' end']);
  });

  it('reads each alternative at the top level apart, and the ones inside groups not at all', () => {
    expect(requiredLiterals('ENOENT|EACCES')).toEqual([['enoent'], ['eacces']]);
    expect(requiredLiterals('^open(at)?\\(|[|]close\\(')).toEqual([['open', '('], ['close(']]);
    expect(requiredLiterals('(read|write)\\(3')).toEqual([['(3']]);
  });

  it('gives nothing it is not sure of: an alternative without text, invalid patterns, braces and brackets read as text', () => {
    expect(requiredLiterals('ENOENT|.*')).toBeUndefined();
    expect(requiredLiterals('ENOENT|')).toBeUndefined();
    expect(requiredLiterals('(unclosed')).toBeUndefined();
    expect(requiredLiterals('a{x}')).toBeUndefined();
    expect(requiredLiterals('a]')).toBeUndefined();
    expect(requiredLiterals('')).toBeUndefined();
  });

  it('names only text that every match holds (property test against the regular expression engine)', () => {
    const atoms = ['a', 'B', 'c', 'x', '\\(', '\\)', '\\.', ' ', '=', '.', '[ab]', '[^a]', '(a|b)', '(?:ab)', '(?=a)', '\\d', '\\s', '\\b', '^', '$', '1', 'σ', 'ς', '|'];
    const quantifiers = ['', '', '', '*', '+', '?', '{2}', '{0,1}', '{1,}', '+?'];
    const alphabet = ['a', 'A', 'b', 'B', 'c', 'C', 'x', 'X', '(', ')', '.', ' ', '=', '1', 'σ', 'ς', 'Σ', 'K', '\u212a'];
    let seed = 12345;
    const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor((seed / 2147483648) * n); };
    let matched = 0;
    for (let p = 0; p < 600; p++) {
      const parts = Array.from({ length: 1 + random(5) }, () => {
        const atom = atoms[random(atoms.length)]!;
        // Assertions take no quantifier.
        return { atom, quantifier: ['^', '$', '\\b', '(?=a)', '|'].includes(atom) ? '' : quantifiers[random(quantifiers.length)]! };
      });
      const source = parts.map((part) => part.atom + part.quantifier).join('');
      let pattern: RegExp;
      try { pattern = new RegExp(source, 'i'); } catch { continue; }
      const literals = requiredLiterals(source);
      if (!literals) continue;
      const noise = () => alphabet[random(alphabet.length)]!;
      for (let t = 0; t < 300; t++) {
        // Texts that often match: each part's character (or another) repeated 0-3 times, in the pattern's order, among others.
        const text = t % 2
          ? Array.from({ length: random(10) }, () => (random(2) ? noise() : source[random(source.length)]!)).join('')
          : noise().repeat(random(2)) + parts.map((part) => {
            const literal = part.atom.length === 1 && !'.^$|'.includes(part.atom) ? part.atom : /^\\[().]$/.test(part.atom) ? part.atom[1]! : noise();
            return (random(4) ? literal : noise()).repeat(random(4));
          }).join('') + noise().repeat(random(2));
        if (!pattern.test(text)) continue;
        matched++;
        // Some alternative's runs are all in the text.
        const lower = text.toLowerCase();
        expect(literals.some((runs) => runs.every((run) => lower.includes(run))), `/${source}/i on ${JSON.stringify(text)}: ${JSON.stringify(literals)}`).toBe(true);
      }
    }
    // The test means something only if many texts matched.
    expect(matched).toBeGreaterThan(2000);
  });
});
