import { describe, expect, it } from 'vitest';
import { ignoreCountOf } from '../../../debug-adapter/breakpoints';

describe('hit counts', () => {
  it('turns hit counts into gdb ignore counts', () => {
    expect(ignoreCountOf('3')).toBe(2);
    expect(ignoreCountOf('>= 1')).toBe(0);
    expect(ignoreCountOf(undefined)).toBeUndefined();
    expect(() => ignoreCountOf('% 2')).toThrow(/not understood/);
  });
});
