// Where the linker put a program's symbols, as binutils' readelf prints them (it ships with ld):
// each section's address and each symbol's address and section. The language server, which reads no
// ELF itself, uses it to give a label its address in the program built from the same source.
import { statSync } from 'node:fs';
import { findExecutable, runProgram } from './tools';

const READELF_TIMEOUT_MS = 10_000;

export interface LinkedSymbol {
  address: number;
  /** The section the symbol is in, by name. */
  section: string;
  /** The section's own address: the symbol lies `address - sectionAddress` bytes into it. */
  sectionAddress: number;
}

/** `readelf -W -S -s` output → symbol name → where it is (symbols in no section left out). */
export function parseLinkedSymbols(readelfOutput: string): Map<string, LinkedSymbol> {
  const sections = new Map<number, { name: string; address: number }>();
  for (const match of readelfOutput.matchAll(/^\s*\[\s*(\d+)\] (\S+)\s+\S+\s+([0-9a-f]+) /gm)) {
    sections.set(Number(match[1]), { name: match[2]!, address: parseInt(match[3]!, 16) });
  }
  const symbols = new Map<string, LinkedSymbol>();
  for (const match of readelfOutput.matchAll(/^\s*\d+: ([0-9a-f]+)\s+\d+ \w+\s+\w+\s+\w+\s+(\d+) (.+)$/gm)) {
    const section = sections.get(Number(match[2]));
    if (section && !symbols.has(match[3]!)) symbols.set(match[3]!, { address: parseInt(match[1]!, 16), section: section.name, sectionAddress: section.address });
  }
  return symbols;
}

const cache = new Map<string, { modified: number; symbols: Promise<Map<string, LinkedSymbol> | undefined> }>();

/** The symbols of a linked program (read again when it changes); undefined when it is missing or unreadable. */
export function linkedSymbols(program: string, readelfPath = 'readelf'): Promise<Map<string, LinkedSymbol> | undefined> {
  let modified: number;
  try {
    modified = statSync(program).mtimeMs;
  } catch {
    return Promise.resolve(undefined);
  }
  const known = cache.get(program);
  if (known?.modified === modified) return known.symbols;
  const readelf = findExecutable(readelfPath);
  const symbols = readelf
    ? runProgram(readelf, ['-W', '-S', '-s', program], { timeoutMs: READELF_TIMEOUT_MS })
      .then((result) => (result.exitCode === 0 ? parseLinkedSymbols(result.stdout) : undefined), () => undefined)
    : Promise.resolve(undefined);
  cache.set(program, { modified, symbols });
  return symbols;
}
