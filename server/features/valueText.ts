// How a value reads in hovers and inlay hints: one notation everywhere. `?` is unknown (with the
// reason in hovers), `unset` is a register no instruction wrote, strings read as NASM writes them,
// in parentheses after their label.
import { renderBytes } from '../../nasm/byteString';
import { describeOrigin, optionsOf, type RegisterValue, type Single } from '../analysis/values';

/** How many bytes of a label's data a value shows. */
const PREVIEW_BYTES = 40;

export const UNKNOWN_TEXT = '?';
export const UNSET_TEXT = 'unset';

export interface ValueTextOptions {
  /** How a plain number reads for this argument (`1 (stdout)`, `O_RDONLY`, `AT_FDCWD`). */
  decode?: (value: bigint) => string;
  /** The bytes a label's db string spells. */
  labelData?: (label: string) => Uint8Array | undefined;
  /** Leave out reasons and string previews (inlay hints). */
  short?: boolean;
}

function stackText(frame: string, offset: bigint): string {
  if (frame === '_start' && offset > 0n && offset % 8n === 0n) {
    return offset === 8n ? 'argv' : `&argv[${offset / 8n - 1n}]`;
  }
  const at = offset === 0n ? '' : offset > 0n ? ` + ${offset}` : ` − ${-offset}`;
  return `stack (rsp at ${frame ? `\`${frame}\`` : 'entry'}${at})`;
}

function singleText(value: Single, options: ValueTextOptions): string {
  switch (value.kind) {
    case 'number': return options.decode ? options.decode(value.value) : value.value.toString();
    case 'address': {
      const offset = value.offset === 0n ? '' : value.offset > 0n ? ` + ${value.offset}` : ` - ${-value.offset}`;
      const data = value.offset === 0n && !options.short ? options.labelData?.(value.anchor) : undefined;
      // In parentheses: the data's own commas (`"hi", 10`) must not read as the call's.
      return `${value.anchor}${offset}${data !== undefined ? ` (${renderBytes(data, { limit: PREVIEW_BYTES })})` : ''}`;
    }
    case 'symbol': return options.short && value.origin.kind === 'result' ? `${value.origin.noun} from ${value.origin.syscall}` : describeOrigin(value.origin);
    case 'stack': return options.short ? (value.frame === '_start' && value.offset > 0n ? stackText(value.frame, value.offset) : 'stack') : stackText(value.frame, value.offset);
    case 'unset': return UNSET_TEXT;
    case 'unknown': return options.short ? UNKNOWN_TEXT : `${UNKNOWN_TEXT} (${value.reason})`;
  }
}

/** `1 (stdout)`, `msg ("hi", 10)`, `fd returned by open (line 12)`, `0 or 1`, `? (loaded from memory)`. */
export function valueText(value: RegisterValue, options: ValueTextOptions = {}): string {
  // Numbers in ascending order whatever the order the paths were joined in: `0 or 1`.
  const numbers = optionsOf(value).filter((o) => o.kind === 'number').sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const others = optionsOf(value).filter((o) => o.kind !== 'number');
  return [...numbers, ...others].map((o) => singleText(o, options)).join(' or ');
}
