// NASM `equ` constants in the Debug Console. NASM writes them to the ELF symbol table as absolute
// symbols; gdb knows them only as "<name> has unknown type". Their "address" is their value.
import type { Gdb } from './mi/gdb';

const SYMBOL_NAME = /^[A-Za-z_.?][\w.?$@#~]*$/;

/** The value of the absolute symbol `name`, or undefined when it is no such symbol (a label, unknown). */
export async function equValue(gdb: Gdb, name: string): Promise<bigint | undefined> {
  if (!SYMBOL_NAME.test(name)) return undefined;
  const where = await gdb.cli(`info address ${name}`).catch(() => '');
  const match = /is at (0x[0-9a-f]+) in a file compiled without debugging/.exec(where);
  if (!match) return undefined;
  // A label's address lies in a section; an absolute symbol's "address" matches none.
  const section = await gdb.cli(`info symbol ${match[1]}`).catch(() => '');
  return / in section /.test(section) ? undefined : BigInt(match[1]!);
}

/** `14 (0xe)`: decimal first, as the Data scope shows numbers. */
export function formatConstant(value: bigint): string {
  return `${value} (0x${value.toString(16)})`;
}
