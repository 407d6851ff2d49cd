import { describe, expect, it } from 'vitest';
import { frameName, frameSourceKind } from '../../../debug-adapter/frames';
import { labelName } from '../../../debug-adapter/mi/stack';

describe('frame names', () => {
  it('names frames by their global label with the local label as location', () => {
    expect(frameName({ level: 0, address: 1n, func: '_start.loop' })).toBe('_start · .loop');
    expect(frameName({ level: 0, address: 0x10n })).toBe('0x10');
  });
});

describe('frame sources', () => {
  const onDisk = new Set(['/home/u/lab/hello.asm', '/usr/include/stdio.h', '/root/.cargo/registry/src/x/lib.rs']);
  const exists = (file: string) => onDisk.has(file);

  it('opens the user\'s own files', () => {
    expect(frameSourceKind('/home/u/lab/hello.asm', exists)).toBe('user');
  });

  it('shows a frame without a readable file as disassembly (libc\'s relative path, Rust\'s /rustc/…)', () => {
    expect(frameSourceKind('./io/../sysdeps/unix/sysv/linux/write.c', exists)).toBe('none');
    expect(frameSourceKind('/rustc/0123abcd/library/std/src/io/stdio.rs', exists)).toBe('none');
    expect(frameSourceKind(undefined, exists)).toBe('none');
  });

  it('de-emphasizes library sources that are on disk', () => {
    expect(frameSourceKind('/usr/include/stdio.h', exists)).toBe('library');
    expect(frameSourceKind('/root/.cargo/registry/src/x/lib.rs', exists)).toBe('library');
  });
});

describe('labelName', () => {
  it('reads gdb\'s bracketed local labels as NASM writes them, and leaves other names alone', () => {
    expect(labelName('print_num[digit]')).toBe('print_num.digit');
    expect(labelName('_start.loop')).toBe('_start.loop');
    expect(labelName('<impl Foo for [u8]>::bar')).toBe('<impl Foo for [u8]>::bar');
    expect(labelName('table[3]')).toBe('table[3]');
    expect(labelName(undefined)).toBeUndefined();
  });
});
