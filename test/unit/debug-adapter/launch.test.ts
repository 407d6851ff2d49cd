import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../../debug-adapter/launch';

describe('build commands', () => {
  it('splits a build command into words without a shell', () => {
    expect(splitCommand(`make -C "my dir" 'a b' $(x)`)).toEqual(['make', '-C', 'my dir', 'a b', '$(x)']);
  });
});
