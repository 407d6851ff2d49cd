import { describe, expect, it } from 'vitest';
import { withoutRustHashes } from '../../../toolchain/demangle';

describe('Rust names without their hashes', () => {
  it('drops the crate disambiguators of v0 names and the trailing hash of legacy ones', () => {
    expect(withoutRustHashes('miniz_oxide[b662226d77c6ee8e]::inflate::core::decompress')).toBe('miniz_oxide::inflate::core::decompress');
    expect(withoutRustHashes('<core[c1f1a4ba060b9bfa]::cell::once::OnceCell<u8>>::try_init')).toBe('<core::cell::once::OnceCell<u8>>::try_init');
    expect(withoutRustHashes('rust_hello::total::h2baf012d534236ae')).toBe('rust_hello::total');
  });

  it('keeps what only looks alike: array lengths, a short h-name', () => {
    expect(withoutRustHashes('<[u8; 4]>::len')).toBe('<[u8; 4]>::len');
    expect(withoutRustHashes('<[f32]>::len')).toBe('<[f32]>::len');
    expect(withoutRustHashes('<[u8; 0xdeadbeefcafe]>::len')).toBe('<[u8; 0xdeadbeefcafe]>::len');
    expect(withoutRustHashes('crate::hash::h12')).toBe('crate::hash::h12');
  });
});
