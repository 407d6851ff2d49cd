// `info line *ADDRESS` as gdb 13 prints it, read into an address range.
import { describe, expect, it } from 'vitest';
import { parseLineRange } from '../../../../debug-adapter/mi/data';

describe('parseLineRange', () => {
  it('reads the start and end of the row holding the address', () => {
    expect(parseLineRange('Line 11 of "back.asm" starts at address 0x401017 <_start+23> and ends at 0x401021 <_start+33>.\n'))
      .toEqual({ start: 0x401017n, end: 0x401021n });
  });

  it('reads a row whose symbols are local labels or absent', () => {
    expect(parseLineRange('Line 31 of "/tmp/a b/x.asm" starts at address 0x40103a <length.scan> and ends at 0x40103d <length.scan+3>.'))
      .toEqual({ start: 0x40103an, end: 0x40103dn });
    expect(parseLineRange('Line 4 of "y.asm" starts at address 0x401000 and ends at 0x401005.')).toEqual({ start: 0x401000n, end: 0x401005n });
  });

  it('is undefined without line information or for a line without code', () => {
    expect(parseLineRange('No line number information available for address 0x401000 <_start>\n')).toBeUndefined();
    expect(parseLineRange('Line 5 of "x.asm" is at address 0x401005 <_start+5> but contains no code.\n')).toBeUndefined();
  });
});
