import { describe, expect, it } from 'vitest';
import { frameName } from '../../../debug-adapter/frames';

describe('frame names', () => {
  it('names frames by their global label with the local label as location', () => {
    expect(frameName({ level: 0, address: 1n, func: '_start.loop' })).toBe('_start · .loop');
    expect(frameName({ level: 0, address: 0x10n })).toBe('0x10');
  });
});
