import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { HeldResponse, HOLD_MS } from '../../../debug-adapter/stepResponse';

const response = (seq: number) => ({ seq: 0, request_seq: seq, command: 'next', type: 'response', success: true }) as DebugProtocol.Response;

describe('a step\'s response held until its stop', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('goes out at the stop (release), once', () => {
    const sent: number[] = [];
    const held = new HeldResponse((r) => sent.push(r.request_seq));
    held.hold(response(1));
    expect(held.holding).toBe(true);
    expect(sent).toEqual([]);
    held.release();
    held.release();
    vi.advanceTimersByTime(HOLD_MS * 2);
    expect(sent).toEqual([1]);
    expect(held.holding).toBe(false);
  });

  it('goes out by itself when the step runs longer, so the client shows it running', () => {
    const sent: number[] = [];
    const held = new HeldResponse((r) => sent.push(r.request_seq));
    held.hold(response(1));
    vi.advanceTimersByTime(HOLD_MS - 1);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([1]);
  });

  it('a new step sends the previous response first: responses keep their order', () => {
    const sent: number[] = [];
    const held = new HeldResponse((r) => sent.push(r.request_seq));
    held.hold(response(1));
    held.hold(response(2));
    held.release();
    expect(sent).toEqual([1, 2]);
  });
});
