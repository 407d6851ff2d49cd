import { describe, expect, it } from 'vitest';
import { hitRuleOf } from '../../../debug-adapter/breakpoints';

describe('hit counts', () => {
  it('turns >= and > into gdb ignore counts', () => {
    expect(hitRuleOf('>= 1')).toEqual({ ignoreCount: 0 });
    expect(hitRuleOf('>=3')).toEqual({ ignoreCount: 2 });
    expect(hitRuleOf('> 2')).toEqual({ ignoreCount: 2 });
    expect(hitRuleOf(undefined)).toBeUndefined();
    expect(hitRuleOf('  ')).toBeUndefined();
  });

  it('counts hits for one hit (3, == 3) and every nth (% 3) in a gdb variable', () => {
    const rule = (text: string) => {
      const found = hitRuleOf(text);
      return found && 'counted' in found ? found.counted('$c') : found;
    };
    expect(rule('3')).toBe('($c = $c + 1) == 3');
    expect(rule('== 3')).toBe('($c = $c + 1) == 3');
    expect(rule('=3')).toBe('($c = $c + 1) == 3');
    expect(rule('% 2')).toBe('($c = $c + 1) % 2 == 0');
  });

  it('refuses what it does not understand', () => {
    expect(() => hitRuleOf('sometimes')).toThrow(/not understood/);
    expect(() => hitRuleOf('% 0')).toThrow(/not understood/);
    expect(() => hitRuleOf('< 3')).toThrow(/not understood/);
  });
});
