import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../../toolchain/buildCommand';

describe('build commands', () => {
  it('splits a build command into words without a shell', () => {
    expect(splitCommand(`make -C "my dir" 'a b' $(x)`)).toEqual(['make', '-C', 'my dir', 'a b', '$(x)']);
    expect(splitCommand(`./build.sh "a \\"quoted\\" word"`)).toEqual(['./build.sh', 'a "quoted" word']);
    expect(splitCommand('   ')).toEqual([]);
  });
});
