import { describe, expect, it } from 'vitest';
import { logMessageToDprintf, LOGPOINT_MARKER } from '../../../debug-adapter/logpoints';

describe('logpoints', () => {
  it('turns logpoint messages into dprintf formats; bare names are registers', () => {
    expect(logMessageToDprintf('rax={rax} 100% n={count + 1} {counts}')).toEqual({
      format: `${LOGPOINT_MARKER}rax=%lld 100%% n=%lld %lld\n`, args: ['(long long)($rax)', '(long long)(count + 1)', '(long long)(counts)'],
    });
  });
});
