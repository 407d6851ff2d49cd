// A project's own preprocessor definitions (`syscallLens.defines`: what its build passes to nasm as
// -D): checked once here, passed to every nasm run as -D, and given to the analysis so `%ifdef`
// branches are the ones the build assembles.

export interface Define {
  name: string;
  /** The text after `=`; absent for a bare `NAME` (nasm then defines it as empty). */
  value?: string;
}

// nasm's identifiers: letters, digits, _ $ # @ ~ . ? — not starting with a digit.
const NAME = /^[A-Za-z_.?$#@~][\w$#@~.?]*$/;

/** `NAME` or `NAME=value` entries as Defines; an entry that is not one is left out and named in `invalid`. */
export function parseDefines(entries: readonly string[]): { defines: Define[]; invalid: string[] } {
  const defines: Define[] = [];
  const invalid: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim().replace(/^-D/, '');
    const equals = entry.indexOf('=');
    const name = equals < 0 ? entry : entry.slice(0, equals);
    if (!NAME.test(name)) { if (raw.trim()) invalid.push(raw); continue; }
    defines.push(equals < 0 ? { name } : { name, value: entry.slice(equals + 1) });
  }
  return { defines, invalid };
}

/** nasm's arguments for the definitions (one argument each: never through a shell, nothing to quote). */
export function defineArgs(defines: readonly Define[]): string[] {
  return defines.map((d) => (d.value === undefined ? `-D${d.name}` : `-D${d.name}=${d.value}`));
}

/** A definition's value as a number, when it is a plain decimal or 0x hexadecimal integer. */
export function defineNumber(define: Define): bigint | undefined {
  const value = define.value?.trim();
  if (!value) return undefined;
  if (/^-?\d+$/.test(value)) return BigInt(value);
  if (/^0x[\da-f]+$/i.test(value)) return BigInt(value);
  return undefined;
}
