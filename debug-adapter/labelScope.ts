// NASM local labels in the Debug Console: `.loop` means the `.loop` of the label before it. nasm writes
// a local label to the symbol table with its scope (`parse.loop`), so the scope where the program stopped
// comes from the same table: the last non-local label at or before the frame's pc in its section.
// Within one section address order is source order, which is the order NASM scopes by.
// A local label is read as if written where the frame is: `.len` of `msg` (in .data) is not in scope in
// `print`'s code, just as nasm would not take it there, and the refusal names `msg.len` instead. A hover
// names its place in the editor, and is scoped by the source there (inspector.ts).

/** One symbol of gdb's minimal symbol table (the ELF symbol table, relocated). */
export interface ProgramSymbol {
  name: string;
  address: bigint;
  /** nm's letter: `t`/`T` code, `d`/`b`/`r` data, `a`/`A` absolute (an `equ`, a struc field). */
  kind: string;
  section: string;
  /** The object file (program or library) whose table holds it. */
  objfile: string;
  /** The source file gdb knows the symbol from (nasm -g names the .asm file); a print name where there is none. */
  file?: string;
}

/**
 * The symbols of every object file in gdb's `maint print msymbols` output (the one listing with ELF names,
 * absolute symbols and addresses as loaded): `[12] t 0x40102d parse section .text  file.asm`; a local
 * label also carries gdb's print name, `[14] t 0x401046 parse.loop section .text  parse[loop]  file.asm`.
 * A line in another shape is passed over: its symbol only goes unnamed.
 */
export function parseMinimalSymbols(text: string): ProgramSymbol[] {
  const symbols: ProgramSymbol[] = [];
  let objfile: string | undefined;
  for (const line of text.split('\n')) {
    const header = /^Object file (.+):$/.exec(line);
    if (header) objfile = header[1]!;
    const match = /^\[\s*\d+\] (\S) (0x[0-9a-f]+) (\S+) section (\S+)(.*)$/.exec(line);
    if (!match || objfile === undefined) continue;
    // After the section: gdb's print name where it differs (`parse[loop]`), then the source file, if known.
    const file = match[5]!.trim().split(/\s{2,}/).pop();
    symbols.push({ kind: match[1]!, address: BigInt(match[2]!), name: match[3]!, section: match[4]!, objfile, file: file || undefined });
  }
  return symbols;
}

export const isAbsolute = (symbol: ProgramSymbol): boolean => /^a$/i.test(symbol.kind);
/** Data, bss and read-only data symbols: what `msg: db …` and `buf: resb …` become. */
export const isDataSymbol = (symbol: ProgramSymbol): boolean => /^[dbrgsv]$/i.test(symbol.kind);

/**
 * The non-local label whose local labels are in scope at `address` (a frame's pc): nasm's rule replayed
 * over the section of the nearest symbol at or before it, in address order. A label starting with `..`
 * (`..@12.skip` from a macro's `%%skip`, `..start`) leaves the scope as it is, a label named
 * `<scope>.x` is a local of the scope, any other label starts a new scope. An `equ` does not change
 * the scope (nasm's own rule), and being absolute it is in no section anyway. The pc, not gdb's name
 * for the frame: gdb prints the macro-local `..@12.skip` as `.@12[skip]`, which names no symbol.
 */
export function scopeOf(symbols: readonly ProgramSymbol[], address: bigint): string | undefined {
  const at = symbols.filter((s) => !isAbsolute(s) && s.address <= address)
    .reduce<ProgramSymbol | undefined>((best, s) => (!best || s.address > best.address ? s : best), undefined);
  if (!at) return undefined;
  // A scope and its first local at one address: the scope first (it is the shorter name).
  const before = symbols.filter((s) => s.objfile === at.objfile && s.section === at.section && !isAbsolute(s) && s.address <= at.address)
    .sort((a, b) => (a.address === b.address ? a.name.length - b.name.length : a.address < b.address ? -1 : 1));
  let scope: string | undefined;
  for (const symbol of before) {
    if (symbol.name.startsWith('..')) continue;
    if (scope !== undefined && symbol.name.startsWith(`${scope}.`)) continue;
    scope = symbol.name;
  }
  return scope;
}

/** Symbols the linker adds at section edges (`_edata`, `__bss_start`, `_end`): a label there is the better name. */
const LINKER_SYMBOL = /^(__\w+|_edata|_end|_etext|edata|end|etext)$/;

/**
 * `count+1` for an address inside a label's data: the nearest symbol at or below it in the same object
 * file, if the address lies before the next symbol (past the last one, or in no section, it is none).
 */
export function labelAt(symbols: readonly ProgramSymbol[], address: bigint): string | undefined {
  const placed = symbols.filter((s) => !isAbsolute(s) && !s.name.startsWith('..'));
  const rank = (s: ProgramSymbol) => (LINKER_SYMBOL.test(s.name) ? 2 : /[A-Z]/.test(s.kind) ? 1 : 0);
  const at = placed.filter((s) => s.address <= address)
    .reduce<ProgramSymbol | undefined>((best, s) => (!best || s.address > best.address || (s.address === best.address && rank(s) < rank(best)) ? s : best), undefined);
  if (!at) return undefined;
  const next = placed.some((s) => s.objfile === at.objfile && s.address > address);
  if (!next) return undefined;
  const offset = address - at.address;
  return offset === 0n ? at.name : `${at.name}+${offset}`;
}
