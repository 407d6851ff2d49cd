import { describe, expect, it } from 'vitest';
import { signatureHelp } from '../../../../server/features/signatureHelp';
import { openDocument } from '../helpers';

describe('signature help', () => {
  it('shows macro parameters with the active one', () => {
    const { workspace, document } = openDocument('inline.asm', '%macro print 2-3\n%endmacro\n  print msg, ');
    expect(signatureHelp(workspace, document, 2, 13)).toMatchObject({ label: 'print %1, %2, %3?', activeParameter: 1 });
  });
  it('shows the syscall being set up, with the argument register\'s parameter active', () => {
    const { workspace, document } = openDocument('inline.asm', '_start:\n  mov eax, 1\n  mov rsi, ');
    expect(signatureHelp(workspace, document, 2, 11)).toMatchObject({
      label: 'write(unsigned int fd, const char *buf, size_t count)', activeParameter: 1,
    });
  });
});
