// The nasm output format a source asks for by itself: `org` means a flat binary, `bits 32`/`use32` a
// 32-bit object, `bits 64` a 64-bit one. Undefined when it does not say (the project's setting decides).
import { AsmDocument } from './document';
import type { Structure } from './structure';

export type NasmOutputFormat = 'elf64' | 'elf32' | 'bin';

export function declaredOutputFormat(structures: readonly Structure[]): NasmOutputFormat | undefined {
  if (structures.some((s) => s.orgLines.length > 0)) return 'bin';
  for (const structure of structures) {
    const bits = structure.bitsChanges[0]?.bits;
    // 16-bit code has no ELF home: it is a boot sector or a DOS program.
    if (bits === 16) return 'bin';
    if (bits === 32) return 'elf32';
    if (bits === 64) return 'elf64';
  }
  return undefined;
}

/**
 * The format a source file asks for by itself, read from its text alone (what the build uses for the
 * root file it assembles): the same rule as the language server's, with `fallback` when it is silent.
 */
export function outputFormatOfText<F extends string>(text: string, fallback: F): NasmOutputFormat | F {
  return declaredOutputFormat([new AsmDocument('', text).structure]) ?? fallback;
}
